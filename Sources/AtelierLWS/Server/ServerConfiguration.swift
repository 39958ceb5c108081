/// Limits on what one connection may have waiting to be sent, as Redis limits its clients'
/// output: a queue may stay past `maxFrames`/`maxBytes` for `graceMilliseconds` (a phone on venue
/// wifi that stalls a moment, a hall joining at once), and a connection whose queue would pass the
/// hard limits, or stays past the others longer, is dropped as a slow consumer.
public struct OutboundQueueLimit: Sendable, Equatable {
    public var maxFrames: Int
    /// Queued payload bytes (a shared frame counts fully on every queue). A single
    /// frame larger than this is still accepted when the queue is empty.
    public var maxBytes: Int
    /// How long a queue may stay past `maxFrames` or `maxBytes`; 0 drops at once.
    public var graceMilliseconds: Int
    /// Past these the connection is dropped at once.
    public var hardMaxFrames: Int
    public var hardMaxBytes: Int

    /// The hard limits default to eight times the others.
    public init(
        maxFrames: Int = 1024, maxBytes: Int = 8 << 20, graceMilliseconds: Int = 10_000,
        hardMaxFrames: Int? = nil, hardMaxBytes: Int? = nil
    ) {
        self.maxFrames = maxFrames
        self.maxBytes = maxBytes
        self.graceMilliseconds = graceMilliseconds
        self.hardMaxFrames = hardMaxFrames ?? maxFrames * 8
        self.hardMaxBytes = hardMaxBytes ?? maxBytes * 8
    }
}

/// Certificate and key for `wss`/`https`. Paths only; they are handed to lws.
public struct TLSConfiguration: Sendable, Equatable {
    public var certificatePath: String
    public var privateKeyPath: String

    public init(certificatePath: String, privateKeyPath: String) {
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
    }
}

/// Everything the websocket + HTTP server needs to listen.
public struct ServerConfiguration: Sendable {
    /// Address or interface to bind; `nil` binds all interfaces.
    public var host: String?
    /// TCP port; 0 picks an ephemeral port (read it back from `WebSocketServer.port`).
    public var port: Int
    /// Directory served for HTTP GETs not answered by the delegate; `nil` serves nothing.
    public var webRoot: String?
    /// Extension-less routes mapped to files under `webRoot` (for example `/screen` → `screen.html`).
    public var routes: [String: String]
    /// Request path on which websocket upgrades are accepted.
    public var webSocketPath: String
    /// The websocket subprotocol clients must ask for.
    public var subprotocol: String
    /// Largest inbound message (after reassembly); larger ones close the connection with 1009.
    public var maxMessageBytes: Int
    /// Per-connection outbound limits (slow consumers are dropped).
    public var outboundQueueLimit: OutboundQueueLimit
    /// Close code sent to a dropped slow consumer (1008, policy violation, by default).
    public var slowConsumerCloseCode: UInt16
    /// lws receive buffer per connection (kept small: idle connections are cheap).
    public var rxBufferSize: Int
    /// Outbound messages larger than this are sent as several websocket fragments,
    /// one per writable callback. Also the largest single `send()` lws issues.
    public var outboundFragmentBytes: Int
    /// How groupable frames waiting on one connection are joined into one message, so a
    /// connection that falls behind catches up with fewer, larger writes. The envelope is the
    /// protocol's, given by the server; without one, frames always go out one by one.
    public var grouping: FrameGrouping?
    /// Connections written per loop turn when a fan-out fills many queues at once; between
    /// slices the loop reads what arrived, so a message is not kept waiting for a long fan-out.
    public var writesPerTurn: Int
    /// How long a connection may leave a long answer unread (a catch-up, streamed as it reads,
    /// `WebSocketServer.notifyWhenDrained`) before it is dropped as a slow consumer.
    public var stalledReaderMilliseconds: Int
    /// Optional TLS: with it the port serves only https and wss.
    public var tls: TLSConfiguration?
    /// Origins (`scheme://host[:port]`) whose pages may open the websocket. Empty: any origin,
    /// and requests without an Origin header (non-browser clients) are always accepted.
    /// An upgrade from another origin is refused with HTTP 403.
    public var allowedOrigins: [String]
    /// Addresses of reverse proxies (HAProxy) whose requests carry the client's address in
    /// `X-Forwarded-For`: from them, and only them, the client address is that header's last entry.
    public var trustedProxies: [String]
    /// Value of the Content-Security-Policy header on every HTTP response.
    public var contentSecurityPolicy: String
    /// Reject text messages that are not valid UTF-8 (lws closes with 1007).
    public var validateUTF8: Bool
    /// How long `stop()` waits for clients to acknowledge close frames.
    public var stopGracePeriodMilliseconds: Int
    /// How much of lws' own log goes to the logger.
    public var libraryLogLevel: LibraryLogLevel

    /// TLS 1.2 suites offered: ECDHE key exchange (forward secrecy) and AEAD ciphers only.
    /// TLS 1.3's suites all are; TLS 1.0 and 1.1 are refused.
    public static let tls12CipherList =
        "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
        + "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"

    /// Value of the Strict-Transport-Security header on HTTPS responses: browsers that saw it come
    /// back over https only, for a year. Without subdomains: the server does not own its domain's.
    public static let strictTransportSecurity = "max-age=31536000"

    public static let defaultContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        + "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
        + "frame-ancestors 'none'; form-action 'self'"

    public init(
        host: String? = nil,
        port: Int = 8080,
        webRoot: String? = nil,
        routes: [String: String] = ["/screen": "screen.html", "/accessibility": "accessibility.html"],
        webSocketPath: String = "/ws",
        subprotocol: String = "atelier.v1",
        maxMessageBytes: Int = 64 * 1024,
        outboundQueueLimit: OutboundQueueLimit = OutboundQueueLimit(),
        slowConsumerCloseCode: UInt16 = 1008,
        rxBufferSize: Int = 1024,
        outboundFragmentBytes: Int = 32 * 1024,
        grouping: FrameGrouping? = nil,
        writesPerTurn: Int = 256,
        stalledReaderMilliseconds: Int = 15_000,
        tls: TLSConfiguration? = nil,
        allowedOrigins: [String] = [],
        trustedProxies: [String] = [],
        contentSecurityPolicy: String = ServerConfiguration.defaultContentSecurityPolicy,
        validateUTF8: Bool = true,
        stopGracePeriodMilliseconds: Int = 2000,
        libraryLogLevel: LibraryLogLevel = .errors
    ) {
        self.host = host
        self.port = port
        self.webRoot = webRoot
        self.routes = routes
        self.webSocketPath = webSocketPath
        self.subprotocol = subprotocol
        self.maxMessageBytes = maxMessageBytes
        self.outboundQueueLimit = outboundQueueLimit
        self.slowConsumerCloseCode = slowConsumerCloseCode
        self.rxBufferSize = rxBufferSize
        self.outboundFragmentBytes = outboundFragmentBytes
        self.grouping = grouping
        self.writesPerTurn = writesPerTurn
        self.stalledReaderMilliseconds = stalledReaderMilliseconds
        self.tls = tls
        self.allowedOrigins = allowedOrigins
        self.trustedProxies = trustedProxies
        self.contentSecurityPolicy = contentSecurityPolicy
        self.validateUTF8 = validateUTF8
        self.stopGracePeriodMilliseconds = stopGracePeriodMilliseconds
        self.libraryLogLevel = libraryLogLevel
    }
}

extension ServerConfiguration {
    /// Whether a websocket upgrade carrying `origin` may proceed: always without an allow-list or
    /// without an Origin header (browsers always send one), else only for a listed origin.
    /// Compared without case and without a trailing slash.
    public func allowsOrigin(_ origin: String?) -> Bool {
        guard !allowedOrigins.isEmpty, let origin else { return true }
        let normalized = Self.normalizedOrigin(origin)
        return allowedOrigins.contains { Self.normalizedOrigin($0) == normalized }
    }

    /// The client's address, given the `peer` a request came from and its `X-Forwarded-For` header
    /// (lws joins repeated headers with commas). From a trusted proxy it is the header's last entry,
    /// the one that proxy appended: entries before it are whatever the client wrote. From any other
    /// peer, or without the header, it is the peer. An IPv4 peer of a server on every interface,
    /// which lws writes `::ffff:a.b.c.d`, is its IPv4 address, so one client has one address.
    public func clientAddress(peer: String, forwardedFor: String?) -> String {
        let peer = peer.hasPrefix("::ffff:") && peer.contains(".") ? String(peer.dropFirst(7)) : peer
        guard trustedProxies.contains(peer), let forwardedFor,
              let last = forwardedFor.split(separator: ",").last?.filter({ $0 != " " && $0 != "\t" }), !last.isEmpty
        else { return peer }
        return last
    }

    /// Whether a `Sec-WebSocket-Protocol` header (a comma-separated list) offers `subprotocol`.
    public func offersSubprotocol(_ header: String?) -> Bool {
        guard let header else { return false }
        return header.split(separator: ",").contains { String($0.filter { $0 != " " && $0 != "\t" }) == subprotocol }
    }

    static func normalizedOrigin(_ origin: String) -> String {
        var text = Substring(origin.lowercased())
        while let last = text.last, last == "/" || last == " " { text.removeLast() }
        while text.first == " " { text.removeFirst() }
        return String(text)
    }
}

/// How several waiting messages become one: `prefix`, the messages with `separator` between
/// them, `suffix`.
public struct FrameGrouping: Sendable, Hashable {
    public var prefix: [UInt8]
    public var separator: [UInt8]
    public var suffix: [UInt8]

    public init(prefix: [UInt8], separator: [UInt8], suffix: [UInt8]) {
        self.prefix = prefix
        self.separator = separator
        self.suffix = suffix
    }

    public init(prefix: String, separator: String, suffix: String) {
        self.init(prefix: Array(prefix.utf8), separator: Array(separator.utf8), suffix: Array(suffix.utf8))
    }

    /// Bytes of the one message joining `frames`.
    func count(joining frames: some Collection<OutboundFrame>) -> Int {
        prefix.count + frames.reduce(0) { $0 + $1.count } + separator.count * max(frames.count - 1, 0) + suffix.count
    }

    /// Writes the one message joining `frames` at `destination`, which has room for it.
    func write(joining frames: some Sequence<OutboundFrame>, to destination: UnsafeMutableRawPointer) {
        var offset = 0
        func put(_ pointer: UnsafeRawPointer, _ count: Int) {
            (destination + offset).copyMemory(from: pointer, byteCount: count)
            offset += count
        }
        prefix.withUnsafeBytes { put($0.baseAddress!, $0.count) }
        for (index, frame) in frames.enumerated() {
            if index > 0 { separator.withUnsafeBytes { put($0.baseAddress!, $0.count) } }
            put(frame.payload, frame.count)
        }
        suffix.withUnsafeBytes { put($0.baseAddress!, $0.count) }
    }
}
