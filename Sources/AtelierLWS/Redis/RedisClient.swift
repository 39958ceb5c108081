import AtelierThreads
import CHiredis
import Logging

/// A Redis reply, copied out of hiredis' buffers.
public enum RedisReply: Sendable, Equatable {
    case string([UInt8])
    case integer(Int64)
    case array([RedisReply])
    case null
    case status(String)
    case error(String)

    init(_ reply: UnsafePointer<redisReply>) {
        let value = reply.pointee
        switch value.type {
        case REDIS_REPLY_STRING:
            self = .string(Array(UnsafeRawBufferPointer(start: value.str, count: value.len)))
        case REDIS_REPLY_INTEGER:
            self = .integer(value.integer)
        case REDIS_REPLY_ARRAY:
            self = .array((0..<value.elements).compactMap { index in value.element[index].map { RedisReply(UnsafePointer($0)) } })
        case REDIS_REPLY_STATUS:
            self = .status(String(cString: value.str))
        case REDIS_REPLY_ERROR:
            self = .error(String(cString: value.str))
        default:
            self = .null
        }
    }

    /// The text of a bulk string or status.
    public var text: String? {
        switch self {
        case .string(let bytes): String(decoding: bytes, as: UTF8.self)
        case .status(let text): text
        default: nil
        }
    }

    public var elements: [RedisReply] {
        if case .array(let elements) = self { elements } else { [] }
    }

    /// What a command gets when its connection was lost, or given up, before its answer came.
    public static let connectionLost = RedisReply.error("connection to Redis lost")
}

/// Where a Redis server listens: `redis://HOST:PORT` (port 6379 when left out).
public struct RedisEndpoint: Sendable, Equatable, CustomStringConvertible {
    public let host: String
    public let port: Int

    public init?(url: String) {
        guard url.hasPrefix("redis://") else { return nil }
        let authority = url.dropFirst("redis://".count).split(separator: "/", omittingEmptySubsequences: false)[0]
        let parts = authority.split(separator: ":", omittingEmptySubsequences: false)
        guard !authority.isEmpty, parts.count <= 2, !parts[0].isEmpty else { return nil }
        guard parts.count == 1 || Int(parts[1]).map({ (1...65535).contains($0) }) == true else { return nil }
        host = String(parts[0])
        port = parts.count == 2 ? Int(parts[1])! : 6379
    }

    public var description: String { "redis://\(host):\(port)" }
}

/// One connection to Redis on the server's libev loop, through hiredis' asynchronous API: a command
/// returns at once and its reply comes back on the service thread, so the loop never waits for
/// Redis. When Redis goes away the connection is made again, waiting 100 ms doubling to 2 s
/// between tries, and `onConnect` runs again: whoever uses it re-issues what the new connection
/// needs (a blocking read, what it had not published).
///
/// A Redis that stops answering with its connection open (stopped, or behind a link that drops
/// packets) is noticed too: a connection whose oldest command has waited past `silenceMilliseconds`
/// (`RedisSilence`) is given up and made again the same way, and counts as connected only once
/// Redis answers on it. TCP keepalive finds a dead link when nothing is waiting.
///
/// Confined to the service thread of the server it was made for.
public final class RedisClient {
    public let endpoint: RedisEndpoint
    private unowned let server: WebSocketServer
    private let logger: Logger
    private var context: UnsafeMutablePointer<redisAsyncContext>?
    private var retryMilliseconds = RedisClient.firstRetryMilliseconds
    private var silence = RedisSilence(boundMilliseconds: RedisClient.silenceMilliseconds)
    private var silenceWatch: TimerToken?
    /// Runs on the service thread each time a connection is made, the first one included.
    public var onConnect: (() -> Void)?
    /// Whether Redis answers on this connection: from its first answer (to a `PING` sent on
    /// connecting) until the connection is lost or given up as silent.
    public private(set) var isConnected = false

    static let firstRetryMilliseconds = 100
    static let lastRetryMilliseconds = 2_000
    /// How long a command may wait for its answer (beyond the time it asked Redis to block) before
    /// the connection is given up. A Redis in good health answers in well under a millisecond, and
    /// in tens of milliseconds while it forks or rewrites its file; 5 s is also how long a relay
    /// waits for the owner before answering `server.unavailable`, so by the time members are told,
    /// `/healthz` says it too.
    public static let silenceMilliseconds: Int64 = 5_000
    /// How often a connection is looked at for silence.
    static let silenceCheckMilliseconds = 1_000

    public init(endpoint: RedisEndpoint, server: WebSocketServer, logger: Logger) {
        self.endpoint = endpoint
        self.server = server
        self.logger = logger
    }

    /// Connects (service thread); a failure is retried with back-off.
    public func start() {
        assert(server.isOnServiceThread, "RedisClient.start() must be called on the service thread")
        connect()
    }

    /// Sends a command; `reply` runs on the service thread with its answer, or with `.error` when
    /// the connection is down or lost before the answer (`.connectionLost`). A blocking command
    /// gives `blockingFor`, the longest it asks Redis to wait, which is not counted as silence.
    public func command(_ arguments: [[UInt8]], blockingFor milliseconds: Int64 = 0, reply: @escaping (RedisReply) -> Void) {
        guard isConnected else {
            // Answered on a later turn, as a reply would be, never inside the caller.
            _ = server.schedule(afterMilliseconds: 0) { reply(.error("not connected to Redis")) }
            return
        }
        send(arguments, blockingFor: milliseconds) { reply($0 ?? .connectionLost) }
    }

    /// A command of text arguments.
    public func command(_ arguments: [String], blockingFor milliseconds: Int64 = 0, reply: @escaping (RedisReply) -> Void = { _ in }) {
        command(arguments.map { Array($0.utf8) }, blockingFor: milliseconds, reply: reply)
    }

    /// Queues a command on the connection, connected or still connecting; `reply` gets nil when no
    /// answer came.
    private func send(_ arguments: [[UInt8]], blockingFor milliseconds: Int64, reply: @escaping (RedisReply?) -> Void) {
        guard let context else {
            _ = server.schedule(afterMilliseconds: 0) { reply(nil) }
            return
        }
        let callback = Unmanaged.passRetained(Callback(reply)).toOpaque()
        let buffers = arguments.map { bytes -> UnsafeMutablePointer<CChar> in
            let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: max(bytes.count, 1))
            bytes.withUnsafeBytes { UnsafeMutableRawPointer(buffer).copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
            return buffer
        }
        defer { buffers.forEach { $0.deallocate() } }
        var pointers = buffers.map { UnsafePointer<CChar>?($0) }
        var lengths = arguments.map(\.count)
        // hiredis copies the arguments into its output buffer before returning.
        let status = redisAsyncCommandArgv(context, { context, reply, callback in
            guard let callback else { return }
            let body = Unmanaged<Callback>.fromOpaque(callback).takeRetainedValue().body
            // Without a reply the connection is going: a given-up one no longer names its client.
            if reply != nil, let context, let client = RedisClient.owner(of: context) {
                client.silence.answered(at: monotonicMilliseconds())
            }
            body(reply.map { RedisReply(UnsafePointer($0.assumingMemoryBound(to: redisReply.self))) })
        }, callback, Int32(arguments.count), &pointers, &lengths)
        if status == REDIS_OK {
            silence.sent(at: monotonicMilliseconds(), blockingFor: milliseconds)
        } else {
            Unmanaged<Callback>.fromOpaque(callback).release()
            _ = server.schedule(afterMilliseconds: 0) { reply(.error("Redis refused the command")) }
        }
    }

    private final class Callback {
        let body: (RedisReply?) -> Void
        init(_ body: @escaping (RedisReply?) -> Void) { self.body = body }
    }

    private func connect() {
        guard let loop = server.eventLoop else { return }
        guard let context = redisAsyncConnect(endpoint.host, Int32(endpoint.port)) else { return retry() }
        if context.pointee.err != 0 {
            logger.warning("Redis connection failed", metadata: ["redis": "\(endpoint)", "error": "\(context.pointee.errstr.map { String(cString: $0) } ?? "")"])
            redisAsyncFree(context)
            return retry()
        }
        // A link that dies while nothing waits is found by the kernel's probes.
        if withUnsafeMutablePointer(to: &context.pointee.c, redisEnableKeepAlive) != REDIS_OK {
            logger.warning("TCP keepalive not enabled on the connection to Redis", metadata: ["redis": "\(endpoint)"])
        }
        context.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        _ = atelier_redis_attach(loop, context)
        redisAsyncSetConnectCallback(context) { context, status in
            guard status != REDIS_OK, let context, let client = RedisClient.owner(of: context) else { return }
            client.unreachable()
        }
        redisAsyncSetDisconnectCallback(context) { context, status in
            guard let context, let client = RedisClient.owner(of: context) else { return }
            client.disconnected()
        }
        self.context = context
        silence = RedisSilence(boundMilliseconds: Self.silenceMilliseconds)
        if silenceWatch == nil { watchSilence() }
        // Sent as the connection is made: its answer says Redis answers, not only that the port is open.
        send([Array("PING".utf8)], blockingFor: 0) { [weak self] reply in
            guard let self, reply != nil else { return }  // the connection failed or was given up, and is made again
            answered()
        }
    }

    private static func owner(of context: UnsafePointer<redisAsyncContext>) -> RedisClient? {
        context.pointee.data.map { Unmanaged<RedisClient>.fromOpaque($0).takeUnretainedValue() }
    }

    private func unreachable() {
        // hiredis frees a context whose connection failed once this callback returns.
        context = nil
        logger.debug("Redis not reachable", metadata: ["redis": "\(endpoint)"])
        retry()
    }

    private func answered() {
        isConnected = true
        retryMilliseconds = Self.firstRetryMilliseconds
        logger.info("connected to Redis", metadata: ["redis": "\(endpoint)"])
        onConnect?()
    }

    private func disconnected() {
        // hiredis frees the context once this callback returns, after failing what was waiting.
        context = nil
        let was = isConnected
        isConnected = false
        if was { logger.warning("Redis connection lost", metadata: ["redis": "\(endpoint)"]) }
        retry()
    }

    /// Looks at the connection every `silenceCheckMilliseconds` while there is one, and gives it up
    /// once it is silent.
    private func watchSilence() {
        silenceWatch = server.schedule(afterMilliseconds: Self.silenceCheckMilliseconds) { [weak self] in
            guard let self else { return }
            silenceWatch = nil
            guard let context else { return }
            guard silence.isSilent(at: monotonicMilliseconds()) else { return watchSilence() }
            // Logged once an outage: a new connection Redis has not answered yet is given up quietly.
            if isConnected {
                logger.warning("Redis did not answer within \(Self.silenceMilliseconds) ms; reconnecting", metadata: ["redis": "\(endpoint)"])
            } else {
                logger.debug("Redis not answering", metadata: ["redis": "\(endpoint)"])
            }
            isConnected = false
            self.context = nil
            // Its callbacks no longer reach this client: what waited gets `.connectionLost`, and no
            // disconnect is reported for a connection already given up.
            context.pointee.data = nil
            redisAsyncFree(context)
            retry()
        }
    }

    private func retry() {
        let delay = retryMilliseconds
        retryMilliseconds = min(retryMilliseconds * 2, Self.lastRetryMilliseconds)
        _ = server.schedule(afterMilliseconds: delay) { [weak self] in self?.connect() }
    }
}
