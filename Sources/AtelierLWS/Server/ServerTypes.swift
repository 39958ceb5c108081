import Synchronization

/// Opaque handle of one websocket connection. Never reused within a server's life.
public struct ConnectionID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64

    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public static func < (lhs: ConnectionID, rhs: ConnectionID) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { "c\(rawValue)" }
}

/// One `name=value` pair of a query string (already percent-decoded by lws).
public struct QueryItem: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// What is known about a websocket connection when it opens.
public struct ConnectionInfo: Sendable {
    public let id: ConnectionID
    /// Peer IP address as text.
    public let peerAddress: String
    /// The Origin request header, if the client sent one.
    public let origin: String?
    /// Request path of the upgrade (the configured websocket path).
    public let path: String
    /// Query parameters of the upgrade request, in order.
    public let query: [QueryItem]

    /// The first value of query parameter `name`.
    public func queryValue(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }
}

/// An HTTP request offered to the delegate before static files are tried.
public struct HTTPRequest: Sendable {
    /// "GET", "HEAD", "POST"...
    public let method: String
    /// Decoded path, without the query.
    public let path: String
    public let query: [QueryItem]
    public let peerAddress: String
    /// A few request headers, by lower-case name: host, origin, authorization,
    /// cookie, user-agent, accept, if-none-match.
    public let headers: [String: String]

    public func queryValue(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }
}

/// A complete HTTP response from the delegate. Security headers (CSP,
/// nosniff, referrer policy) are added by the server.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var contentType: String
    public var body: [UInt8]
    /// Extra headers (for example Content-Disposition). Names are case-insensitive.
    public var headers: [(name: String, value: String)]
    /// Close the connection after this response (`Connection: close`): requests pipelined
    /// behind it are not read.
    public var closesConnection: Bool

    public init(
        status: Int = 200, contentType: String, body: [UInt8], headers: [(name: String, value: String)] = [],
        closesConnection: Bool = false
    ) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.headers = headers
        self.closesConnection = closesConnection
    }

    public static func text(_ text: String, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "text/plain; charset=utf-8", body: Array(text.utf8))
    }

    public static func json(_ json: String, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "application/json", body: Array(json.utf8))
    }
}

/// Handle of a timer scheduled on the service thread.
public struct TimerToken: Hashable, Sendable {
    let rawValue: UInt64
}

/// The server's callbacks. Every method is called on the service thread, one
/// at a time; implementations may call the server's service-thread methods
/// (`send`, `close`, `schedule`...) directly from them.
public protocol WebSocketServerDelegate: AnyObject {
    /// A websocket connection on the configured path and subprotocol is open.
    func server(_ server: WebSocketServer, didOpen connection: ConnectionInfo)

    /// A whole text message arrived.
    func server(_ server: WebSocketServer, didReceive message: [UInt8], from connection: ConnectionID)

    /// The connection is gone. `code` is the close code the peer sent or the
    /// server sent (1008 slow consumer, 1009 too big...), nil if the link just dropped.
    func server(_ server: WebSocketServer, didClose connection: ConnectionID, code: UInt16?)

    /// Called once per service-loop turn, after lws dispatched that turn's
    /// callbacks (group commit point: persist, then send acks and broadcasts).
    func serviceTurnEnded(_ server: WebSocketServer)

    /// Answer a dynamic HTTP route, or return nil to fall through to static files.
    func server(_ server: WebSocketServer, respondTo request: HTTPRequest) -> HTTPResponse?

    /// A connection that asked with `notifyWhenDrained(_:)` has been written everything queued
    /// to it: the moment to queue the next part of a long answer.
    func server(_ server: WebSocketServer, drained connection: ConnectionID)
}

extension WebSocketServerDelegate {
    public func serviceTurnEnded(_ server: WebSocketServer) {}
    public func server(_ server: WebSocketServer, drained connection: ConnectionID) {}
    public func server(_ server: WebSocketServer, respondTo request: HTTPRequest) -> HTTPResponse? { nil }
}

/// A snapshot of the server's counters (readable from any thread).
public struct ServerStatistics: Sendable, Equatable {
    /// Websocket connections currently open.
    public var connectionsOpen: Int
    /// Websocket connections accepted since start.
    public var connectionsAccepted: Int
    /// Whole messages sent (a fragmented message counts once).
    public var framesSent: Int
    public var bytesSent: Int
    public var messagesReceived: Int
    public var bytesReceived: Int
    /// Connections dropped because their outbound queue overflowed.
    public var slowConsumerDrops: Int
    /// Connections closed with 1009 for an oversized message.
    public var oversizedMessageCloses: Int
    public var httpRequests: Int
    /// Websocket upgrades refused (403) because their Origin is not on the allow-list.
    public var originRefusals: Int
}

/// Counters updated on the service thread, read from anywhere.
final class ServerCounters: Sendable {
    let connectionsOpen = Atomic<Int>(0)
    let connectionsAccepted = Atomic<Int>(0)
    let framesSent = Atomic<Int>(0)
    let bytesSent = Atomic<Int>(0)
    let messagesReceived = Atomic<Int>(0)
    let bytesReceived = Atomic<Int>(0)
    let slowConsumerDrops = Atomic<Int>(0)
    let oversizedMessageCloses = Atomic<Int>(0)
    let httpRequests = Atomic<Int>(0)
    let originRefusals = Atomic<Int>(0)

    var snapshot: ServerStatistics {
        ServerStatistics(
            connectionsOpen: connectionsOpen.load(ordering: .relaxed),
            connectionsAccepted: connectionsAccepted.load(ordering: .relaxed),
            framesSent: framesSent.load(ordering: .relaxed),
            bytesSent: bytesSent.load(ordering: .relaxed),
            messagesReceived: messagesReceived.load(ordering: .relaxed),
            bytesReceived: bytesReceived.load(ordering: .relaxed),
            slowConsumerDrops: slowConsumerDrops.load(ordering: .relaxed),
            oversizedMessageCloses: oversizedMessageCloses.load(ordering: .relaxed),
            httpRequests: httpRequests.load(ordering: .relaxed),
            originRefusals: originRefusals.load(ordering: .relaxed))
    }
}

extension Atomic where Value == Int {
    func bump(_ by: Int = 1) { wrappingAdd(by, ordering: .relaxed) }
}
