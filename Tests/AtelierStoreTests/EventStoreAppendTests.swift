import Foundation
import GRDB
import Testing
import AtelierStore

/// Appending events: ordering, batches across sessions, sequence rules, payload and append-only checks.
@Suite struct EventStoreAppendTests {
    /// Opens a store with sessions `a` and `b` already created, `a` holding events 1...3.
    private func withTwoSessions(_ body: (EventStore, String) throws -> Void) throws {
        try withTemporaryFolder { folder throws in
            let path = folder.appendingPathComponent("atelier.db").path
            let store = try EventStore(path: path)
            try store.createSession(Fixture.session("a"), firstEvents: Fixture.events("a", 1...3))
            try store.createSession(Fixture.session("b"), firstEvents: [])
            try body(store, path)
        }
    }

    @Test func appendedEventsReadBackInSequenceOrder() throws {
        try withTwoSessions { store, _ throws in
            try store.append(Fixture.events("a", 4...6))
            try store.append([Fixture.event("a", 7)])

            #expect(try store.events(of: "a") == Fixture.events("a", 1...7))
            #expect(try store.lastSequence(of: "a") == 7)
        }
    }

    @Test func oneBatchCanSpanSessionsAndCommitsTogether() throws {
        try withTwoSessions { store, _ throws in
            let batch = [Fixture.event("b", 1), Fixture.event("a", 4), Fixture.event("b", 2), Fixture.event("a", 5)]
            try store.append(batch)

            #expect(try store.events(of: "a") == Fixture.events("a", 1...5))
            #expect(try store.events(of: "b") == Fixture.events("b", 1...2))
        }
    }

    @Test(arguments: ["a", "b"])
    func aFailingSessionInABatchKeepsTheOtherSessionsEventsOut(failingSession: String) throws {
        try withTwoSessions { store, _ throws in
            let valid = failingSession == "a" ? Fixture.events("b", 1...2) : Fixture.events("a", 4...5)
            let gap = failingSession == "a" ? Fixture.event("a", 5) : Fixture.event("b", 2)

            let error = #expect(throws: StoreError.self) { try store.append(valid + [gap]) }
            #expect(error?.code == .sequenceGap)
            #expect(try store.lastSequence(of: "a") == 3)
            #expect(try store.lastSequence(of: "b") == 0)
        }
    }

    @Test func aGapInSequencesIsRejectedAndNothingIsWritten() throws {
        try withTwoSessions { store, _ throws in
            let error = #expect(throws: StoreError.self) {
                try store.append([Fixture.event("a", 4), Fixture.event("a", 6)])
            }
            #expect(error?.code == .sequenceGap)
            #expect(error?.sqliteCode == nil)
            #expect(try store.lastSequence(of: "a") == 3)
        }
    }

    @Test func aFirstEventMustBeSequenceOne() throws {
        try withTwoSessions { store, _ throws in
            let error = #expect(throws: StoreError.self) { try store.append([Fixture.event("b", 2)]) }
            #expect(error?.code == .sequenceGap)
            #expect(try store.events(of: "b").isEmpty)
        }
    }

    @Test func aStoredSequenceIsRejectedAsDuplicateAndNothingIsWritten() throws {
        try withTwoSessions { store, _ throws in
            let error = #expect(throws: StoreError.self) {
                try store.append([Fixture.event("b", 1), Fixture.event("a", 3)])
            }
            #expect(error?.code == .duplicateSequence)
            #expect(try store.events(of: "a") == Fixture.events("a", 1...3))
            #expect(try store.events(of: "b").isEmpty)
        }
    }

    @Test func aSequenceRepeatedWithinTheBatchIsRejectedAsDuplicate() throws {
        try withTwoSessions { store, _ throws in
            let error = #expect(throws: StoreError.self) {
                try store.append([Fixture.event("a", 4), Fixture.event("a", 4)])
            }
            #expect(error?.code == .duplicateSequence)
            #expect(try store.lastSequence(of: "a") == 3)
        }
    }

    @Test func eventsOfAnUnknownSessionAreRejected() throws {
        try withTwoSessions { store, _ throws in
            let error = #expect(throws: StoreError.self) {
                try store.append([Fixture.event("a", 4), Fixture.event("ghost", 1)])
            }
            #expect(error?.code == .unknownSession)
            #expect(try store.lastSequence(of: "a") == 3)
        }
    }

    @Test func aPayloadThatIsNotJSONIsRefusedAndNothingIsWritten() throws {
        try withTwoSessions { store, _ throws in
            let batch = [Fixture.event("a", 4), Fixture.event("a", 5, payload: "{not json")]

            let error = #expect(throws: StoreError.self) { try store.append(batch) }
            #expect(error?.code == .invalidPayload)
            #expect(error?.sqliteCode == ResultCode.SQLITE_CONSTRAINT_CHECK.rawValue)
            #expect(try store.lastSequence(of: "a") == 3)
        }
    }

    @Test func anEmptyBatchIsANoOp() throws {
        try withTwoSessions { store, _ throws in
            try store.append([])
            #expect(try store.lastSequence(of: "a") == 3)
        }
    }

    @Test func storedEventsCannotBeUpdated() throws {
        try withTwoSessions { store, path throws in
            let error = #expect(throws: DatabaseError.self) {
                try tamper(path) { try $0.execute(sql: "UPDATE events SET payload = '{}' WHERE session_id = 'a'") }
            }
            #expect(error?.extendedResultCode == .SQLITE_CONSTRAINT_TRIGGER)
            #expect(error?.message == "events are append-only")
            #expect(try store.events(of: "a") == Fixture.events("a", 1...3))
        }
    }

    @Test func storedEventsCannotBeDeleted() throws {
        try withTwoSessions { store, path throws in
            let error = #expect(throws: DatabaseError.self) {
                try tamper(path) { try $0.execute(sql: "DELETE FROM events WHERE session_id = 'a' AND seq = 3") }
            }
            #expect(error?.extendedResultCode == .SQLITE_CONSTRAINT_TRIGGER)
            #expect(error?.message == "events are append-only")
            #expect(try store.events(of: "a") == Fixture.events("a", 1...3))
        }
    }
}
