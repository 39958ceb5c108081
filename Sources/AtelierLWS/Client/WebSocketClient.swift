import AtelierThreads
import CWebSockets

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A websocket client connection (`ws://host:port/ws`, subprotocol `atelier.v1`)
/// serviced by a `ClientLoop`.
///
/// **Threading.** `send`, `close`, `receive`, `waitForOpen`... may be called
/// from any thread: they only touch the state behind `lock` and ask the loop
/// thread to act. The wsi, the reassembly buffer and the message being written
/// belong to the loop thread. `onMessage` and `onStateChange` run on the loop
/// thread (keep them short; they must not block on this client).
///
/// **Writing.** One frame per `LWS_CALLBACK_CLIENT_WRITEABLE`; large messages go
/// out as fragments. The outbound queue is bounded: `send` returns false when
/// it is full or the connection is not usable.
public final class WebSocketClient: @unchecked Sendable {
    public enum State: Sendable, Equatable {
        case idle
        case connecting
        case open
        /// The connection ended. `code` is the close code the server sent (or the
        /// one this side sent), 1006 if the link dropped without a close frame.
        case closed(code: UInt16, reason: String)
        /// The connection could not be established.
        case failed(String)

        public var isFinal: Bool {
            switch self {
            case .closed, .failed: return true
            default: return false
            }
        }
    }

    public struct Options: Sendable {
        public var host: String
        public var port: Int
        /// Path and query of the upgrade request.
        public var path: String
        public var subprotocol: String
        /// Origin header to send, if any.
        public var origin: String?
        public var useTLS: Bool
        public var allowSelfSignedCertificates: Bool
        /// Outbound queue bounds: `send` fails past them.
        public var maxQueuedMessages: Int
        public var maxQueuedBytes: Int
        /// Largest incoming message; larger ones close the connection with 1009.
        public var maxMessageBytes: Int
        /// Messages kept for `receive` when there is no `onMessage` handler;
        /// past it the oldest are discarded (and counted).
        public var maxBufferedMessages: Int

        public init(
            host: String, port: Int, path: String = "/ws", subprotocol: String = "atelier.v1",
            origin: String? = nil, useTLS: Bool = false, allowSelfSignedCertificates: Bool = false,
            maxQueuedMessages: Int = 1024, maxQueuedBytes: Int = 8 << 20,
            maxMessageBytes: Int = 64 << 20, maxBufferedMessages: Int = 100_000
        ) {
            self.host = host
            self.port = port
            self.path = path
            self.subprotocol = subprotocol
            self.origin = origin
            self.useTLS = useTLS
            self.allowSelfSignedCertificates = allowSelfSignedCertificates
            self.maxQueuedMessages = maxQueuedMessages
            self.maxQueuedBytes = maxQueuedBytes
            self.maxMessageBytes = maxMessageBytes
            self.maxBufferedMessages = maxBufferedMessages
        }

        /// Parses `ws://host:port/path?query` or `wss://...`.
        public init(url: String) throws {
            var rest = Substring(url)
            let tls: Bool
            if rest.hasPrefix("ws://") {
                tls = false
                rest = rest.dropFirst(5)
            } else if rest.hasPrefix("wss://") {
                tls = true
                rest = rest.dropFirst(6)
            } else {
                throw ClientError.invalidURL(url)
            }
            let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
            let authority = rest[..<slash]
            var path = String(rest[slash...])
            if path.isEmpty { path = "/" } else if path.hasPrefix("?") { path = "/" + path }
            var host: Substring
            var portText: Substring?
            if authority.hasPrefix("[") {
                guard let close = authority.firstIndex(of: "]") else { throw ClientError.invalidURL(url) }
                host = authority[authority.index(after: authority.startIndex)..<close]
                let after = authority[authority.index(after: close)...]
                if after.hasPrefix(":") { portText = after.dropFirst() }
            } else if let colon = authority.lastIndex(of: ":") {
                host = authority[..<colon]
                portText = authority[authority.index(after: colon)...]
            } else {
                host = authority
            }
            guard !host.isEmpty else { throw ClientError.invalidURL(url) }
            var port = tls ? 443 : 80
            if let portText {
                guard let parsed = Int(portText), (1...65535).contains(parsed) else { throw ClientError.invalidURL(url) }
                port = parsed
            }
            self.init(host: String(host), port: port, path: path, useTLS: tls)
        }
    }

    public let options: Options
    public let loop: ClientLoop
    private let ownsLoop: Bool
    private let onMessage: (@Sendable (UnsafeRawBufferPointer) -> Void)?
    private let onStateChange: (@Sendable (State) -> Void)?

    // C strings handed to lws_client_connect_via_info; freed in deinit.
    let cAddress: UnsafePointer<CChar>
    let cPath: UnsafePointer<CChar>
    let cHostHeader: UnsafePointer<CChar>
    let cSubprotocol: UnsafePointer<CChar>

    // MARK: State shared with other threads (guarded by `lock`)

    private let lock = ConditionLock()
    private var state: State = .idle
    private var outbound = Ring<[UInt8]>()
    private var outboundBytes = 0
    private var inbox = Ring<String>()
    private var closeRequest: (code: UInt16, reason: String)?
    private var pendingFlow: Bool?
    private var serviceQueued = false
    private var discardedIncoming = 0

    // MARK: Loop-thread state

    var wsi: OpaquePointer?
    var attachedToLoop = false
    private var rx: [UInt8] = []
    private var current: [UInt8]?
    private var currentOffset = 0
    private var peerClose: (code: UInt16, reason: String)?
    private var localClose: (code: UInt16, reason: String)?

    /// - Parameters:
    ///   - loop: the shared loop to run on; nil creates a private loop that ends
    ///     with this connection.
    ///   - onMessage: called on the loop thread with each whole message (bytes
    ///     valid during the call). When set, `receive` gets nothing.
    ///   - onStateChange: called on the loop thread on open, close and failure.
    public init(
        options: Options, loop: ClientLoop? = nil,
        onMessage: (@Sendable (UnsafeRawBufferPointer) -> Void)? = nil,
        onStateChange: (@Sendable (State) -> Void)? = nil
    ) throws {
        self.options = options
        (self.loop, ownsLoop) = try ClientLoop.forConnection(loop, useTLS: options.useTLS)
        self.onMessage = onMessage
        self.onStateChange = onStateChange
        cAddress = UnsafePointer(strdup(options.host)!)
        cPath = UnsafePointer(strdup(options.path)!)
        let hostHeader = options.host.contains(":") ? "[\(options.host)]:\(options.port)" : "\(options.host):\(options.port)"
        cHostHeader = UnsafePointer(strdup(hostHeader)!)
        cSubprotocol = UnsafePointer(strdup(options.subprotocol)!)
    }

    /// Convenience: `try WebSocketClient(url: "ws://127.0.0.1:8080/ws")`.
    public convenience init(
        url: String, loop: ClientLoop? = nil,
        onMessage: (@Sendable (UnsafeRawBufferPointer) -> Void)? = nil,
        onStateChange: (@Sendable (State) -> Void)? = nil
    ) throws {
        try self.init(options: Options(url: url), loop: loop, onMessage: onMessage, onStateChange: onStateChange)
    }

    deinit {
        free(UnsafeMutablePointer(mutating: cAddress))
        free(UnsafeMutablePointer(mutating: cPath))
        free(UnsafeMutablePointer(mutating: cHostHeader))
        free(UnsafeMutablePointer(mutating: cSubprotocol))
    }

    // MARK: Any thread

    /// Starts connecting (once). Messages sent before the connection opens are
    /// queued and go out when it does.
    public func connect() {
        let proceed = lock.withLock { () -> Bool in
            guard state == .idle else { return false }
            state = .connecting
            return true
        }
        guard proceed else { return }
        if !loop.submit(.connect(self)) {
            detach(state: .failed("client loop has ended"))
        }
    }

    /// The current state.
    public var currentState: State { lock.withLock { state } }

    /// Messages thrown away because the `receive` buffer was full.
    public var discardedIncomingCount: Int { lock.withLock { discardedIncoming } }

    /// Queues a text message. False if the connection is closing or over, or the queue is full.
    @discardableResult
    public func send(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { send(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// Queues a text message given as UTF-8 bytes.
    @discardableResult
    public func send(bytes: UnsafeRawBufferPointer) -> Bool {
        var message = [UInt8](repeating: 0, count: lwsPre + bytes.count)
        if let base = bytes.baseAddress, bytes.count > 0 {
            message.withUnsafeMutableBytes { ($0.baseAddress! + lwsPre).copyMemory(from: base, byteCount: bytes.count) }
        }
        let (accepted, wake) = lock.withLock { () -> (Bool, Bool) in
            switch state {
            case .idle, .connecting, .open: break
            default: return (false, false)
            }
            guard closeRequest == nil,
                outbound.count < options.maxQueuedMessages,
                outbound.isEmpty || outboundBytes + bytes.count <= options.maxQueuedBytes
            else { return (false, false) }
            outbound.append(message)
            outboundBytes += bytes.count
            return (true, needsService())
        }
        if wake { requestService() }
        return accepted
    }

    /// Waits up to `timeout` seconds for the next buffered message. Nil on
    /// timeout or once the connection is over and nothing is left.
    public func receive(timeout: Double) -> String? {
        let deadline = ConditionLock.deadline(after: timeout)
        return lock.withLock { () -> String? in
            while inbox.isEmpty && !state.isFinal {
                if !lock.wait(until: deadline) { break }
            }
            return inbox.popFirst()
        }
    }

    /// Waits until the connection is open (true) or has failed or closed (false).
    public func waitForOpen(timeout: Double) -> Bool {
        let deadline = ConditionLock.deadline(after: timeout)
        return lock.withLock { () -> Bool in
            while state == .idle || state == .connecting {
                if !lock.wait(until: deadline) { break }
            }
            return state == .open
        }
    }

    /// Waits until the connection is over; returns the final state, or nil on
    /// timeout. A client with a private loop also waits for that loop to end.
    @discardableResult
    public func waitForClose(timeout: Double) -> State? {
        let deadline = ConditionLock.deadline(after: timeout)
        let final = lock.withLock { () -> State? in
            while !state.isFinal {
                if !lock.wait(until: deadline) { break }
            }
            return state.isFinal ? state : nil
        }
        if final != nil, ownsLoop, !loop.isOnLoopThread {
            _ = loop.waitUntilEnded(timeout: timeout)
        }
        return final
    }

    /// Sends a close frame once the queued messages are out.
    public func close(code: UInt16 = 1000, reason: String = "") {
        let action = lock.withLock { () -> Int in
            if state == .idle {
                return 2
            }
            guard !state.isFinal, closeRequest == nil else { return 0 }
            closeRequest = (code, reason)
            return needsService() ? 1 : 0
        }
        if action == 2 {
            detach(state: .closed(code: code, reason: reason))
        } else if action == 1 {
            requestService()
        }
    }

    /// Stops reading from the socket (lws rx flow control): the server's
    /// frames pile up in the kernel buffers, like a stalled reader.
    public func pauseReading() { setFlow(false) }

    /// Resumes reading after `pauseReading()`.
    public func resumeReading() { setFlow(true) }

    private func setFlow(_ enabled: Bool) {
        let wake = lock.withLock { () -> Bool in
            pendingFlow = enabled
            return needsService()
        }
        if wake { requestService() }
    }

    /// Under lock: whether the loop must be told to look at this client.
    private func needsService() -> Bool {
        guard state == .open || state == .connecting, !serviceQueued else { return false }
        serviceQueued = true
        return true
    }

    private func requestService() {
        if loop.isOnLoopThread, let wsi {
            applyPendingRequests(wsi)
        } else {
            loop.submit(.service(self))
        }
    }

    // MARK: Loop thread

    /// Applies what other threads asked for: flow control, writes, close.
    func applyPendingRequests(_ wsi: OpaquePointer) {
        let (flow, wantsWrite, isOpen, closing) = lock.withLock { () -> (Bool?, Bool, Bool, Bool) in
            serviceQueued = false
            let flow = pendingFlow
            pendingFlow = nil
            return (flow, !outbound.isEmpty || closeRequest != nil, state == .open, closeRequest != nil)
        }
        if !isOpen {
            // Still connecting: a close cancels the attempt; writes wait for ESTABLISHED.
            if closing { atelier_kill_async(wsi) }
            if let flow { lock.withLock { if pendingFlow == nil { pendingFlow = flow } } }
            return
        }
        if let flow { lws_rx_flow_control(wsi, flow ? 1 : 0) }
        if wantsWrite { lws_callback_on_writable(wsi) }
    }

    /// Asks for a close from the loop itself (shutdown).
    func requestCloseFromLoop(code: UInt16, reason: String) {
        lock.withLock {
            if closeRequest == nil { closeRequest = (code, reason) }
        }
        if let wsi { applyPendingRequests(wsi) }
    }

    /// Adds the Origin header to the upgrade request (`input` is `unsigned char **`).
    func appendHandshakeHeaders(_ wsi: OpaquePointer, _ input: UnsafeMutableRawPointer?, _ length: Int) -> Int32 {
        guard let origin = options.origin, let input else { return 0 }
        let cursor = input.assumingMemoryBound(to: Optional<UnsafeMutablePointer<UInt8>>.self)
        guard let start = cursor.pointee else { return 0 }
        let end = start + length
        var value = origin
        return value.withUTF8 { bytes in
            lws_add_http_header_by_name(wsi, "origin:", bytes.baseAddress, Int32(bytes.count), cursor, end) == 0 ? 0 : -1
        }
    }

    func established(_ wsi: OpaquePointer) {
        lock.withLock {
            state = .open
            serviceQueued = false
            lock.broadcast()
        }
        onStateChange?(.open)
        applyPendingRequests(wsi)
    }

    func received(_ wsi: OpaquePointer, _ input: UnsafeMutableRawPointer?, _ length: Int) -> Int32 {
        let chunk = UnsafeRawBufferPointer(start: input, count: input == nil ? 0 : length)
        let isFinal = lws_is_final_fragment(wsi) != 0
        if rx.isEmpty && isFinal {
            if chunk.count > options.maxMessageBytes { return closeTooBig(wsi) }
            deliver(chunk)
            return 0
        }
        if rx.count + chunk.count > options.maxMessageBytes { return closeTooBig(wsi) }
        rx.append(contentsOf: chunk)
        if isFinal {
            rx.withUnsafeBytes { deliver($0) }
            rx.removeAll(keepingCapacity: rx.capacity <= 4096)
        }
        return 0
    }

    private func closeTooBig(_ wsi: OpaquePointer) -> Int32 {
        rx = []
        return closeNow(wsi, code: 1009, reason: "message too big")
    }

    private func closeNow(_ wsi: OpaquePointer, code: UInt16, reason: String) -> Int32 {
        localClose = (code, reason)
        var bytes = Array(reason.utf8.prefix(120))
        bytes.withUnsafeMutableBufferPointer { buffer in
            lws_close_reason(wsi, lws_close_status(rawValue: numericCast(code)), buffer.baseAddress, buffer.count)
        }
        return -1
    }

    private func deliver(_ message: UnsafeRawBufferPointer) {
        if let onMessage {
            onMessage(message)
            return
        }
        let text = String(decoding: message, as: UTF8.self)
        lock.withLock {
            if inbox.count >= options.maxBufferedMessages {
                inbox.popFirst()
                discardedIncoming += 1
            }
            inbox.append(text)
            lock.broadcast()
        }
    }

    func writeable(_ wsi: OpaquePointer, scratch: UnsafeMutableRawPointer, fragmentBytes: Int) -> Int32 {
        if current == nil {
            let next = lock.withLock { () -> (message: [UInt8]?, close: (code: UInt16, reason: String)?) in
                if let message = outbound.popFirst() {
                    outboundBytes -= message.count - lwsPre
                    return (message, nil)
                }
                return (nil, closeRequest)
            }
            if let message = next.message {
                current = message
                currentOffset = 0
            } else if let close = next.close {
                return closeNow(wsi, code: close.code, reason: close.reason)
            } else {
                return 0
            }
        }
        var message = current!
        current = nil
        let size = message.count - lwsPre
        if currentOffset == 0 && size <= fragmentBytes {
            // Whole message in one frame; lws masks the payload in place.
            let written = message.withUnsafeMutableBufferPointer { buffer in
                lws_write(wsi, buffer.baseAddress! + lwsPre, size, LWS_WRITE_TEXT)
            }
            if written < size { return -1 }
        } else {
            let offset = currentOffset
            let chunk = min(size - offset, fragmentBytes)
            let isLast = offset + chunk == size
            message.withUnsafeBytes { bytes in
                (scratch + lwsPre).copyMemory(from: bytes.baseAddress! + lwsPre + offset, byteCount: chunk)
            }
            let flags = lws_write_ws_flags(Int32(LWS_WRITE_TEXT.rawValue), offset == 0 ? 1 : 0, isLast ? 1 : 0)
            let written = lws_write(
                wsi, (scratch + lwsPre).assumingMemoryBound(to: UInt8.self), chunk,
                lws_write_protocol(rawValue: numericCast(flags)))
            if written < chunk { return -1 }
            if !isLast {
                current = message
                currentOffset = offset + chunk
            } else {
                currentOffset = 0
            }
        }
        let more = current != nil || lock.withLock { !outbound.isEmpty || closeRequest != nil }
        if more { lws_callback_on_writable(wsi) }
        return 0
    }

    func peerClosed(_ input: UnsafeMutableRawPointer?, _ length: Int) {
        guard let input, length >= 2 else {
            peerClose = (1005, "")
            return
        }
        let bytes = UnsafeRawBufferPointer(start: input, count: length)
        let code = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
        peerClose = (code, String(decoding: bytes[2...], as: UTF8.self))
    }

    func closedState() -> State {
        if let peerClose { return .closed(code: peerClose.code, reason: peerClose.reason) }
        if let localClose { return .closed(code: localClose.code, reason: localClose.reason) }
        return .closed(code: 1006, reason: "connection lost")
    }

    /// Final state; called once, on the loop thread (or by `connect`/`close` before it got there).
    func detach(state final: State) {
        wsi = nil
        current = nil
        rx = []
        let changed = lock.withLock { () -> Bool in
            guard !state.isFinal else { return false }
            state = final
            outbound.removeAll()
            outboundBytes = 0
            closeRequest = nil
            lock.broadcast()
            return true
        }
        guard changed else { return }
        onStateChange?(final)
        if ownsLoop { loop.requestStop() }
    }
}
