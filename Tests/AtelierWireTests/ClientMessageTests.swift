@testable import AtelierWire
import Testing

/// The refusal of a frame, or nil when it reads as a message.
private func refusal(_ text: String) throws -> ClientMessage.ReadError? {
    do {
        _ = try ClientMessage.read(try JSONValue.parse(text))
        return nil
    } catch let error as ClientMessage.ReadError {
        return error
    }
}

@Suite struct ClientMessageTests {
    @Test func aMemberBesideTheMessagesKindIsAnUnknownFieldAtItsPath() throws {
        let error = try #require(try refusal(#"{"id": 7, "ping": {}, "priority": 1}"#))
        #expect(error == ClientMessage.ReadError(id: 7, code: "field.unknown", path: "priority", message: "unknown field"))
    }

    @Test func aMessageOfNoKnownKindOrOfTwoKindsIsABadMessage() throws {
        let unknownKind = try #require(try refusal(#"{"id": 4, "dance": {}}"#))
        #expect(unknownKind.code == "protocol.badMessage" && unknownKind.path == "dance")
        let twoKinds = try #require(try refusal(#"{"id": 5, "ping": {}, "preview": {"code": "X"}}"#))
        #expect(twoKinds.code == "protocol.badMessage" && twoKinds.path == "")
        #expect(try refusal(#"{"id": 6}"#)?.code == "protocol.badMessage")
    }
}
