import AtelierThreads
import CWebSockets
import Dispatch
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The libwebsockets server: websocket connections on one path and subprotocol,
/// static files from a web root, and dynamic HTTP routes answered by the delegate.
///
/// **Threading.** One lws context, serviced by one thread (the *service thread*)
/// that owns every connection, queue and timer. The delegate is called only on
/// that thread, and the methods marked "service thread" (`send`, `broadcast`,
/// `close`, `schedule`, `cancel`, `connectionIDs`) must only be called there.
/// Other threads talk to it through `post(_:)` and `stop()`, which append to a
/// locked inbox and wake the loop with `lws_cancel_service`; the inbox is drained
/// in `LWS_CALLBACK_EVENT_WAIT_CANCELLED`. `port`, `statistics` and
/// `isOnServiceThread` are readable from any thread. This is what makes the
/// `@unchecked Sendable` conformance sound.
///
/// **Writing.** Nothing is written from a receive callback: frames are queued and
/// written one per `LWS_CALLBACK_SERVER_WRITEABLE`, and a connection whose queue
/// passes `outboundQueueLimit` is dropped (closed with `slowConsumerCloseCode`).
public final class WebSocketServer: @unchecked Sendable {
    public let configuration: ServerConfiguration
    private let logger: Logger

    // MARK: Cross-thread state

    private struct Shared {
        enum Phase { case idle, running, finished }
        var phase: Phase = .idle
        /// Valid while `phase == .running`; only used to call `lws_cancel_service`.
        var context: WakeHandle?
        var inbox: [@Sendable () -> Void] = []
        var stopRequested = false
        var port = 0
    }

    private let shared = Mutex(Shared())
    private let counters = ServerCounters()
    private let serviceThread = Atomic<UInt>(0)
    private let finished = DispatchGroup()

    // MARK: Service-thread state

    private var delegate: (any WebSocketServerDelegate)?
    private var context: OpaquePointer?
    private var strings = OwnedCStrings()
    private var protocols: UnsafeMutablePointer<lws_protocols>?
    private var connections: [ConnectionID: ServerConnection] = [:]
    private var nextConnectionID: UInt64 = 1
    private var staticFiles: StaticFiles?
    private var pendingHTTP: [OpaquePointer: PendingHTTPBody] = [:]
    /// Gzipped static files by path, each with the ETag of the file it was made from: a file is
    /// compressed once per version, not once per request (nil: gzip would not make it smaller).
    private var gzippedFiles: [String: (etag: String, body: [UInt8]?)] = [:]
    /// The web root's content version and the listing it was computed from (see `StaticFiles.listing`).
    private var webVersion: (listing: [String], version: String)?
    /// `LWS_PRE` + one fragment: used to send slices of large messages and HTTP bodies.
    private var scratch: UnsafeMutableRawPointer?
    private var scratchCapacity = 0
    private var timers: [UInt64: ScheduledTimer] = [:]
    private var nextTimerToken: UInt64 = 1
    private var stopping = false
    private var stopDeadlinePassed = false
    /// Set while `lws_context_destroy` runs (it still calls back): no new work.
    private var tearingDown = false
    /// False between the loop's turn returning and the end of the turn: frames queued then (the
    /// delegate's end-of-turn work, posted work) are written by `writeWaiting()`, not on POLLOUT.
    private var insideService = true
    /// The libev loop lws runs in (epoll on Linux): owned by the server, destroyed after the context.
    private var eventLoop: OpaquePointer?
    /// Connections whose queue went from empty to not empty outside the loop's turn, in that
    /// order, not written yet.
    private var waitingWrite = Ring<ServerConnection>()
    /// Connections that asked to be told when drained, and since when (monotonic milliseconds):
    /// one that has not read its queue within `stalledReaderMilliseconds` is dropped.
    private var drainWaiters: [ConnectionID: Int64] = [:]
    /// Connections whose queue is past the outbound limit, since when (monotonic milliseconds).
    private var overLimit: [ConnectionID: Int64] = [:]
    /// Stalled readers dropped, and when to cut their socket if the close has not gone through:
    /// a reader that does not read cannot take the close frame either.
    private var stalledDrops: [ConnectionID: Int64] = [:]
    private var stallCheck: TimerToken?

    /// How long a dropped stalled reader has to take its close frame before its socket is cut.
    private static let stalledCloseGraceMilliseconds = 2_000

    /// - Parameters:
    ///   - delegate: kept strongly until the service loop ends, then released.
    public init(configuration: ServerConfiguration, delegate: any WebSocketServerDelegate, logger: Logger) {
        self.configuration = configuration
        self.delegate = delegate
        self.logger = logger
    }

    // MARK: Life cycle (any thread)

    /// The bound TCP port (meaningful once `start()` returned or `run()` began serving).
    public var port: Int { shared.withLock { $0.port } }

    /// Counters, readable from any thread.
    public var statistics: ServerStatistics { counters.snapshot }

    /// True when called on the service thread.
    public var isOnServiceThread: Bool { serviceThread.load(ordering: .acquiring) == currentThreadKey() }

    /// Creates the context and binds on a new service thread; returns once
    /// listening (or throws). Use `wait()` to block until the loop has ended.
    public func start() throws {
        try claimStart()
        final class Outcome: Sendable { let error = Mutex<(any Error)?>(nil) }
        let outcome = Outcome()
        let ready = DispatchSemaphore(value: 0)
        finished.enter()
        let rc = spawnDetachedThread { [self] in
            do {
                try self.setUp()
            } catch {
                self.delegate = nil
                outcome.error.withLock { $0 = error }
                ready.signal()
                self.finished.leave()
                return
            }
            ready.signal()
            self.serviceLoop()
            self.tearDown()
            self.finished.leave()
        }
        if rc != 0 {
            shared.withLock { $0.phase = .finished }
            finished.leave()
            throw TransportError.threadCreationFailed(code: Int(rc))
        }
        ready.wait()
        if let error = outcome.error.withLock({ $0 }) { throw error }
    }

    /// Runs the server on the calling thread until `stop()` is called and the
    /// loop has wound down. The calling thread becomes the service thread.
    public func run() throws {
        try claimStart()
        finished.enter()
        defer { finished.leave() }
        do {
            try setUp()
        } catch {
            delegate = nil
            throw error
        }
        serviceLoop()
        tearDown()
    }

    /// Blocks until the service loop has ended and the context is destroyed.
    public func wait() {
        finished.wait()
    }

    /// Graceful stop, from any thread: stop accepting, send close frames (1001),
    /// let clients acknowledge for up to `stopGracePeriodMilliseconds`, then end
    /// the loop. Returns at once; `wait()` (or `run()` returning) tells when done.
    public func stop() {
        shared.withLock { state in
            state.stopRequested = true
            state.context?.wake()
        }
    }

    /// Runs `body` on the service thread during the next loop turn. Callable from
    /// any thread, including the service thread. Dropped once the server has stopped.
    public func post(_ body: @escaping @Sendable () -> Void) {
        shared.withLock { state in
            guard state.phase != .finished else { return }
            state.inbox.append(body)
            state.context?.wake()
        }
    }

    private func claimStart() throws {
        try shared.withLock { state in
            guard state.phase == .idle else { throw TransportError.alreadyStarted }
            state.phase = .running
        }
    }

    // MARK: Service-thread API

    /// Ids of the open connections (service thread).
    public var connectionIDs: some Collection<ConnectionID> { connections.keys }

    /// Queues `frame` to one connection (service thread). Unknown or closing
    /// connections are ignored.
    public func send(_ frame: OutboundFrame, to id: ConnectionID) {
        assert(isOnServiceThread, "send(_:to:) must be called on the service thread")
        guard let connection = connections[id] else { return }
        enqueue(frame, on: connection)
    }

    /// Queues the same frame (one buffer) to several connections (service thread).
    public func send<S: Sequence>(_ frame: OutboundFrame, to ids: S) where S.Element == ConnectionID {
        assert(isOnServiceThread, "send(_:to:) must be called on the service thread")
        for id in ids {
            if let connection = connections[id] { enqueue(frame, on: connection) }
        }
    }

    /// Queues the frame to every open connection (service thread).
    public func broadcast(_ frame: OutboundFrame) {
        assert(isOnServiceThread, "broadcast(_:) must be called on the service thread")
        for connection in connections.values { enqueue(frame, on: connection) }
    }

    /// Closes a connection after the frames already queued to it are sent
    /// (service thread). A peer that does not read is cut after 10 s.
    public func close(_ id: ConnectionID, code: UInt16 = 1000, reason: String = "") {
        assert(isOnServiceThread, "close(_:code:reason:) must be called on the service thread")
        guard let connection = connections[id], connection.closing == nil, !tearingDown else { return }
        connection.closing = PendingClose(code: code, reason: reason, flushQueue: true)
        lws_set_timeout(connection.wsi, PENDING_TIMEOUT_USER_OK, 10)
        lws_callback_on_writable(connection.wsi)
    }

    /// Asks for `server(_:drained:)` once everything queued to the connection so far has been
    /// written (service thread). A long answer (a catch-up) goes out a part at a time this way,
    /// paced by the client's reading and never held whole; a client that leaves a part unread
    /// for `stalledReaderMilliseconds` is dropped as a slow consumer.
    public func notifyWhenDrained(_ id: ConnectionID) {
        assert(isOnServiceThread, "notifyWhenDrained(_:) must be called on the service thread")
        guard let connection = connections[id], connection.closing == nil, !tearingDown else { return }
        connection.notifyWhenDrained = true
        drainWaiters[id] = monotonicMilliseconds()
        scheduleStallCheck()
        if connection.queue.isEmpty { drained(connection) }
    }

    /// Number of frames waiting on a connection (service thread), nil if unknown.
    public func queuedFrameCount(_ id: ConnectionID) -> Int? {
        connections[id]?.queue.count
    }

    /// Runs `body` on the service thread after `milliseconds` (service thread).
    @discardableResult
    public func schedule(afterMilliseconds milliseconds: Int, _ body: @escaping () -> Void) -> TimerToken {
        assert(isOnServiceThread, "schedule(afterMilliseconds:_:) must be called on the service thread")
        let token = nextTimerToken
        nextTimerToken += 1
        guard let eventLoop, !tearingDown else { return TimerToken(rawValue: token) }
        let box = UnsafeMutablePointer<atelier_ev_timer>.allocate(capacity: 1)
        box.initialize(to: atelier_ev_timer())
        box.pointee.owner = Unmanaged.passUnretained(self).toOpaque()
        box.pointee.token = token
        timers[token] = ScheduledTimer(box: box, body: body)
        atelier_ev_timer_start(eventLoop, box, Double(max(0, milliseconds)) / 1000) { _, watcher, _ in
            guard let watcher, let box = atelier_ev_timer_from(watcher) else { return }
            let server = Unmanaged<WebSocketServer>.fromOpaque(box.pointee.owner).takeUnretainedValue()
            server.timerFired(token: box.pointee.token)
        }
        return TimerToken(rawValue: token)
    }

    /// Cancels a timer that has not fired yet (service thread).
    public func cancel(_ token: TimerToken) {
        assert(isOnServiceThread, "cancel(_:) must be called on the service thread")
        guard let timer = timers.removeValue(forKey: token.rawValue) else { return }
        atelier_ev_timer_stop(eventLoop, timer.box)
        timer.box.deallocate()
    }

    // MARK: Set up and tear down (service thread)

    private func setUp() throws {
        serviceThread.store(currentThreadKey(), ordering: .releasing)
        LibraryLog.install(logger, level: configuration.libraryLogLevel)

        if let webRoot = configuration.webRoot {
            guard let files = StaticFiles(webRoot: webRoot, routes: configuration.routes) else {
                shared.withLock { $0.phase = .finished }
                throw TransportError.webRootNotADirectory(webRoot)
            }
            staticFiles = files
        }

        scratchCapacity = lwsPre + max(configuration.outboundFragmentBytes, 16 * 1024)
        scratch = UnsafeMutableRawPointer.allocate(byteCount: scratchCapacity, alignment: 16)

        let list = UnsafeMutablePointer<lws_protocols>.allocate(capacity: 3)
        list.initialize(repeating: lws_protocols(), count: 3)
        protocols = list
        // protocols[0] handles plain HTTP (and anything not bound elsewhere).
        list[0].name = strings.own("http")
        list[0].callback = serverCallback
        list[0].rx_buffer_size = 0
        list[1].name = strings.own(configuration.subprotocol)
        list[1].callback = serverCallback
        list[1].rx_buffer_size = configuration.rxBufferSize
        // Whole fragments go out in one send(); without this lws would cap each
        // send() at rx_buffer_size and buffer (copy) the remainder.
        list[1].tx_packet_size = configuration.outboundFragmentBytes
        // list[2] stays zeroed: the terminator.

        var options: UInt64 = UInt64(LWS_SERVER_OPTION_EXPLICIT_VHOSTS)
        if configuration.validateUTF8 { options |= UInt64(LWS_SERVER_OPTION_VALIDATE_UTF8) }
        if configuration.tls != nil { options |= UInt64(LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT) }

        guard let loop = atelier_ev_loop_new() else {
            releaseSetUpResources()
            shared.withLock { $0.phase = .finished }
            throw TransportError.contextCreationFailed
        }
        eventLoop = loop
        var foreignLoops: [UnsafeMutableRawPointer?] = [UnsafeMutableRawPointer(loop)]
        var info = lws_context_creation_info()
        info.options = options | UInt64(LWS_SERVER_OPTION_LIBEV)
        info.port = CONTEXT_PORT_NO_LISTEN
        info.user = Unmanaged.passRetained(self).toOpaque()  // released in tearDown
        let created = foreignLoops.withUnsafeMutableBufferPointer { loops in
            info.foreign_loops = loops.baseAddress
            return lws_create_context(&info)
        }
        guard let context = created else {
            Unmanaged.passUnretained(self).release()
            releaseSetUpResources()
            shared.withLock { $0.phase = .finished }
            throw TransportError.contextCreationFailed
        }
        self.context = context

        var vhostInfo = lws_context_creation_info()
        vhostInfo.options = options | UInt64(LWS_SERVER_OPTION_FAIL_UPON_UNABLE_TO_BIND)
        vhostInfo.port = Int32(configuration.port)
        vhostInfo.protocols = UnsafePointer(list)
        vhostInfo.vhost_name = strings.own("atelier")
        if let host = configuration.host, !host.isEmpty {
            vhostInfo.iface = strings.own(host)
            if host.contains(".") && !host.contains(":") {
                vhostInfo.options |= UInt64(LWS_SERVER_OPTION_DISABLE_IPV6)
            }
        }
        if let tls = configuration.tls {
            vhostInfo.ssl_cert_filepath = strings.own(tls.certificatePath)
            vhostInfo.ssl_private_key_filepath = strings.own(tls.privateKeyPath)
            // HTTP/1.1 only: websocket upgrades and our header writing stay on h1.
            vhostInfo.alpn = strings.own("http/1.1")
            vhostInfo.ssl_cipher_list = strings.own(ServerConfiguration.tls12CipherList)
            vhostInfo.ssl_options_set = atelier_ssl_options_no_tls_before_1_2()
        }
        guard let vhost = lws_create_vhost(context, &vhostInfo) else {
            lws_context_destroy(context)
            self.context = nil
            Unmanaged.passUnretained(self).release()
            releaseSetUpResources()
            shared.withLock { $0.phase = .finished }
            throw TransportError.listenFailed(host: configuration.host ?? "*", port: configuration.port)
        }
        let port = Int(lws_get_vhost_listen_port(vhost))
        shared.withLock { state in
            state.port = port
            state.context = WakeHandle(context: context)
        }
        let scheme = configuration.tls == nil ? "http" : "https"
        logger.info("atelier transport listening on \(scheme)://\(configuration.host ?? "*"):\(port) (websocket \(configuration.webSocketPath), subprotocol \(configuration.subprotocol))")
    }

    private func serviceLoop() {
        guard context != nil, let eventLoop else { return }
        drainInbox()
        while true {
            if stopping && (connections.isEmpty || stopDeadlinePassed) { break }
            insideService = true
            // With writes still waiting, the turn only reads what is ready: it must not sleep.
            atelier_ev_run_once(eventLoop, waitingWrite.isEmpty ? 0 : 1)
            insideService = false
            drainInbox()
            delegate?.serviceTurnEnded(self)
            writeWaiting()
            // A stop begins once the turn is over: what the turn decided and committed has been
            // answered, and those answers go out before the close frame.
            if !stopping, shared.withLock({ $0.stopRequested }) { beginStop() }
        }
    }

    /// Writes the head of each queue filled since the loop's turn returned, right away, up to
    /// `writesPerTurn` connections a turn.
    ///
    /// Waiting for POLLOUT would cost every recipient a watcher change, a place in the next wait
    /// and an lws dispatch before its `send()` (BENCHMARKS.md, "Where the time goes"). A socket
    /// that cannot take it all is handled by lws (it keeps the unsent tail and asks for POLLOUT),
    /// and then the rest of the queue waits for `webSocketWriteable` as usual. All frames of one turn are
    /// queued before this runs, so a connection's events of the same turn still go out grouped.
    ///
    /// A fan-out to thousands is written in slices with a turn in between: a message arriving
    /// meanwhile is read and applied then, and its events join the queues not written yet, which
    /// then go out as one group, instead of waiting for the whole fan-out to end.
    private func writeWaiting() {
        var budget = configuration.writesPerTurn
        while budget > 0, let connection = waitingWrite.popFirst() {
            // Empty: written by a writeable callback since, or closed (its wsi is gone).
            guard !connection.queue.isEmpty else { continue }
            budget -= 1
            guard connection.closing == nil, connection.peerCloseCode == nil,
                  lws_partial_buffered(connection.wsi) == 0 else {
                lws_callback_on_writable(connection.wsi)
                continue
            }
            guard writeHead(connection) else {
                connection.queue.removeAll()
                connection.closing = PendingClose(code: 1006, reason: "write failed", flushQueue: false)
                atelier_kill_async(connection.wsi)
                continue
            }
            if connection.queue.isEmpty {
                drained(connection)
            } else {
                lws_callback_on_writable(connection.wsi)
            }
        }
    }

    /// Tells the delegate a connection that asked has nothing left queued.
    private func drained(_ connection: ServerConnection) {
        guard connection.notifyWhenDrained, connection.queue.isEmpty, connection.closing == nil else { return }
        connection.notifyWhenDrained = false
        drainWaiters[connection.id] = nil
        delegate?.server(self, drained: connection.id)
    }

    /// Drops the connections that have left a long answer unread, or their queue past the outbound
    /// limit, for too long; runs while any is watched.
    private func scheduleStallCheck() {
        guard stallCheck == nil else { return }
        let shortest = min(configuration.stalledReaderMilliseconds, max(configuration.outboundQueueLimit.graceMilliseconds, 1))
        stallCheck = schedule(afterMilliseconds: max(shortest / 4, 50)) { [unowned self] in
            stallCheck = nil
            let now = monotonicMilliseconds()
            for (id, cutAt) in stalledDrops where cutAt <= now {
                stalledDrops[id] = nil
                // Its end of the socket reads EOF, which lws handles as any peer gone.
                if let connection = connections[id] { shutdown(lws_get_socket_fd(connection.wsi), Int32(SHUT_RDWR)) }
            }
            let drainLimit = now - Int64(configuration.stalledReaderMilliseconds)
            for (id, since) in drainWaiters where since < drainLimit {
                drainWaiters[id] = nil
                if let connection = connections[id] { dropStalled(connection, now: now) }
            }
            let limit = configuration.outboundQueueLimit
            for (id, since) in overLimit {
                guard let connection = connections[id], connection.closing == nil else { overLimit[id] = nil; continue }
                if !isPastLimit(connection.queue.count, connection.queue.bytes) {
                    overLimit[id] = nil
                } else if now - since >= Int64(limit.graceMilliseconds) {
                    overLimit[id] = nil
                    dropStalled(connection, now: now)
                }
            }
            if !drainWaiters.isEmpty || !stalledDrops.isEmpty || !overLimit.isEmpty { scheduleStallCheck() }
        }
    }

    /// Drops a reader that has stopped reading, and cuts its socket later if the close cannot go out.
    private func dropStalled(_ connection: ServerConnection, now: Int64) {
        guard connection.closing == nil else { return }
        dropSlowConsumer(connection)
        stalledDrops[connection.id] = now + Int64(Self.stalledCloseGraceMilliseconds)
    }

    /// Whether a queue of `frames` frames and `bytes` bytes is past the (soft) outbound limit.
    private func isPastLimit(_ frames: Int, _ bytes: Int) -> Bool {
        let limit = configuration.outboundQueueLimit
        return frames > limit.maxFrames || (frames > 1 && bytes > limit.maxBytes)
    }

    private func tearDown() {
        shared.withLock { state in
            state.context = nil
            state.phase = .finished
            state.inbox.removeAll()
        }
        tearingDown = true
        for timer in timers.values { atelier_ev_timer_stop(eventLoop, timer.box) }
        if let context {
            lws_context_destroy(context)  // may still call back (CLOSED...)
        }
        context = nil
        for timer in timers.values { timer.box.deallocate() }
        timers.removeAll()
        for connection in connections.values {
            // lws did not report CLOSED for it: drop the reference it held.
            Unmanaged.passUnretained(connection).release()
        }
        connections.removeAll()
        waitingWrite.removeAll()
        pendingHTTP.removeAll()
        releaseSetUpResources()
        delegate = nil
        logger.debug("atelier transport stopped")
        Unmanaged.passUnretained(self).release()  // the context's user pointer
    }

    private func releaseSetUpResources() {
        if let protocols {
            protocols.deinitialize(count: 3)
            protocols.deallocate()
        }
        protocols = nil
        strings.freeAll()
        scratch?.deallocate()
        scratch = nil
        if let eventLoop { ev_loop_destroy(eventLoop) }
        eventLoop = nil
    }

    private func drainInbox() {
        let work = shared.withLock { state -> [@Sendable () -> Void] in
            let work = state.inbox
            if !work.isEmpty { state.inbox = [] }
            return work
        }
        for item in work { item() }
    }

    private func beginStop() {
        stopping = true
        for connection in connections.values where connection.closing == nil {
            connection.closing = PendingClose(code: 1001, reason: "server stopping", flushQueue: true)
            lws_callback_on_writable(connection.wsi)
        }
        schedule(afterMilliseconds: configuration.stopGracePeriodMilliseconds) { [unowned self] in
            self.stopDeadlinePassed = true
        }
    }

    private func timerFired(token: UInt64) {
        guard let timer = timers.removeValue(forKey: token) else { return }
        // libev stopped it before calling back: its memory may go now.
        timer.box.deallocate()
        timer.body()
    }

    // MARK: lws callback dispatch (service thread)

    fileprivate func handle(
        _ wsi: OpaquePointer, _ reason: lws_callback_reasons,
        _ user: UnsafeMutableRawPointer?, _ input: UnsafeMutableRawPointer?, _ length: Int
    ) -> Int32 {
        switch reason {
        case LWS_CALLBACK_SERVER_WRITEABLE:
            return webSocketWriteable(wsi)
        case LWS_CALLBACK_RECEIVE:
            return webSocketReceive(wsi, input, length)
        case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
            drainInbox()
            return 0
        case LWS_CALLBACK_FILTER_NETWORK_CONNECTION:
            return stopping ? 1 : 0
        case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
            return confirmUpgrade(wsi)
        case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
            return filterUpgrade(wsi)
        case LWS_CALLBACK_ESTABLISHED:
            webSocketOpened(wsi)
            return 0
        case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
            return peerClosed(wsi, UnsafeRawBufferPointer(start: input, count: input == nil ? 0 : length))
        case LWS_CALLBACK_CLOSED:
            webSocketClosed(wsi)
            return 0
        case LWS_CALLBACK_HTTP:
            return httpRequest(wsi, input)
        case LWS_CALLBACK_HTTP_WRITEABLE:
            if pendingHTTP[wsi] != nil { return httpWriteable(wsi) }
        case LWS_CALLBACK_CLOSED_HTTP:
            pendingHTTP.removeValue(forKey: wsi)
        default:
            break
        }
        return lws_callback_http_dummy(wsi, reason, user, input, length)
    }

    // MARK: Websocket connections (service thread)

    private func connection(of wsi: OpaquePointer) -> ServerConnection? {
        guard let raw = lws_get_opaque_user_data(wsi) else { return nil }
        return Unmanaged<ServerConnection>.fromOpaque(raw).takeUnretainedValue()
    }

    /// Refuses, before the 101 and with a status the client can see, a websocket upgrade on
    /// another path (404), without our subprotocol (400) or from an origin that is not on the
    /// allow-list (403). Left to lws, the first two would be a bare hang-up. lws: "Return <0 to
    /// just hang up the connection, or >0 if you have rejected the connection by returning http
    /// headers and response code yourself."
    private func confirmUpgrade(_ wsi: OpaquePointer) -> Int32 {
        guard header(wsi, WSI_TOKEN_GET_URI) == configuration.webSocketPath else {
            return refuseUpgrade(wsi, 404, "no websocket on this path")
        }
        guard configuration.offersSubprotocol(header(wsi, WSI_TOKEN_PROTOCOL)) else {
            return refuseUpgrade(wsi, 400, "the websocket subprotocol must be \(configuration.subprotocol)")
        }
        let origin = header(wsi, WSI_TOKEN_ORIGIN)
        guard !configuration.allowsOrigin(origin) else { return 0 }
        counters.originRefusals.bump()
        logger.notice("websocket refused: origin not allowed", metadata: ["origin": "\(origin ?? "")", "peer": "\(peerAddress(wsi))"])
        return refuseUpgrade(wsi, 403, "origin not allowed")
    }

    private func refuseUpgrade(_ wsi: OpaquePointer, _ status: UInt32, _ text: String) -> Int32 {
        lws_return_http_status(wsi, status, text) == 0 ? 1 : -1
    }

    /// Path and subprotocol were checked in `confirmUpgrade`; a stopping server takes no one.
    private func filterUpgrade(_ wsi: OpaquePointer) -> Int32 {
        stopping ? 1 : 0
    }

    private func webSocketOpened(_ wsi: OpaquePointer) {
        let id = ConnectionID(rawValue: nextConnectionID)
        nextConnectionID += 1
        let connection = ServerConnection(id: id, wsi: wsi)
        lws_set_opaque_user_data(wsi, Unmanaged.passRetained(connection).toOpaque())  // released on CLOSED
        // lws fails some protocol errors (a control frame past 125 bytes, a close reason that is
        // not UTF-8) without a close reason, which is a bare hang-up: this one is sent then. Every
        // close atelier or lws decides on sets its own over it (SECURITY.md, "Known weaknesses").
        var reason = Array("protocol error".utf8)
        lws_close_reason(wsi, LWS_CLOSE_STATUS_PROTOCOL_ERR, &reason, reason.count)
        connections[id] = connection
        counters.connectionsOpen.bump()
        counters.connectionsAccepted.bump()
        let info = ConnectionInfo(
            id: id,
            peerAddress: peerAddress(wsi),
            origin: header(wsi, WSI_TOKEN_ORIGIN),
            path: header(wsi, WSI_TOKEN_GET_URI) ?? configuration.webSocketPath,
            query: queryItems(wsi))
        if stopping {
            connection.closing = PendingClose(code: 1001, reason: "server stopping", flushQueue: false)
            lws_callback_on_writable(wsi)
        }
        delegate?.server(self, didOpen: info)
    }

    /// A close frame from the peer: echoed when RFC 6455 allows it (return 0), else answered
    /// 1002. lws 4.1 itself turns only codes below 3000 it knows to be invalid into 1002, and
    /// echoes 5000-65535 and a 1-byte payload; a close reason set here and a nonzero return make
    /// it send that close instead.
    private func peerClosed(_ wsi: OpaquePointer, _ payload: UnsafeRawBufferPointer) -> Int32 {
        guard let connection = connection(of: wsi) else { return 0 }
        guard CloseFrame.isValid(payload) else {
            return closeNow(connection, code: 1002, reason: "invalid close code")
        }
        connection.peerCloseCode = CloseFrame.code(payload)
        return 0
    }

    private func webSocketClosed(_ wsi: OpaquePointer) {
        guard let raw = lws_get_opaque_user_data(wsi) else { return }
        lws_set_opaque_user_data(wsi, nil)
        let connection = Unmanaged<ServerConnection>.fromOpaque(raw).takeRetainedValue()
        connections.removeValue(forKey: connection.id)
        drainWaiters[connection.id] = nil
        stalledDrops[connection.id] = nil
        overLimit[connection.id] = nil
        connection.queue.removeAll()
        counters.connectionsOpen.bump(-1)
        let code = connection.peerCloseCode ?? connection.closing?.code
        delegate?.server(self, didClose: connection.id, code: code)
    }

    private func webSocketReceive(_ wsi: OpaquePointer, _ input: UnsafeMutableRawPointer?, _ length: Int) -> Int32 {
        guard let connection = connection(of: wsi), connection.closing == nil else { return 0 }
        if lws_frame_is_binary(wsi) != 0 {
            return closeNow(connection, code: 1003, reason: "text frames only")
        }
        let chunk = UnsafeRawBufferPointer(start: input, count: input == nil ? 0 : length)
        let isFinal = lws_is_final_fragment(wsi) != 0
        let limit = configuration.maxMessageBytes
        counters.bytesReceived.bump(chunk.count)

        if connection.rx.isEmpty && isFinal {
            // The whole message is in this chunk: deliver it without copying.
            if chunk.count > limit { return tooBig(connection) }
            counters.messagesReceived.bump()
            delegate?.server(self, didReceive: chunk, from: connection.id)
            return 0
        }
        if connection.rx.count + chunk.count > limit { return tooBig(connection) }
        connection.rx.append(contentsOf: chunk)
        if isFinal {
            counters.messagesReceived.bump()
            connection.rx.withUnsafeBytes { message in
                delegate?.server(self, didReceive: message, from: connection.id)
            }
            connection.rx.removeAll(keepingCapacity: connection.rx.capacity <= 4096)
        }
        return 0
    }

    private func tooBig(_ connection: ServerConnection) -> Int32 {
        counters.oversizedMessageCloses.bump()
        connection.rx = []
        return closeNow(connection, code: 1009, reason: "message too big")
    }

    /// Sets the close frame lws will send and tells it to close (return value
    /// of the callback). lws queues the close frame itself; no data frame is
    /// written from here.
    private func closeNow(_ connection: ServerConnection, code: UInt16, reason: String) -> Int32 {
        if connection.closing == nil {
            connection.closing = PendingClose(code: code, reason: reason, flushQueue: false)
        }
        connection.queue.removeAll()
        var bytes = Array(reason.utf8.prefix(120))
        bytes.withUnsafeMutableBufferPointer { buffer in
            lws_close_reason(connection.wsi, lws_close_status(rawValue: numericCast(code)), buffer.baseAddress, buffer.count)
        }
        return -1
    }

    private func enqueue(_ frame: OutboundFrame, on connection: ServerConnection) {
        guard connection.closing == nil, !tearingDown else { return }
        let limit = configuration.outboundQueueLimit
        let queued = connection.queue.count
        if queued >= limit.hardMaxFrames || (queued > 0 && connection.queue.bytes + frame.count > limit.hardMaxBytes) {
            dropSlowConsumer(connection)
            return
        }
        // The limit first: a fan-out enqueues to thousands, and most queues are far under it.
        if isPastLimit(queued + 1, connection.queue.bytes + frame.count), overLimit[connection.id] == nil {
            guard limit.graceMilliseconds > 0 else {
                dropSlowConsumer(connection)
                return
            }
            overLimit[connection.id] = monotonicMilliseconds()
            scheduleStallCheck()
        }
        connection.queue.append(frame)
        guard queued == 0 else { return }
        if insideService {
            lws_callback_on_writable(connection.wsi)
        } else {
            waitingWrite.append(connection)
        }
    }

    private func dropSlowConsumer(_ connection: ServerConnection) {
        counters.slowConsumerDrops.bump()
        connection.queue.removeAll()
        connection.fragmentOffset = 0
        connection.closing = PendingClose(
            code: configuration.slowConsumerCloseCode, reason: "too slow: outbound queue overflow", flushQueue: false)
        // If it never becomes writable again (it does not read), cut it anyway.
        lws_set_timeout(connection.wsi, PENDING_TIMEOUT_USER_OK, 5)
        lws_callback_on_writable(connection.wsi)
        logger.debug("dropped slow consumer \(connection.id)")
    }

    private func webSocketWriteable(_ wsi: OpaquePointer) -> Int32 {
        guard let connection = connection(of: wsi) else { return 0 }
        if let closing = connection.closing, !closing.flushQueue || connection.queue.isEmpty {
            return closeNow(connection, code: closing.code, reason: closing.reason)
        }
        guard !connection.queue.isEmpty else { return 0 }
        guard writeHead(connection) else { return -1 }
        drained(connection)
        if !connection.queue.isEmpty || connection.closing != nil {
            lws_callback_on_writable(wsi)
        }
        return 0
    }

    /// Writes the message at the head of the queue: a group of waiting events, one whole frame,
    /// or the next fragment of a large one. False when lws reports the socket unusable.
    private func writeHead(_ connection: ServerConnection) -> Bool {
        let wsi = connection.wsi
        let frame = connection.queue.first!
        let fragmentLimit = configuration.outboundFragmentBytes
        if connection.fragmentOffset == 0, frame.groupable, connection.queue.count > 1,
           let written = writeGroup(wsi, connection, limit: fragmentLimit) {
            if !written { return false }
        } else if connection.fragmentOffset == 0 && frame.count <= fragmentLimit {
            // Common case: the whole message, straight from the shared buffer.
            let written = lws_write(wsi, frame.payload, frame.count, LWS_WRITE_TEXT)
            if written < frame.count { return false }
            connection.queue.removeFirst()
            counters.framesSent.bump()
            counters.bytesSent.bump(frame.count)
        } else {
            // Large message: one fragment per writable, copied to the scratch
            // buffer because lws writes the header in front of the payload.
            let offset = connection.fragmentOffset
            let size = min(frame.count - offset, fragmentLimit)
            let isLast = offset + size == frame.count
            let payload = scratch! + lwsPre
            payload.copyMemory(from: frame.payload + offset, byteCount: size)
            let flags = lws_write_ws_flags(Int32(LWS_WRITE_TEXT.rawValue), offset == 0 ? 1 : 0, isLast ? 1 : 0)
            let written = lws_write(
                wsi, payload.assumingMemoryBound(to: UInt8.self), size, lws_write_protocol(rawValue: numericCast(flags)))
            if written < size { return false }
            if isLast {
                connection.fragmentOffset = 0
                connection.queue.removeFirst()
                counters.framesSent.bump()
                counters.bytesSent.bump(frame.count)
            } else {
                connection.fragmentOffset = offset + size
            }
        }
        return true
    }

    /// Writes the groupable frames at the head of the queue as one message, in the scratch
    /// buffer: false when the write failed, nil when fewer than two fit.
    private func writeGroup(_ wsi: OpaquePointer, _ connection: ServerConnection, limit: Int) -> Bool? {
        let grouping = configuration.grouping
        var size = grouping.prefix.count + grouping.suffix.count - grouping.separator.count
        var taken = 0
        for index in 0..<connection.queue.count {
            let frame = connection.queue[index]
            guard frame.groupable, size + grouping.separator.count + frame.count <= limit else { break }
            size += grouping.separator.count + frame.count
            taken += 1
        }
        guard taken > 1 else { return nil }
        let payload = scratch! + lwsPre
        var offset = 0
        func put(_ pointer: UnsafeRawPointer, _ count: Int) {
            (payload + offset).copyMemory(from: pointer, byteCount: count)
            offset += count
        }
        grouping.prefix.withUnsafeBytes { put($0.baseAddress!, $0.count) }
        for index in 0..<taken {
            if index > 0 { grouping.separator.withUnsafeBytes { put($0.baseAddress!, $0.count) } }
            let frame = connection.queue[index]
            put(frame.payload, frame.count)
        }
        grouping.suffix.withUnsafeBytes { put($0.baseAddress!, $0.count) }
        let written = lws_write(wsi, payload.assumingMemoryBound(to: UInt8.self), size, LWS_WRITE_TEXT)
        if written < size { return false }
        for _ in 0..<taken { connection.queue.removeFirst() }
        counters.framesSent.bump()
        counters.bytesSent.bump(size)
        return true
    }

    // MARK: HTTP (service thread)

    private func httpRequest(_ wsi: OpaquePointer, _ input: UnsafeMutableRawPointer?) -> Int32 {
        counters.httpRequests.bump()
        let path = input.map { String(cString: $0.assumingMemoryBound(to: CChar.self)) } ?? "/"
        let method = requestMethod(wsi)
        var headers: [String: String] = [:]
        for (name, token) in [
            ("host", WSI_TOKEN_HOST), ("origin", WSI_TOKEN_ORIGIN), ("authorization", WSI_TOKEN_HTTP_AUTHORIZATION),
            ("cookie", WSI_TOKEN_HTTP_COOKIE), ("user-agent", WSI_TOKEN_HTTP_USER_AGENT),
            ("accept", WSI_TOKEN_HTTP_ACCEPT), ("if-none-match", WSI_TOKEN_HTTP_IF_NONE_MATCH),
        ] {
            if let value = header(wsi, token) { headers[name] = value }
        }
        let request = HTTPRequest(
            method: method, path: path, query: queryItems(wsi), peerAddress: peerAddress(wsi), headers: headers)
        if let response = delegate?.server(self, respondTo: request) {
            return respond(wsi, response, headOnly: method == "HEAD", closeAfter: response.closesConnection)
        }
        guard method == "GET" || method == "HEAD" else {
            return respond(wsi, .text("method not allowed\n", status: 405), headOnly: false, closeAfter: true)
        }
        guard let staticFiles else {
            return respond(wsi, .text("not found\n", status: 404), headOnly: method == "HEAD", closeAfter: false)
        }
        let (askedVersion, plainPath) = StaticFiles.splitVersion(path)
        switch staticFiles.resolve(plainPath) {
        case .file(let filePath, let contentType):
            return serveFile(
                wsi, filePath, contentType: contentType, askedVersion: askedVersion, headOnly: method == "HEAD")
        case .notFound:
            return respond(wsi, .text("not found\n", status: 404), headOnly: method == "HEAD", closeAfter: false)
        case .forbidden:
            return respond(wsi, .text("forbidden\n", status: 403), headOnly: method == "HEAD", closeAfter: false)
        }
    }

    private func requestMethod(_ wsi: OpaquePointer) -> String {
        for (name, token) in [
            ("GET", WSI_TOKEN_GET_URI), ("POST", WSI_TOKEN_POST_URI), ("HEAD", WSI_TOKEN_HEAD_URI),
            ("PUT", WSI_TOKEN_PUT_URI), ("DELETE", WSI_TOKEN_DELETE_URI), ("PATCH", WSI_TOKEN_PATCH_URI),
            ("OPTIONS", WSI_TOKEN_OPTIONS_URI),
        ] where lws_hdr_total_length(wsi, token) > 0 {
            return name
        }
        return "UNKNOWN"
    }

    /// Writes the status line and headers now and queues the body for HTTP_WRITEABLE.
    private func respond(_ wsi: OpaquePointer, _ response: HTTPResponse, headOnly: Bool, closeAfter: Bool) -> Int32 {
        let extra = response.headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 8 }
        let capacity = lwsPre + 1024 + configuration.contentSecurityPolicy.utf8.count + extra
        let headerBuffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { headerBuffer.deallocate() }
        let start = headerBuffer + lwsPre
        var p = start
        let end = headerBuffer + capacity - 1
        var cursor: UnsafeMutablePointer<UInt8>? = p
        if lws_add_http_common_headers(
            wsi, UInt32(response.status), response.contentType, lws_filepos_t(response.body.count), &cursor, end) != 0
        {
            return 1
        }
        p = cursor!
        let hasCacheControl = response.headers.contains { $0.name.lowercased() == "cache-control" }
        if !addSecurityHeaders(wsi, &p, end, cacheControl: hasCacheControl ? nil : "no-cache") { return 1 }
        for header in response.headers {
            if !addHeader(wsi, header.name.lowercased() + ":", header.value, &p, end) { return 1 }
        }
        if closeAfter, !addHeader(wsi, "connection:", "close", &p, end) { return 1 }
        cursor = p
        if lws_finalize_write_http_header(wsi, start, &cursor, end) != 0 { return 1 }

        let body = headOnly ? [] : response.body
        if body.isEmpty {
            if closeAfter { return -1 }
            return lws_http_transaction_completed(wsi) != 0 ? -1 : 0
        }
        pendingHTTP[wsi] = PendingHTTPBody(body: body, closeAfter: closeAfter)
        lws_callback_on_writable(wsi)
        return 0
    }

    private func httpWriteable(_ wsi: OpaquePointer) -> Int32 {
        guard var pending = pendingHTTP[wsi] else { return 0 }
        let size = min(pending.body.count - pending.offset, scratchCapacity - lwsPre)
        let isLast = pending.offset + size == pending.body.count
        let payload = scratch! + lwsPre
        pending.body.withUnsafeBytes { body in
            payload.copyMemory(from: body.baseAddress! + pending.offset, byteCount: size)
        }
        let written = lws_write(
            wsi, payload.assumingMemoryBound(to: UInt8.self), size, isLast ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP)
        if written < 0 {
            pendingHTTP.removeValue(forKey: wsi)
            return -1
        }
        if isLast {
            pendingHTTP.removeValue(forKey: wsi)
            if pending.closeAfter { return -1 }
            return lws_http_transaction_completed(wsi) != 0 ? -1 : 0
        }
        pending.offset += size
        pendingHTTP[wsi] = pending
        lws_callback_on_writable(wsi)
        return 0
    }

    /// Static files go through the same response path as dynamic routes, so
    /// every response gets the same headers. (`lws_serve_http_file` would add its
    /// own `cache-control: no-store` and skip `LWS_CALLBACK_ADD_HEADERS`.)
    /// Files are small web assets read from the page cache; an ETag built from
    /// size and mtime lets browsers revalidate cheaply (`no-cache` + 304).
    ///
    /// Pages link the files they load under the web root's content version (`/v/<version>/…`);
    /// a file asked for under the current version never changes, so it is cached for a year.
    /// Under an older version it is the current file, revalidated as any other.
    private func serveFile(
        _ wsi: OpaquePointer, _ path: String, contentType: String, askedVersion: String?, headOnly: Bool
    ) -> Int32 {
        guard let file = StaticFiles.read(path) else {
            return respond(wsi, .text("not found\n", status: 404), headOnly: headOnly, closeAfter: false)
        }
        let isPage = contentType.hasPrefix("text/html")
        let current = isPage || askedVersion != nil ? currentWebVersion() : nil
        var version = "\(String(file.size, radix: 16))-\(String(file.modified, radix: 16))"
        var body = file.bytes
        if isPage, let current {
            body = StaticFiles.versioningLinks(in: body, version: current)
            version += "-" + current
        }
        var etag = "\"\(version)\""
        let immutable = !isPage && askedVersion != nil && askedVersion == current
        var headers = [(name: "cache-control", value: immutable ? "max-age=31536000, immutable" : "no-cache")]
        if StaticFiles.isCompressible(contentType) {
            // Caches must keep the gzipped and the plain variants apart.
            headers.append((name: "vary", value: "accept-encoding"))
            if StaticFiles.acceptsGzip(header(wsi, WSI_TOKEN_HTTP_ACCEPT_ENCODING)),
                let gzipped = gzipped(path, etag: etag, body)
            {
                // Each variant has its own strong validator (RFC 9110 §8.8.3).
                etag = "\"\(version)-gzip\""
                body = gzipped
                headers.append((name: "content-encoding", value: "gzip"))
            }
        }
        headers.append((name: "etag", value: etag))
        if header(wsi, WSI_TOKEN_HTTP_IF_NONE_MATCH) == etag {
            return respond(
                wsi, HTTPResponse(status: 304, contentType: contentType, body: [], headers: headers),
                headOnly: true, closeAfter: false)
        }
        return respond(
            wsi, HTTPResponse(status: 200, contentType: contentType, body: body, headers: headers),
            headOnly: headOnly, closeAfter: false)
    }

    /// The web root's content version, computed again only when a file was added, removed or changed.
    private func currentWebVersion() -> String? {
        guard let staticFiles else { return nil }
        let listing = staticFiles.listing()
        let signature = listing.map { "\($0.path) \($0.size) \($0.modified)" }
        if let webVersion, webVersion.listing == signature { return webVersion.version }
        let version = staticFiles.contentVersion(of: listing)
        webVersion = (signature, version)
        return version
    }

    private func gzipped(_ path: String, etag: String, _ bytes: [UInt8]) -> [UInt8]? {
        if let cached = gzippedFiles[path], cached.etag == etag { return cached.body }
        let body = StaticFiles.gzip(bytes).flatMap { $0.count < bytes.count ? $0 : nil }
        gzippedFiles[path] = (etag, body)
        return body
    }

    private func addSecurityHeaders(
        _ wsi: OpaquePointer, _ p: inout UnsafeMutablePointer<UInt8>, _ end: UnsafeMutablePointer<UInt8>,
        cacheControl: String?
    ) -> Bool {
        guard addHeader(wsi, "content-security-policy:", configuration.contentSecurityPolicy, &p, end),
            addHeader(wsi, "x-content-type-options:", "nosniff", &p, end),
            addHeader(wsi, "referrer-policy:", "no-referrer", &p, end)
        else { return false }
        // Over plain HTTP the header would be ignored (RFC 6797), and it would be a lie.
        if configuration.tls != nil,
            !addHeader(wsi, "strict-transport-security:", ServerConfiguration.strictTransportSecurity, &p, end)
        {
            return false
        }
        if let cacheControl { return addHeader(wsi, "cache-control:", cacheControl, &p, end) }
        return true
    }

    private func addHeader(
        _ wsi: OpaquePointer, _ name: String, _ value: String,
        _ p: inout UnsafeMutablePointer<UInt8>, _ end: UnsafeMutablePointer<UInt8>
    ) -> Bool {
        var name = name
        var value = value
        return name.withUTF8 { n in
            value.withUTF8 { v in
                var cursor: UnsafeMutablePointer<UInt8>? = p
                let rc = lws_add_http_header_by_name(wsi, n.baseAddress, v.baseAddress, Int32(v.count), &cursor, end)
                if let cursor { p = cursor }
                return rc == 0
            }
        }
    }

    // MARK: Header helpers (service thread)

    private func header(_ wsi: OpaquePointer, _ token: lws_token_indexes) -> String? {
        let length = Int(lws_hdr_total_length(wsi, token))
        guard length > 0 else { return nil }
        var buffer = [CChar](repeating: 0, count: length + 1)
        guard lws_hdr_copy(wsi, &buffer, Int32(buffer.count), token) >= 0 else { return nil }
        return cString(buffer)
    }

    private func queryItems(_ wsi: OpaquePointer) -> [QueryItem] {
        let total = Int(lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_URI_ARGS))
        guard total > 0 else { return [] }
        var buffer = [CChar](repeating: 0, count: total + 1)
        var items: [QueryItem] = []
        var index: Int32 = 0
        while lws_hdr_copy_fragment(wsi, &buffer, Int32(buffer.count), WSI_TOKEN_HTTP_URI_ARGS, index) >= 0 {
            index += 1
            let fragment = cString(buffer)
            if fragment.isEmpty { continue }
            if let equals = fragment.firstIndex(of: "=") {
                items.append(QueryItem(
                    name: String(fragment[..<equals]), value: String(fragment[fragment.index(after: equals)...])))
            } else {
                items.append(QueryItem(name: fragment, value: ""))
            }
        }
        return items
    }

    private func peerAddress(_ wsi: OpaquePointer) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        guard let text = lws_get_peer_simple(wsi, &buffer, buffer.count) else { return "" }
        return String(cString: text)
    }
}

/// Decodes a NUL-terminated C string held in an array.
func cString(_ buffer: [CChar]) -> String {
    buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
}

// MARK: - Per-connection and per-request state (service thread only)

/// A websocket connection's state. Owned by the service thread: reachable from
/// lws through the wsi's opaque user data (one retain, released on CLOSED) and
/// from the server's id table.
final class ServerConnection {
    let id: ConnectionID
    let wsi: OpaquePointer
    var queue = FrameQueue()
    /// Bytes of the head frame already sent as fragments.
    var fragmentOffset = 0
    /// Reassembly of a message arriving in several chunks or fragments.
    var rx: [UInt8] = []
    var closing: PendingClose?
    var peerCloseCode: UInt16?
    /// The delegate wants `server(_:drained:)` once the queue is empty.
    var notifyWhenDrained = false

    init(id: ConnectionID, wsi: OpaquePointer) {
        self.id = id
        self.wsi = wsi
    }
}

/// The context pointer as other threads may use it: only to call
/// `lws_cancel_service`, which lws documents as callable from any thread, and
/// only under the server's lock while the context is alive.
struct WakeHandle: @unchecked Sendable {
    let context: OpaquePointer

    func wake() { lws_cancel_service(context) }
}

struct PendingClose {
    var code: UInt16
    var reason: String
    /// Send what is queued before the close frame (a polite close) or not (a drop).
    var flushQueue: Bool
}

struct PendingHTTPBody {
    var body: [UInt8]
    var offset = 0
    var closeAfter: Bool
}

struct ScheduledTimer {
    let box: UnsafeMutablePointer<atelier_ev_timer>
    let body: () -> Void
}

/// The C entry point for every lws callback of the server's context: finds the
/// `WebSocketServer` through the context user pointer.
private func serverCallback(
    _ wsi: OpaquePointer?, _ reason: lws_callback_reasons, _ user: UnsafeMutableRawPointer?,
    _ input: UnsafeMutableRawPointer?, _ length: Int
) -> Int32 {
    guard let wsi, let context = lws_get_context(wsi), let raw = lws_context_user(context) else {
        return lws_callback_http_dummy(wsi, reason, user, input, length)
    }
    let server = Unmanaged<WebSocketServer>.fromOpaque(raw).takeUnretainedValue()
    return server.handle(wsi, reason, user, input, length)
}
