import AtelierCore
import AtelierExport
import AtelierServer
import AtelierStore
import AtelierWire
import ArgumentParser

/// `atelier simulate`: runs a whole scripted session of a workshop and records it.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run a scripted session of a workshop through the rules and record it in the database.")

    @Option(help: "Workshop file to run.", completion: .file(extensions: ["json"]))
    var workshop: String = Defaults.workshop

    @Option(help: "SQLite database to record into (default: $ATELIER_DB or ~/.local/share/atelier/atelier.db).")
    var db: String = Defaults.database

    @Option(help: "How many participants join, besides the moderator.")
    var participants: Int = 12

    @Option(help: "Seed for random room assignment.")
    var seed: UInt64 = 1

    @Option(help: "Join code to use instead of a random one (for a reproducible sample session).")
    var joinCode: String?

    @Option(help: "Session id to use instead of a random one (for a reproducible sample session).")
    var sessionID: String?

    @Flag(help: "After the end, the moderator writes the synthesis: introduction, findings, quotes, addressees, a reservation, conclusion.")
    var curate = false

    func validate() throws {
        guard (1...500).contains(participants) else {
            throw ValidationError("--participants must be between 1 and 500.")
        }
    }

    func run() throws {
        let definition: WorkshopDefinition
        do { definition = try WorkshopFile.load(path: workshop) } catch {
            printError(error.description)
            throw ExitCode.failure
        }
        let time = WorkshopClock(definition)
        let start = time.plannedStart(of: definition) ?? Timestamp(milliseconds: 0)
        let store = try EventStore(path: db)
        let created = try SessionFactory.create(
            workshop: definition, in: store, at: start, joinCode: joinCode, id: sessionID)
        let id = created.record.id
        print("Session \(id) of \(WorkshopSummary(definition))")
        print("Join code \(created.record.joinCode) · moderator key \(created.moderatorKey) · database \(db)")

        var sequence = Int64(created.events.count)
        var slots: [SlotID: WorkshopDefinition.AgendaSlot] = [:]
        for slot in definition.agenda { slots[slot.id] = slot }
        let script = ScriptedSession(workshop: definition, participants: participants, start: start, curate: curate)
        let final = try script.run(from: created.state, seed: seed) { step, events in
            guard !events.isEmpty else { return }
            let records = try events.map { event in
                sequence += 1
                return try EventRecord(
                    event: event, session: id, sequence: sequence, at: step.at, actor: step.actor.participantID)
            }
            try store.append(records)
            for case let .slotStarted(slot, at, _) in events {
                let planned = slots[slot]?.start.map { " (planned \($0))" } ?? ""
                print("  \(time.clock(at))\(planned)  \(slots[slot]?.title.text(in: definition.primaryLanguage) ?? slot)")
            }
        }
        let replayed = try store.replay(session: id)
        print("Recorded \(sequence) events: \(final.activeParticipants.count) people, \(final.notes.count) notes, "
            + "\(final.comments.count) comments, \(final.voteOrder.count) votes, \(final.promoted.count) plenary items, "
            + "\(final.recommendations.count) recommendations" + (curate ? ", \(final.findings.count) themes' findings, "
                + "\(final.featuredQuotes.count) quotes, \(final.reservations.count) reservation\(final.reservations.count == 1 ? "" : "s")." : "."))
        print(replayed == final ? "Replaying the log gives the same state." : "Replaying the log gives a different state!")
        if replayed != final { throw ExitCode.failure }
    }
}
