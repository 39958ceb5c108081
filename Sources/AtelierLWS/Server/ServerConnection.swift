/// A websocket connection's state. Owned by the service thread: reachable from
/// lws through the wsi's opaque user data (one retain, released on CLOSED) and
/// from the server's id table.
final class ServerConnection {
    /// Where a connection is in its closing handshake. Frames are queued and written only while
    /// it is open, or closing politely until the queue has drained.
    enum State {
        case open
        /// This side closes: the close frame goes out after what is queued, or at once.
        case closing(PendingClose)
        /// The peer sent a close frame, which lws answers; `code` is the peer's, or the one this
        /// side was closing with if the peer's frame had none.
        case closedByPeer(code: UInt16?)
    }

    let id: ConnectionID
    let wsi: OpaquePointer
    var state = State.open
    var queue = FrameQueue()
    /// Bytes of the head frame already sent as fragments.
    var fragmentOffset = 0
    /// Reassembly of a message arriving in several chunks or fragments.
    var rx: [UInt8] = []
    /// The delegate wants `server(_:drained:)` once the queue is empty.
    var notifyWhenDrained = false

    init(id: ConnectionID, wsi: OpaquePointer) {
        self.id = id
        self.wsi = wsi
    }

    var isOpen: Bool {
        if case .open = state { return true }
        return false
    }

    /// The close code the delegate is told when the connection is gone: the peer's, else the one
    /// this side closed with; nil when the link just dropped.
    var closeCode: UInt16? {
        switch state {
        case .open: return nil
        case .closing(let close): return close.code
        case .closedByPeer(let code): return code
        }
    }

    /// Starts closing from this side, unless a close is already under way.
    func beginClosing(code: UInt16, reason: String, flushQueue: Bool) {
        guard isOpen else { return }
        state = .closing(PendingClose(code: code, reason: reason, flushQueue: flushQueue))
    }
}

struct PendingClose {
    var code: UInt16
    var reason: String
    /// Send what is queued before the close frame (a polite close) or not (a drop).
    var flushQueue: Bool
}
