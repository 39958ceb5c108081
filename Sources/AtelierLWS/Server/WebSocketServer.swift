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
/// **Writing.** Nothing is written from a receive callback: frames are queued. Frames queued
/// during the loop's turn are written from `LWS_CALLBACK_SERVER_WRITEABLE`; frames queued after
/// it returned (the delegate's end-of-turn work, posted work) are written at the end of that turn
/// without waiting for POLLOUT (`writeWaiting`). A connection whose queue stays past
/// `outboundQueueLimit` is dropped (closed with `slowConsumerCloseCode`).
///
/// The files of this type: the loop and its inbox here; `+Context` (set-up and tear-down),
/// `+Callbacks` (dispatch), `+Connections` (receive and close), `+Outbound` (queues, groups,
/// fragments), `+SlowConsumers`, `+HTTP` (routes and static files), `+Timers`.
public final class WebSocketServer: @unchecked Sendable {
    public let configuration: ServerConfiguration
    let logger: Logger

    // MARK: Cross-thread state

    struct Shared {
        enum Phase { case idle, running, finished }
        var phase: Phase = .idle
        /// Valid while `phase == .running`; only used to call `lws_cancel_service`.
        var context: WakeHandle?
        var inbox: [@Sendable () -> Void] = []
        var stopRequested = false
        var port = 0
    }

    let shared = Mutex(Shared())
    let counters = ServerCounters()
    let serviceThread = Atomic<UInt>(0)
    let finished = DispatchGroup()

    // MARK: Service-thread state

    var delegate: (any WebSocketServerDelegate)?
    var context: OpaquePointer?
    var strings = OwnedCStrings()
    var protocols: UnsafeMutablePointer<lws_protocols>?
    var connections: [ConnectionID: ServerConnection] = [:]
    var nextConnectionID: UInt64 = 1
    var staticFiles: StaticFiles?
    var pendingHTTP: [OpaquePointer: PendingHTTPBody] = [:]
    /// Gzipped static files by path, each with the ETag of the file it was made from: a file is
    /// compressed once per version, not once per request (nil: gzip would not make it smaller).
    var gzippedFiles: [String: (etag: String, body: [UInt8]?)] = [:]
    /// The web root's content version and the listing it was computed from (see `StaticFiles.listing`).
    var webVersion: (listing: [String], version: String)?
    /// `LWS_PRE` + one fragment: used to send slices of large messages and HTTP bodies.
    var scratch: UnsafeMutableRawPointer?
    var scratchCapacity = 0
    /// Timers not fired nor cancelled yet; dropping one stops and frees it.
    var timers: [UInt64: LoopTimer] = [:]
    var nextTimerToken: UInt64 = 1
    var stopping = false
    var stopDeadlinePassed = false
    /// Set while `lws_context_destroy` runs (it still calls back): no new work.
    var tearingDown = false
    /// False between the loop's turn returning and the end of the turn: frames queued then (the
    /// delegate's end-of-turn work, posted work) are written by `writeWaiting()`, not on POLLOUT.
    var insideService = true
    /// The libev loop lws runs in (epoll on Linux): owned by the server, destroyed after the context.
    var eventLoop: OpaquePointer?
    /// Connections whose queue went from empty to not empty outside the loop's turn, in that
    /// order, not written yet.
    var waitingWrite = Ring<ServerConnection>(keepsStorage: true)
    /// Connections that asked to be told when drained, and since when (monotonic milliseconds):
    /// one that has not read its queue within `stalledReaderMilliseconds` is dropped.
    var drainWaiters: [ConnectionID: Int64] = [:]
    /// Connections whose queue is past the outbound limit, since when (monotonic milliseconds).
    var overLimit: [ConnectionID: Int64] = [:]
    /// Stalled readers dropped, and when to cut their socket if the close has not gone through:
    /// a reader that does not read cannot take the close frame either.
    var stalledDrops: [ConnectionID: Int64] = [:]
    var stallCheck: TimerToken?

    /// How long a dropped stalled reader has to take its close frame before its socket is cut.
    static let stalledCloseGraceMilliseconds = 2_000

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

    // MARK: The service loop (service thread)

    func serviceLoop() {
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

    func drainInbox() {
        let work = shared.withLock { state -> [@Sendable () -> Void] in
            let work = state.inbox
            if !work.isEmpty { state.inbox = [] }
            return work
        }
        for item in work { item() }
    }

    func beginStop() {
        stopping = true
        for connection in connections.values where connection.isOpen {
            connection.beginClosing(code: 1001, reason: "server stopping", flushQueue: true)
            lws_callback_on_writable(connection.wsi)
        }
        schedule(afterMilliseconds: configuration.stopGracePeriodMilliseconds) { [unowned self] in
            self.stopDeadlinePassed = true
        }
    }
}
