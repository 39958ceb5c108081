import AtelierCore
import AtelierProtocol
import AtelierWire
import Foundation
import Testing

/// One message of each kind and shape the server sends, as it fills them in.
enum ServerMessageSamples {
    static let noteAdded = ServerMessage.EventMessage(
        seq: 58, at: Timestamp(milliseconds: 1_763_712_000_120),
        event: .noteAdded(
            id: "n9", board: BoardID(slot: "ateliers", room: "mobilite"), prompt: "pistes", author: "p4",
            text: "Un budget participatif jeunesse", colour: .green, anonymous: false, at: Timestamp(milliseconds: 1_763_712_000_120)))
    static let revealed = ServerMessage.EventMessage(
        seq: 90, at: Timestamp(milliseconds: 1_763_712_000_500), event: .voteRevealed(id: "v1", at: Timestamp(milliseconds: 1_763_712_000_500)),
        results: [RankedItem(item: "n4", dots: 7, rank: 1), RankedItem(item: "n9", dots: 7, rank: 1)])
    static let roomsClosed = ServerMessage.EventMessage(
        seq: 97, at: Timestamp(milliseconds: 1_763_712_000_900),
        event: .roomsClosed(slot: "ateliers", at: Timestamp(milliseconds: 1_763_712_000_900)),
        revealed: [RevealedRanking(vote: "v1", results: [RankedItem(item: "n9", dots: 12, rank: 1)])])
    static let now = Timestamp(milliseconds: 1_763_712_000_123)

    static func preview() throws -> ServerMessage.Preview {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Workshops/befus-25-ans.json").path
        return ServerMessage.Preview(code: "K7M2QX", workshop: try WorkshopFile.load(path: path))
    }

    static func all() throws -> [(name: String, message: ServerMessage)] {
        [
            ("ping's ack", .ack(.init(id: 1, now: now))),
            ("command's ack", .ack(.init(id: 2, now: now, seq: 58))),
            ("join's ack", .ack(.init(id: 3, now: now, welcome: .init(
                session: "s4k7m2qxabcde", code: "K7M2QX", participant: "p4", moderator: false, token: "9f0c", reset: true)))),
            ("rejoin's ack", .ack(.init(id: 4, now: now, welcome: .init(
                session: "s4k7m2qxabcde", code: "K7M2QX", participant: "p4", moderator: true, reset: false)))),
            ("preview's ack", .ack(.init(id: 5, now: now, preview: try preview()))),
            ("transcript's ack", .ack(.init(id: 6, now: now, transcriptParts: 12))),
            ("refusal of the rules", .error(.init(
                id: 7, code: .refusal(.voteBudgetExhausted), message: "You have no dots left in this round.", now: now))),
            ("error of the protocol", .error(.init(
                id: 9, code: .protocol(.rateLimited), message: "Too many messages; slow down and send this again.", now: now))),
            ("error with a path", .error(.init(id: 8, code: .wire(.missingField), message: "missing", path: "command.addNote.text", now: now))),
            ("error of an unreadable message", .error(.init(id: nil, code: .wire(.syntax), message: "Bad JSON.", now: now))),
            ("event", .event(noteAdded)),
            ("event with results", .event(revealed)),
            ("rooms closed with the whole rankings", .event(roomsClosed)),
            ("events", .events([noteAdded, revealed])),
            ("synced", .synced(seq: 58, now: now)),
            ("transcript part", .transcriptPart(.init(
                transcriptPart: 9, index: 0, total: 12, name: "befus-25-ans-K7M2QX.md",
                mediaType: "text/markdown; charset=utf-8", text: "# Les 25 ans \"du\" BeFUS\n"))),
        ]
    }
}

@Suite struct ServerMessageTests {
    @Test func everyServerMessageReadsBackAsTheMessageTheServerWrote() throws {
        for (name, message) in try ServerMessageSamples.all() {
            let text = String(decoding: message.serializedBytes(), as: UTF8.self)
            #expect(try ServerMessage.parse(text) == message, "\(name): \(text)")
        }
    }

    @Test func everyServerMessageIsWrittenWithItsKindsKeyFirst() throws {
        let samples = try ServerMessageSamples.all()
        for (name, message) in samples {
            guard case .object(let object) = try JSONValue.parse(message.serializedBytes()) else {
                Issue.record("\(name) is not an object")
                continue
            }
            #expect(object.keys.first == message.kind.rawValue, "\(name)")
        }
        #expect(Set(samples.map(\.message.kind)) == Set(ServerMessage.Kind.allCases))
    }

    @Test func anEventsMessageIsItsEventMessagesJoinedInTheEnvelope() throws {
        let messages = [ServerMessageSamples.noteAdded, ServerMessageSamples.revealed]
        let joined = EventsEnvelope.join(messages.map { $0.serializedBytes() })
        #expect(joined == ServerMessage.events(messages).serializedBytes())
        #expect(joined.starts(with: Array(#"{"events":[{"seq":58,"#.utf8)))
        #expect(EventsEnvelope.join([[UInt8]]()) == Array(#"{"events":[]}"#.utf8))
    }

    @Test func aTranscriptIsCutBetweenCharactersAndItsPartsMakeTheFilesAgain() throws {
        let long = String(repeating: "é", count: ServerMessage.TranscriptPart.textBytes)
        let files = [
            ServerMessage.TranscriptFile(name: "a-notes.csv", mediaType: "text/csv; charset=utf-8", text: long),
            ServerMessage.TranscriptFile(name: "a-votes.csv", mediaType: "text/csv; charset=utf-8", text: ""),
        ]
        let parts = ServerMessage.TranscriptPart.parts(answering: 4, files: files)
        #expect(parts.map(\.name) == ["a-notes.csv", "a-notes.csv", "a-votes.csv"])
        #expect(parts.allSatisfy { $0.transcriptPart == 4 && $0.total == 3 && $0.text.utf8.count <= ServerMessage.TranscriptPart.textBytes })
        #expect(ServerMessage.TranscriptPart.files(from: parts, expected: 3) == files)
    }
}
