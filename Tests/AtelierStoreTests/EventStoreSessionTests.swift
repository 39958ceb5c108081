import Foundation
import Testing
import AtelierStore

/// Creating and finding sessions, and paging through their events.
@Suite struct EventStoreSessionTests {
    /// Opens an empty store in a temporary folder.
    private func withStore(_ body: (EventStore) throws -> Void) throws {
        try withTemporaryFolder { folder throws in
            try body(try EventStore(path: folder.appendingPathComponent("atelier.db").path))
        }
    }

    @Test func aCreatedSessionIsFoundByIdAndJoinCode() throws {
        try withStore { store throws in
            let session = Fixture.session("s1", joinCode: "KX7P")
            try store.createSession(session, firstEvents: Fixture.events("s1", 1...2))

            #expect(try store.session(id: "s1") == session)
            #expect(try store.session(joinCode: "KX7P") == session)
            #expect(try store.isJoinCodeTaken("KX7P"))
            #expect(try store.events(of: "s1") == Fixture.events("s1", 1...2))
        }
    }

    @Test func unknownSessionsAndCodesReadAsAbsent() throws {
        try withStore { store throws in
            #expect(try store.session(id: "nope") == nil)
            #expect(try store.session(joinCode: "NOPE") == nil)
            #expect(try !store.isJoinCodeTaken("NOPE"))
            #expect(try store.events(of: "nope").isEmpty)
            #expect(try store.lastSequence(of: "nope") == 0)
        }
    }

    @Test func aJoinCodeCanBelongToOneSessionOnly() throws {
        try withStore { store throws in
            try store.createSession(Fixture.session("s1", joinCode: "KX7P"), firstEvents: [])

            let error = #expect(throws: StoreError.self) {
                try store.createSession(Fixture.session("s2", joinCode: "KX7P"), firstEvents: Fixture.events("s2", 1...1))
            }
            #expect(error?.code == .joinCodeTaken)
            #expect(try store.session(id: "s2") == nil)
            #expect(try store.events(of: "s2").isEmpty)
        }
    }

    @Test func aSessionIdentifierCanBeCreatedOnce() throws {
        try withStore { store throws in
            try store.createSession(Fixture.session("s1"), firstEvents: [])

            let error = #expect(throws: StoreError.self) {
                try store.createSession(Fixture.session("s1", joinCode: "OTHER"), firstEvents: [])
            }
            #expect(error?.code == .duplicateSession)
            #expect(try store.sessions() == [Fixture.session("s1")])
        }
    }

    @Test func firstEventsMustBelongToTheNewSession() throws {
        try withStore { store throws in
            try store.createSession(Fixture.session("s1"), firstEvents: [])

            let error = #expect(throws: StoreError.self) {
                try store.createSession(Fixture.session("s2"), firstEvents: [Fixture.event("s2", 1), Fixture.event("s1", 1)])
            }
            #expect(error?.code == .invalidBatch)
            #expect(try store.session(id: "s2") == nil)
            #expect(try store.events(of: "s1").isEmpty)
        }
    }

    @Test func aSessionWithInvalidFirstEventsIsNotStored() throws {
        try withStore { store throws in
            let error = #expect(throws: StoreError.self) {
                try store.createSession(Fixture.session("s1"), firstEvents: [Fixture.event("s1", 2)])
            }
            #expect(error?.code == .sequenceGap)
            #expect(try store.sessions().isEmpty)
            #expect(try !store.isJoinCodeTaken(Fixture.session("s1").joinCode))
        }
    }

    @Test func sessionsAreListedOldestFirst() throws {
        try withStore { store throws in
            try store.createSession(Fixture.session("late", createdAt: 3_000), firstEvents: [])
            try store.createSession(Fixture.session("early", createdAt: 1_000), firstEvents: [])
            try store.createSession(Fixture.session("middle", createdAt: 2_000), firstEvents: [])

            #expect(try store.sessions().map(\.id) == ["early", "middle", "late"])
        }
    }

    @Test func eventsPageAfterASequence() throws {
        try withStore { store throws in
            try store.createSession(Fixture.session("s1"), firstEvents: Fixture.events("s1", 1...10))
            try store.createSession(Fixture.session("s2"), firstEvents: Fixture.events("s2", 1...4))

            #expect(try store.events(of: "s1", after: 7) == Fixture.events("s1", 8...10))
            #expect(try store.events(of: "s1", after: 2, limit: 3) == Fixture.events("s1", 3...5))
            #expect(try store.events(of: "s1", after: 0, limit: 0).isEmpty)
            #expect(try store.events(of: "s1", after: 10).isEmpty)
            #expect(try store.events(of: "s2", after: 3) == [Fixture.event("s2", 4)])
        }
    }
}
