import AtelierCore
import AtelierExport
import AtelierStore
import AtelierWire
import Foundation
import Testing

/// The deterministic session every export test works on: the scripted run of a small trilingual
/// workshop (`Fixtures/atelier-test.json`: two rooms, a survey with pre-filled options, a synthesis).
/// Its six participants hold three roles, two each, so the workshop shows roles of two people alone.
enum ExportFixture {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let sessionID = "s-export-test"
    static let joinCode = "GOLDEN"
    /// 09:00 in Brussels on the workshop's date, its first slot's planned start.
    static let start = Timestamp(milliseconds: 1_611_216_000_000)
    static let participants = 6

    static func workshop() throws -> WorkshopDefinition {
        try WorkshopFile.load(path: folder.appendingPathComponent("Fixtures/atelier-test.json").path)
    }

    /// The session's creation events, with the workshop's smallest role shown alone set when given.
    static func creation(minimumRoleGroup: Int? = nil) throws -> [Event] {
        var workshop = try workshop()
        if let minimumRoleGroup { workshop.minimumRoleGroup = minimumRoleGroup }
        return try SessionEngine.create(id: sessionID, joinCode: joinCode, workshop: workshop, at: start)
    }

    /// The final state of the scripted session, handing every decision's events to `record` as it goes.
    static func state(record: (ScriptedSession.Step, [Event]) throws -> Void = { _, _ in }) throws -> SessionState {
        let initial = try #require(SessionState(replaying: creation()))
        return try ScriptedSession(workshop: workshop(), participants: participants, start: start)
            .run(from: initial, record: record)
    }

    /// The scripted session recorded in `store` the way the server records one; returns the live state.
    static func record(in store: EventStore) throws -> SessionState {
        let created = try creation().enumerated().map { offset, event in
            try EventRecord(event: event, session: sessionID, sequence: Int64(offset + 1), at: start, actor: nil)
        }
        try store.createSession(
            SessionRecord(id: sessionID, joinCode: joinCode, workshopID: "atelier-test", title: "atelier-test",
                          createdAt: start.milliseconds, moderatorKeyHash: "hash", moderatorKeySalt: "salt"),
            firstEvents: created)
        var sequence = Int64(created.count)
        return try state { step, events in
            try store.append(events.map { event in
                sequence += 1
                return try EventRecord(
                    event: event, session: sessionID, sequence: sequence, at: step.at, actor: step.actor.participantID)
            })
        }
    }

    /// Every file of every format, for checks that must hold across all of them.
    static func allFiles(of state: SessionState, options: TranscriptOptions = TranscriptOptions()) -> [TranscriptFile] {
        TranscriptFormat.allCases.flatMap { TranscriptExporter.render(state: state, format: $0, options: options) }
    }
}

/// Runs `body` with a fresh folder that is removed afterwards.
func withTemporaryFolder<T>(_ body: (URL) throws -> T) throws -> T {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("atelier-export-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    return try body(folder)
}

extension TranscriptFile {
    /// The file's contents as text.
    var text: String { String(decoding: bytes, as: UTF8.self) }
}

extension SessionState {
    /// The state once its moderator has done `commands`, each decided by the rules and applied in turn.
    func curated(_ commands: [Command]) throws -> SessionState {
        let moderator = try #require(participants.values.first { $0.isModerator })
        var state = self
        var context = DecisionContext(now: ExportFixture.start, random: SplitMix64(seed: 1))
        for command in commands {
            for event in try SessionEngine.decide(command, by: .participant(moderator.id), in: state, context: &context) {
                state.apply(event)
            }
        }
        return state
    }
}
