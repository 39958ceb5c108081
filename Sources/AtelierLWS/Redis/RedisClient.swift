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
/// Confined to the service thread of the server it was made for.
public final class RedisClient {
    public let endpoint: RedisEndpoint
    private unowned let server: WebSocketServer
    private let logger: Logger
    private var context: UnsafeMutablePointer<redisAsyncContext>?
    private var retryMilliseconds = RedisClient.firstRetryMilliseconds
    private var stopped = false
    /// Runs on the service thread each time a connection is made, the first one included.
    public var onConnect: (() -> Void)?
    public private(set) var isConnected = false

    static let firstRetryMilliseconds = 100
    static let lastRetryMilliseconds = 2_000

    public init(endpoint: RedisEndpoint, server: WebSocketServer, logger: Logger) {
        self.endpoint = endpoint
        self.server = server
        self.logger = logger
    }

    /// Connects (service thread); a failure is retried with back-off.
    public func start() {
        assert(server.isOnServiceThread, "RedisClient.start() must be called on the service thread")
        stopped = false
        connect()
    }

    /// Closes the connection; commands waiting get `.error`.
    public func stop() {
        stopped = true
        if let context { redisAsyncDisconnect(context) }
    }

    /// Sends a command; `reply` runs on the service thread with its answer, or with `.error` when
    /// the connection is down or lost before the answer.
    public func command(_ arguments: [[UInt8]], reply: @escaping (RedisReply) -> Void) {
        guard let context, isConnected else {
            // Answered on a later turn, as a reply would be, never inside the caller.
            _ = server.schedule(afterMilliseconds: 0) { reply(.error("not connected to Redis")) }
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
        let status = redisAsyncCommandArgv(context, { _, reply, callback in
            guard let callback else { return }
            let body = Unmanaged<Callback>.fromOpaque(callback).takeRetainedValue().body
            body(reply.map { RedisReply(UnsafePointer($0.assumingMemoryBound(to: redisReply.self))) } ?? .error("connection to Redis lost"))
        }, callback, Int32(arguments.count), &pointers, &lengths)
        if status != REDIS_OK {
            Unmanaged<Callback>.fromOpaque(callback).release()
            _ = server.schedule(afterMilliseconds: 0) { reply(.error("Redis refused the command")) }
        }
    }

    /// A command of text arguments.
    public func command(_ arguments: [String], reply: @escaping (RedisReply) -> Void = { _ in }) {
        command(arguments.map { Array($0.utf8) }, reply: reply)
    }

    private final class Callback {
        let body: (RedisReply) -> Void
        init(_ body: @escaping (RedisReply) -> Void) { self.body = body }
    }

    private func connect() {
        guard !stopped, let loop = server.eventLoop else { return }
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
            guard let context, let client = RedisClient.owner(of: context) else { return }
            client.connected(status: status)
        }
        redisAsyncSetDisconnectCallback(context) { context, status in
            guard let context, let client = RedisClient.owner(of: context) else { return }
            client.disconnected()
        }
        self.context = context
    }

    private static func owner(of context: UnsafePointer<redisAsyncContext>) -> RedisClient? {
        context.pointee.data.map { Unmanaged<RedisClient>.fromOpaque($0).takeUnretainedValue() }
    }

    private func connected(status: Int32) {
        guard status == REDIS_OK else {
            // hiredis frees a context whose connection failed once this callback returns.
            context = nil
            logger.debug("Redis not reachable", metadata: ["redis": "\(endpoint)"])
            return retry()
        }
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

    private func retry() {
        guard !stopped else { return }
        let delay = retryMilliseconds
        retryMilliseconds = min(retryMilliseconds * 2, Self.lastRetryMilliseconds)
        _ = server.schedule(afterMilliseconds: delay) { [weak self] in self?.connect() }
    }
}
