import AtelierThreads
import CWebSockets
import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One lws client context and the thread that services it, shared by any
/// number of `WebSocketClient` connections (a load generator opens thousands
/// on one loop; a console or a test opens one).
///
/// **Threading.** The loop thread owns the context and every wsi. Clients never
/// touch lws from other threads: `send`, `close`, `pauseReading`... record what
/// they want under the client's lock, put the client on this loop's locked
/// inbox and wake it with `lws_cancel_service`; the inbox is drained in
/// `LWS_CALLBACK_EVENT_WAIT_CANCELLED`. That is why the type is
/// `@unchecked Sendable`: its mutable state is either behind `inbox` or only
/// used on the loop thread.
public final class ClientLoop: @unchecked Sendable {
    /// Settings shared by the loop's connections.
    public struct Configuration: Sendable {
        /// lws receive buffer per connection (incoming chunks are reassembled).
        public var rxBufferSize: Int
        /// Outgoing messages larger than this go out as several fragments.
        public var outboundFragmentBytes: Int
        /// How long `shutdown()` waits for servers to acknowledge close frames.
        public var shutdownGracePeriodMilliseconds: Int
        /// Initialise OpenSSL for `wss` connections. Off by default: it costs
        /// about 700 KB per loop (the CA store), and lws 4.1 leaks one client
        /// SSL_CTX when two TLS-enabled contexts are alive at once — keep one
        /// TLS loop per process.
        public var enableTLS: Bool

        public init(rxBufferSize: Int = 4096, outboundFragmentBytes: Int = 32 * 1024,
                    shutdownGracePeriodMilliseconds: Int = 2000, enableTLS: Bool = false) {
            self.rxBufferSize = rxBufferSize
            self.outboundFragmentBytes = outboundFragmentBytes
            self.shutdownGracePeriodMilliseconds = shutdownGracePeriodMilliseconds
            self.enableTLS = enableTLS
        }
    }

    enum Command {
        case connect(WebSocketClient)
        case service(WebSocketClient)
    }

    private struct Shared {
        var inbox: [Command] = []
        var stopRequested = false
        var context: WakeHandle?
        var finished = false
    }

    public let configuration: Configuration
    private let shared = Mutex(Shared())
    private let loopThread = Atomic<UInt>(0)
    private let done = DispatchGroup()

    // Loop-thread state.
    private var context: OpaquePointer?
    private var protocols: UnsafeMutablePointer<lws_protocols>?
    private var protocolName: UnsafeMutablePointer<CChar>?
    /// Clients with a live (or connecting) wsi; each also holds one retain
    /// through its wsi's opaque user data.
    private var attached: [ObjectIdentifier: WebSocketClient] = [:]
    private(set) var scratch: UnsafeMutableRawPointer?
    private var stopping = false
    private var deadlinePassed = false
    private var deadline: UnsafeMutablePointer<atelier_timer>?

    /// The loop a connection runs on: the one it was `given`, or a private one (with TLS for a
    /// `wss` address) that the connection owns and stops when it is done.
    public static func forConnection(_ given: ClientLoop?, useTLS: Bool) throws -> (loop: ClientLoop, owned: Bool) {
        if let given { return (given, false) }
        return (try ClientLoop(configuration: .init(enableTLS: useTLS)), true)
    }

    /// Creates the client context and starts its service thread.
    public init(configuration: Configuration = Configuration()) throws {
        self.configuration = configuration
        final class Outcome: Sendable { let failed = Atomic<Bool>(false) }
        let outcome = Outcome()
        let ready = DispatchSemaphore(value: 0)
        done.enter()
        let rc = spawnDetachedThread { [self] in
            guard self.setUp() else {
                outcome.failed.store(true, ordering: .relaxed)
                ready.signal()
                self.done.leave()
                return
            }
            ready.signal()
            self.run()
            self.tearDown()
            self.done.leave()
        }
        if rc != 0 { throw ClientError.threadCreationFailed(code: Int(rc)) }
        ready.wait()
        if outcome.failed.load(ordering: .relaxed) { throw ClientError.contextCreationFailed }
    }

    /// Closes every connection (1001), waits for them to finish (bounded by the
    /// grace period), destroys the context and joins the thread. Any thread but
    /// the loop's own.
    public func shutdown() {
        precondition(!isOnLoopThread, "shutdown() would wait for itself on the loop thread")
        requestStop()
        done.wait()
    }

    /// Waits until the loop thread has ended (after `requestStop`). False on timeout.
    public func waitUntilEnded(timeout: Double) -> Bool {
        done.wait(timeout: .now() + max(0, timeout)) == .success
    }

    /// Asks the loop to wind down without waiting for it.
    public func requestStop() {
        shared.withLock { state in
            state.stopRequested = true
            state.context?.wake()
        }
    }

    /// True on the loop thread.
    public var isOnLoopThread: Bool { loopThread.load(ordering: .acquiring) == currentThreadKey() }

    /// Hands work for `client` to the loop thread. Returns false once the loop has ended.
    @discardableResult
    func submit(_ command: Command) -> Bool {
        shared.withLock { state in
            guard !state.finished, !(state.stopRequested && isConnect(command)) else { return false }
            state.inbox.append(command)
            state.context?.wake()
            return true
        }
    }

    private func isConnect(_ command: Command) -> Bool {
        if case .connect = command { return true }
        return false
    }

    // MARK: Loop thread

    private func setUp() -> Bool {
        loopThread.store(currentThreadKey(), ordering: .releasing)
        scratch = UnsafeMutableRawPointer.allocate(byteCount: lwsPre + configuration.outboundFragmentBytes, alignment: 16)
        protocolName = strdup("atelier-client")
        let list = UnsafeMutablePointer<lws_protocols>.allocate(capacity: 2)
        list.initialize(repeating: lws_protocols(), count: 2)
        list[0].name = UnsafePointer(protocolName)
        list[0].callback = clientCallback
        list[0].rx_buffer_size = configuration.rxBufferSize
        list[0].tx_packet_size = configuration.outboundFragmentBytes
        protocols = list

        var info = lws_context_creation_info()
        info.port = CONTEXT_PORT_NO_LISTEN
        info.protocols = UnsafePointer(list)
        info.options = configuration.enableTLS ? UInt64(LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT) : 0
        info.user = Unmanaged.passRetained(self).toOpaque()  // released in tearDown
        guard let context = lws_create_context(&info) else {
            Unmanaged.passUnretained(self).release()
            freeResources()
            shared.withLock { $0.finished = true }
            return false
        }
        self.context = context
        shared.withLock { $0.context = WakeHandle(context: context) }
        return true
    }

    private func run() {
        guard let context else { return }
        drainInbox()
        while true {
            if stopping && (attached.isEmpty || deadlinePassed) { break }
            if lws_service(context, 0) < 0 { break }
            drainInbox()
        }
    }

    private func tearDown() {
        let leftover: [Command] = shared.withLock { state in
            state.context = nil
            state.finished = true
            let inbox = state.inbox
            state.inbox = []
            return inbox
        }
        if let deadline { lws_sul_cancel(&deadline.pointee.sul) }
        if let context { lws_context_destroy(context) }
        context = nil
        deadline?.deallocate()
        deadline = nil
        for client in attached.values {
            client.detach(state: .closed(code: 1006, reason: "client loop ended"))
            Unmanaged.passUnretained(client).release()
        }
        attached.removeAll()
        for command in leftover {
            if case .connect(let client) = command {
                client.detach(state: .failed("client loop ended"))
            }
        }
        freeResources()
        Unmanaged.passUnretained(self).release()
    }

    private func freeResources() {
        if let protocols {
            protocols.deinitialize(count: 2)
            protocols.deallocate()
        }
        protocols = nil
        free(protocolName)
        protocolName = nil
        scratch?.deallocate()
        scratch = nil
    }

    private func drainInbox() {
        let (work, stop) = shared.withLock { state -> ([Command], Bool) in
            let work = state.inbox
            if !work.isEmpty { state.inbox = [] }
            return (work, state.stopRequested)
        }
        for command in work {
            switch command {
            case .connect(let client):
                if stopping {
                    client.detach(state: .failed("client loop stopping"))
                } else {
                    connect(client)
                }
            case .service(let client):
                if let wsi = client.wsi { client.applyPendingRequests(wsi) }
            }
        }
        if stop && !stopping { beginStop() }
    }

    private func beginStop() {
        stopping = true
        for client in attached.values {
            client.requestCloseFromLoop(code: 1001, reason: "client shutting down")
        }
        let box = UnsafeMutablePointer<atelier_timer>.allocate(capacity: 1)
        box.initialize(to: atelier_timer())
        box.pointee.owner = Unmanaged.passUnretained(self).toOpaque()
        deadline = box
        lws_sul_schedule(context, 0, &box.pointee.sul, { sul in
            guard let sul, let box = atelier_timer_from_sul(sul) else { return }
            Unmanaged<ClientLoop>.fromOpaque(box.pointee.owner).takeUnretainedValue().deadlinePassed = true
        }, lws_usec_t(configuration.shutdownGracePeriodMilliseconds) * 1000)
    }

    private func connect(_ client: WebSocketClient) {
        let options = client.options
        if options.useTLS && !configuration.enableTLS {
            client.detach(state: .failed("wss needs a ClientLoop with enableTLS"))
            return
        }
        var info = lws_client_connect_info()
        info.context = context
        info.port = Int32(options.port)
        info.address = client.cAddress
        info.path = client.cPath
        info.host = client.cHostHeader
        info.protocol = client.cSubprotocol
        info.local_protocol_name = UnsafePointer(protocolName)
        if options.useTLS {
            var flags = Int32(LCCSCF_USE_SSL.rawValue)
            if options.allowSelfSignedCertificates {
                flags |= Int32(LCCSCF_ALLOW_SELFSIGNED.rawValue) | Int32(LCCSCF_SKIP_SERVER_CERT_HOSTNAME_CHECK.rawValue)
            }
            info.ssl_connection = flags
        }
        attached[ObjectIdentifier(client)] = client
        client.attachedToLoop = true
        info.opaque_user_data = Unmanaged.passRetained(client).toOpaque()  // released in `finish`
        let result = lws_client_connect_via_info(&info)
        if result == nil, client.attachedToLoop {
            // lws gave up before (or without) calling CLIENT_CONNECTION_ERROR.
            finish(client, state: .failed("could not start connecting to \(options.host):\(options.port)"))
        } else if let result, client.attachedToLoop {
            client.wsi = result
        }
    }

    /// Final state for a client: detach it from lws and drop the retain its wsi held.
    func finish(_ client: WebSocketClient, state: WebSocketClient.State) {
        guard client.attachedToLoop else { return }
        client.attachedToLoop = false
        attached.removeValue(forKey: ObjectIdentifier(client))
        if let wsi = client.wsi { lws_set_opaque_user_data(wsi, nil) }
        client.detach(state: state)
        Unmanaged.passUnretained(client).release()
    }

    fileprivate func handle(
        _ wsi: OpaquePointer, _ reason: lws_callback_reasons,
        _ input: UnsafeMutableRawPointer?, _ length: Int
    ) -> Int32 {
        if reason == LWS_CALLBACK_EVENT_WAIT_CANCELLED {
            drainInbox()
            return 0
        }
        guard let raw = lws_get_opaque_user_data(wsi) else { return 0 }
        let client = Unmanaged<WebSocketClient>.fromOpaque(raw).takeUnretainedValue()
        client.wsi = wsi
        switch reason {
        case LWS_CALLBACK_CLIENT_ESTABLISHED:
            client.established(wsi)
            return 0
        case LWS_CALLBACK_CLIENT_RECEIVE:
            return client.received(wsi, input, length)
        case LWS_CALLBACK_CLIENT_WRITEABLE:
            return client.writeable(wsi, scratch: scratch!, fragmentBytes: configuration.outboundFragmentBytes)
        case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
            client.peerClosed(input, length)
            return 0
        case LWS_CALLBACK_CLIENT_CLOSED:
            finish(client, state: client.closedState())
            return 0
        case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER:
            // lws 4.1 writes `Origin: http://<origin>` itself, so send ours here instead.
            return client.appendHandshakeHeaders(wsi, input, length)
        case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
            let message = input.map { String(cString: $0.assumingMemoryBound(to: CChar.self)) } ?? "connection error"
            finish(client, state: .failed(message))
            return 0
        default:
            return 0
        }
    }
}

/// Errors from the client side of the transport.
public enum ClientError: Error, Sendable, Equatable {
    case contextCreationFailed
    case threadCreationFailed(code: Int)
    case invalidURL(String)
}

/// C entry point for the client context's callbacks.
private func clientCallback(
    _ wsi: OpaquePointer?, _ reason: lws_callback_reasons, _ user: UnsafeMutableRawPointer?,
    _ input: UnsafeMutableRawPointer?, _ length: Int
) -> Int32 {
    guard let wsi, let context = lws_get_context(wsi), let raw = lws_context_user(context) else { return 0 }
    let loop = Unmanaged<ClientLoop>.fromOpaque(raw).takeUnretainedValue()
    return loop.handle(wsi, reason, input, length)
}
