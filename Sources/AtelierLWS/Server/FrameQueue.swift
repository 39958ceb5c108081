import AtelierThreads

/// A connection's outbound frames, with the byte count the queue limits are checked against.
///
/// Service-thread only (it lives inside a `ServerConnection`).
struct FrameQueue {
    private var ring = Ring<OutboundFrame>()
    /// Sum of the payload sizes of the queued frames.
    private(set) var bytes = 0

    var count: Int { ring.count }
    var isEmpty: Bool { ring.isEmpty }
    var first: OutboundFrame? { ring.first }

    /// The frame `index` places from the head.
    subscript(index: Int) -> OutboundFrame { ring[index] }

    mutating func append(_ frame: OutboundFrame) {
        ring.append(frame)
        bytes += frame.count
    }

    @discardableResult
    mutating func removeFirst() -> OutboundFrame {
        let frame = ring.popFirst()!
        bytes -= frame.count
        return frame
    }

    mutating func removeAll() {
        ring.removeAll()
        bytes = 0
    }
}
