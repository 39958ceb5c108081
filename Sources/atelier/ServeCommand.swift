import AtelierCore
import AtelierExport
import AtelierLWS
import AtelierProtocol
import AtelierServer
import AtelierStore
import AtelierThreads
import AtelierWire
import ArgumentParser
import Foundation
import Logging

/// `atelier serve`: the live server for browsers and terminals.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve live sessions: the participant page and the websocket protocol on one port.",
        discussion: """
            Serves every unfinished session of the database, and a session of --workshop: the one \
            already there, or a new one (always new with --new-session). Prints the participant \
            link, the join code and, for a new session, the moderator key (shown only then). \
            At start and then hourly, purges the names and organisations of sessions past their \
            workshop's retentionDays, as purge --expired does, and logs what it removed.
            """)

    @Option(help: "Workshop file to serve a session of.", completion: .file(extensions: ["json"]))
    var workshop: String = Defaults.workshop

    @Option(help: "SQLite database (default: $ATELIER_DB or ~/.local/share/atelier/atelier.db).")
    var db: String = Defaults.database

    @Option(help: "TCP port; 0 picks a free one.")
    var port: Int = 8080

    @Option(help: "Address to listen on (default: every interface, so phones on the venue network can join).")
    var host: String?

    @Option(help: "Directory of the participant page.", completion: .directory)
    var web: String = "Web"

    @Flag(help: "Start a new session of the workshop even if an unfinished one exists.")
    var newSession = false

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    @Option(help: ArgumentHelp("TLS certificate (PEM, chain allowed): serve https and wss only. Needs --tls-key.",
                               valueName: "file"), completion: .file())
    var tlsCert: String?

    @Option(help: ArgumentHelp("Private key (PEM) of --tls-cert.", valueName: "file"), completion: .file())
    var tlsKey: String?

    @Option(help: ArgumentHelp(
        "Only pages from this origin may open the websocket (repeat for several), e.g. https://atelier.example.org. "
            + "Default: any origin.", valueName: "url"))
    var allowOrigin: [String] = []

    @Option(help: ArgumentHelp(
        "A reverse proxy's IP address (repeat for several), e.g. 127.0.0.1 for HAProxy on this machine: from it, "
            + "each person's address is the one it adds to X-Forwarded-For, for the limits and logs kept by address.",
        valueName: "address"))
    var trustedProxy: [String] = []

    @Option(help: ArgumentHelp(
        "The address participants reach the server on (a proxy's, a name's), e.g. https://atelier.example.org: "
            + "the printed links and the presenter's link and QR code use it. Default: this machine's LAN address.",
        valueName: "url"))
    var publicURL: String?

    @Option(help: ArgumentHelp(
        "Redis of a deployment of several processes, e.g. redis://127.0.0.1:6379: this server owns its sessions and "
            + "publishes them there, and decides what relays forward (docs/SCALING.md). Default: one process, no Redis.",
        valueName: "url"))
    var redis: String?

    @Flag(help: "With --redis: serve as a relay, which follows the owner's sessions through Redis and holds no database of its own.")
    var relay = false

    @Option(help: ArgumentHelp(
        "With --redis, on the owner: how long a relay may be silent before the owner forgets its connections (a relay "
            + "says it is alive every \(SessionHub.Role.relayHeartbeatMilliseconds / 1_000) s); widen it on a shaky network. "
            + "At least \(SessionHub.Role.shortestRelaySilenceMilliseconds / 1_000). "
            + "Default: \(SessionHub.Role.defaultRelaySilenceMilliseconds / 1_000).",
        valueName: "seconds"))
    var relaySilence: Int?

    @Option(help: ArgumentHelp(
        "How long an ended session nobody is connected to stays loaded before this server lets go of it and of its "
            + "lease, so atelier synthesis can curate it; whoever comes back has it loaded again. 1 to 86400 (a day). "
            + "Default: \(SessionHub.endedSessionHoldMilliseconds / 1_000).",
        valueName: "seconds"))
    var keepEnded: Int?

    func validate() throws {
        if let redis, RedisEndpoint(url: redis) == nil {
            throw ValidationError("--redis \(redis): a Redis address is redis://host[:port], e.g. redis://127.0.0.1:6379.")
        }
        if relay && redis == nil { throw ValidationError("--relay needs --redis (the Redis the owner publishes to).") }
        if let relaySilence {
            if redis == nil || relay {
                throw ValidationError("--relay-silence is the owner's: give it with --redis, without --relay.")
            }
            let shortest = SessionHub.Role.shortestRelaySilenceMilliseconds / 1_000
            guard relaySilence >= shortest else {
                throw ValidationError("--relay-silence \(relaySilence): give at least \(shortest) seconds, three of the "
                    + "heartbeats a relay sends, so that a relay only late is not forgotten.")
            }
        }
        if let keepEnded {
            if relay { throw ValidationError("--keep-ended is for a server with a database: a relay holds no session of its own.") }
            guard (1...86_400).contains(keepEnded) else {
                throw ValidationError("--keep-ended \(keepEnded): give between 1 second and 86400 (a day).")
            }
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535.") }
        switch (tlsCert, tlsKey) {
        case (nil, nil): break
        case (_?, nil): throw ValidationError("--tls-cert needs --tls-key (the certificate's private key).")
        case (nil, _?): throw ValidationError("--tls-key needs --tls-cert (the certificate it belongs to).")
        case let (cert?, key?):
            for (option, path) in [("--tls-cert", cert), ("--tls-key", key)] {
                guard FileManager.default.isReadableFile(atPath: path) else {
                    throw ValidationError("\(option) \(path): no such readable file.")
                }
            }
        }
        if let publicURL {
            let parts = publicURL.components(separatedBy: "://")
            guard parts.count == 2, ["http", "https"].contains(parts[0].lowercased()),
                  let host = parts[1].split(separator: "/").first, !host.isEmpty,
                  !publicURL.contains("?"), !publicURL.contains("#")
            else {
                throw ValidationError("--public-url \(publicURL): a URL is scheme://host[:port][/path], e.g. https://atelier.example.org.")
            }
        }
        for origin in allowOrigin {
            let parts = origin.components(separatedBy: "://")
            let authority = parts.count == 2 && parts[1].hasSuffix("/") ? String(parts[1].dropLast()) : parts.last ?? ""
            guard parts.count == 2, ["http", "https"].contains(parts[0].lowercased()),
                  !authority.isEmpty, !authority.contains("/")
            else {
                throw ValidationError("--allow-origin \(origin): an origin is scheme://host[:port], e.g. https://atelier.example.org.")
            }
        }
        for proxy in trustedProxy {
            var address = in6_addr()
            guard inet_pton(AF_INET, proxy, &address) == 1 || inet_pton(AF_INET6, proxy, &address) == 1 else {
                throw ValidationError("--trusted-proxy \(proxy): give the proxy's IP address, e.g. 127.0.0.1 or ::1.")
            }
        }
    }

    func run() throws {
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "atelier")
        if relay, let redis = redis.flatMap(RedisEndpoint.init(url:)) { return try runRelay(redis, logger: logger) }

        let definition: WorkshopDefinition
        do { definition = try WorkshopFile.load(path: workshop) } catch {
            printError(error.description)
            throw ExitCode.failure
        }
        let configuration = transportConfiguration()

        let store = try EventStore(path: db)
        var options = SessionHub.Options()
        if let keepEnded { options.endedSessionHoldMilliseconds = Int64(keepEnded) * 1_000 }
        let hub = SessionHub(store: store, options: options, logger: logger, transcripts: .export)
        hub.publicURL = publicURL
        // Names past their workshop's retention go before anything is served, then hourly.
        hub.applyRetention()
        let resumed = try hub.loadSessions()
        let existing = resumed.last { $0.workshopID == definition.id }
        let created = newSession || existing == nil ? try hub.createSession(workshop: definition) : nil

        // Signals are taken by one thread with sigwait, so every other thread must block them.
        let signals = blockStopSignals()

        let server = WebSocketServer(configuration: configuration, delegate: hub, logger: logger)
        hub.attach(server)
        if let redis = redis.flatMap(RedisEndpoint.init(url:)) {
            let silence = relaySilence.map { Int64($0) * 1_000 } ?? SessionHub.Role.defaultRelaySilenceMilliseconds
            hub.useRedis(redis, as: .owner(relaySilenceMilliseconds: silence))
        }
        do { try server.start() } catch {
            printError("Cannot listen on \(host ?? "*"):\(port): \(error)")
            throw ExitCode.failure
        }

        var banner: [String] = []
        let base = JoinLink.base(publicURL: publicURL, host: host, tls: configuration.tls != nil, port: server.port)
        banner.append("atelier serving on \(base)/ (database \(db))")
        for record in hub.servedSessions {
            let isNew = record.id == created?.record.id
            banner.append("Session \(record.joinCode) · \(record.title)\(isNew ? " (new)" : " (resumed)")")
            banner.append("  Participants: \(JoinLink.participants(base: base, code: record.joinCode))")
            banner.append("  Presenter screen: \(base)/screen?code=\(record.joinCode)")
            if isNew, let key = created?.moderatorKey {
                banner.append("  Moderator key: \(key) (shown once: keep it)")
            } else {
                banner.append("  Moderator key: as printed when the session was created")
            }
            // http → ws, https → wss, on the same address.
            banner.append("  Moderator console: atelier moderate ws\(base.dropFirst(4))/ws --code \(record.joinCode)")
        }
        banner.append("Stop with Ctrl-C.")
        // Written at once and unbuffered: scripts and tests read these lines through a pipe.
        FileHandle.standardOutput.write(Data((banner.joined(separator: "\n") + "\n").utf8))

        try serveUntilSignalled(server, signals: signals, logger: logger)
        hub.releaseLeases()
        try store.close()
        logger.notice("stopped")
    }
}

extension ServeCommand {
    /// The transport's configuration from the options; says so when the page's folder is missing.
    func transportConfiguration() -> ServerConfiguration {
        var isDirectory: ObjCBool = false
        let hasPage = FileManager.default.fileExists(atPath: web, isDirectory: &isDirectory) && isDirectory.boolValue
        if !hasPage { printError("\(web): no such directory; the participant page will not be served (use --web DIR).") }
        let tls = tlsCert.flatMap { cert in tlsKey.map { TLSConfiguration(certificatePath: cert, privateKeyPath: $0) } }
        return ServerConfiguration(
            host: host, port: port, webRoot: hasPage ? web : nil, grouping: .events, tls: tls, allowedOrigins: allowOrigin,
            trustedProxies: trustedProxy)
    }

    /// Blocks SIGINT and SIGTERM in every thread but one, which takes them with sigwait; call before
    /// the server starts its thread.
    func blockStopSignals() -> sigset_t {
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        return signals
    }

    /// Serves until SIGINT or SIGTERM, then stops the server gracefully and returns once it has.
    func serveUntilSignalled(_ server: WebSocketServer, signals: sigset_t, logger: Logger) throws {
        let blocked = signals
        let stopper = spawnDetachedThread {
            var waitedFor = blocked
            var caught: Int32 = 0
            sigwait(&waitedFor, &caught)
            logger.notice("stopping", metadata: ["signal": "\(caught == SIGINT ? "SIGINT" : "SIGTERM")"])
            server.stop()
        }
        guard stopper == 0 else {
            server.stop()
            server.wait()
            throw ExitCode.failure
        }
        server.wait()
    }

    /// A relay: the page and the websocket, with every session followed from Redis. Its hub needs a
    /// store to open, never written: one in memory, so nothing is left on disk.
    func runRelay(_ redis: RedisEndpoint, logger: Logger) throws {
        let store = try EventStore.inMemory()
        let hub = SessionHub(store: store, logger: logger, transcripts: .export)
        hub.publicURL = publicURL
        let signals = blockStopSignals()
        let configuration = transportConfiguration()
        let server = WebSocketServer(configuration: configuration, delegate: hub, logger: logger)
        hub.attach(server)
        hub.useRedis(redis, as: .relay)
        do { try server.start() } catch {
            printError("Cannot listen on \(host ?? "*"):\(port): \(error)")
            throw ExitCode.failure
        }
        let base = JoinLink.base(publicURL: publicURL, host: host, tls: configuration.tls != nil, port: server.port)
        FileHandle.standardOutput.write(Data("atelier relay serving on \(base)/ (following \(redis))\nStop with Ctrl-C.\n".utf8))
        try serveUntilSignalled(server, signals: signals, logger: logger)
        try store.close()
        logger.notice("stopped")
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

extension TranscriptRenderer {
    /// The organiser's export, as `atelier export` writes it: the server's downloads and
    /// `transcript` messages, and the participants' summary without names nor organisations.
    static let export = TranscriptRenderer(
        formats: TranscriptFormat.allCases.map(\.rawValue), summaryFormats: [TranscriptFormat.html, .md].map(\.rawValue),
        summaryLanguages: Transcript.languages
    ) { state, name, audience in
        guard let format = TranscriptFormat(rawValue: name) else {
            preconditionFailure("the hub asks only for the formats the renderer lists")
        }
        let options = switch audience {
        case .organisers: TranscriptOptions()
        case .participants(let language): TranscriptOptions(names: false, organisations: false, language: language)
        }
        return TranscriptExporter.render(state: state, format: format, options: options).map { file in
            ServerMessage.TranscriptFile(name: file.fileName, mediaType: file.mediaType, text: String(decoding: file.bytes, as: UTF8.self))
        }
    }
}
