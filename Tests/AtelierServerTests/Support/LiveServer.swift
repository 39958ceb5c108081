import AtelierClient
import AtelierCore
import AtelierLWS
import AtelierServer
import AtelierStore
import AtelierWire
@testable import atelier
import Foundation
import Logging
import Synchronization

/// A small workshop for protocol tests: a plenary with a question, a breakout in two rooms
/// assigned by the moderator, a synthesis that moves on by itself, a closing plenary.
let testWorkshopJSON = """
    {"format": 1, "id": "essai", "title": {"fr": "Atelier d'essai", "en": "Trial workshop"},
     "organiser": "Ville test", "date": "2026-11-21", "timezone": "Europe/Brussels", "languages": ["fr", "en"],
     "roles": [{"id": "elu", "label": "Élu·e"}, {"id": "citoyen", "label": "Citoyen·ne"}],
     "rooms": [{"id": "mobilite", "theme": "Mobilité"}, {"id": "logement", "theme": "Logement"}],
     "prompts": [{"id": "pistes", "text": "Pistes d'action"}],
     "agenda": [
       {"id": "accueil", "title": "Accueil", "minutes": 10, "kind": "plenary",
        "prompts": [{"id": "attentes", "text": "Vos attentes"}]},
       {"id": "ateliers", "title": "Ateliers", "minutes": 30, "kind": "breakout"},
       {"id": "synthese", "title": "Synthèse", "minutes": 20, "kind": "synthesis", "onTimeUp": "advance",
        "prompts": [{"id": "idees", "text": "Idées"}]},
       {"id": "cloture", "title": "Clôture", "minutes": 5, "kind": "plenary"}],
     "voting": {"dotsPerPerson": 3, "maxDotsPerNote": 2, "hiddenUntilReveal": true},
     "assignment": "moderator"}
    """

let testWorkshop: WorkshopDefinition = {
    do { return try WorkshopFile.decode(Array(testWorkshopJSON.utf8), file: "essai.json") } catch {
        fatalError("test workshop: \(error)")
    }
}()

/// A clock the tests can move forward, on top of the real one, or stopped (`frozen`) so that only
/// `advance` moves it.
final class TestClock: Sendable {
    private let offset = Mutex<Int64>(0)
    private let frozenAt: Timestamp?

    init(frozen: Bool = false) { frozenAt = frozen ? SessionHub.wallClock() : nil }

    func advance(seconds: Int64) { offset.withLock { $0 += seconds * 1000 } }
    var now: Timestamp { (frozenAt ?? SessionHub.wallClock()).adding(milliseconds: offset.withLock { $0 }) }
}

/// A real server on an ephemeral port with one session of `workshop`, over a temporary database.
final class LiveServer {
    let databasePath: String
    let store: EventStore
    let hub: SessionHub
    let server: WebSocketServer
    let clock: TestClock
    let code: String
    let moderatorKey: String
    let sessionID: SessionID

    static let logger: Logger = {
        var logger = Logger(label: "atelier.server.tests")
        logger.logLevel = .critical
        return logger
    }()

    /// Starts a server; with `database` it serves what that database holds instead of creating a session
    /// (`moderatorKey` is then that session's key, when the test knows it).
    /// `configure` adjusts the transport settings (loopback, ephemeral port) before the server starts.
    init(workshop: WorkshopDefinition = testWorkshop, database: String? = nil, moderatorKey: String = "",
         options: SessionHub.Options = .init(), publicURL: String? = nil,
         clock: TestClock = TestClock(), configure: (inout ServerConfiguration) -> Void = { _ in }) throws {
        databasePath = database ?? NSTemporaryDirectory() + "atelier-server-\(UUID().uuidString).db"
        store = try EventStore(path: databasePath)
        self.clock = clock
        hub = SessionHub(store: store, options: options, logger: Self.logger, transcripts: .export, clock: { clock.now })
        hub.publicURL = publicURL
        let loaded = try hub.loadSessions()
        if database == nil {
            let created = try hub.createSession(workshop: workshop)
            (code, self.moderatorKey, sessionID) = (created.record.joinCode, created.moderatorKey, created.record.id)
        } else {
            // An ended session is not loaded at start; the first message naming its code serves it.
            guard let record = try loaded.first ?? store.sessions().first else {
                throw StoreError(.unknownSession, "nothing to resume")
            }
            (code, self.moderatorKey, sessionID) = (record.joinCode, moderatorKey, record.id)
        }
        var configuration = ServerConfiguration(host: "127.0.0.1", port: 0, grouping: .events)
        configure(&configuration)
        server = WebSocketServer(configuration: configuration, delegate: hub, logger: Self.logger)
        hub.attach(server)
        try server.start()
    }

    var url: String { "ws://127.0.0.1:\(server.port)/ws" }

    /// Stops the server and closes the database (the file stays for a restart).
    func stop() {
        server.stop()
        server.wait()
        try? store.close()
    }

    /// Moves the clock and lets the server re-read it.
    func advance(seconds: Int64) {
        clock.advance(seconds: seconds)
        hub.clockChanged()
    }

    deinit {
        server.stop()
        server.wait()
    }
}
