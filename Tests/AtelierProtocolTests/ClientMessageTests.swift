@testable import AtelierProtocol
import AtelierWire
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
        #expect(error == ClientMessage.ReadError(id: 7, code: .wire(.unknownField), path: "priority", message: "unknown field"))
    }

    @Test func aMessageOfNoKnownKindOrOfTwoKindsIsABadMessage() throws {
        let unknownKind = try #require(try refusal(#"{"id": 4, "dance": {}}"#))
        #expect(unknownKind.code == .protocol(.protocolBadMessage) && unknownKind.path == "dance")
        let twoKinds = try #require(try refusal(#"{"id": 5, "ping": {}, "preview": {"code": "X"}}"#))
        #expect(twoKinds.code == .protocol(.protocolBadMessage) && twoKinds.path == "")
        #expect(try refusal(#"{"id": 6}"#)?.code == .protocol(.protocolBadMessage))
    }
}

/// What clients send and the server reads: each kind, written by a client's encoder, reads back the same.
@Suite struct ClientMessageRoundTripTests {
    static let bodies: [ClientMessage.Body] = [
        .join(JoinRequest(code: "K7M2QX", name: "Anne", role: "elu", organisation: "Ville de Liège", language: "fr")),
        .join(JoinRequest(code: "K7M2QX", name: "Bert", role: "citoyen", language: "nl")),
        .moderate(ModerateRequest(code: "K7M2QX", key: "secret", name: "Mod", language: "fr")),
        .moderate(ModerateRequest(code: "K7M2QX", key: "secret", name: "Mod")),
        .rejoin(RejoinRequest(code: "K7M2QX", token: "9f0c", after: 57)),
        .rejoin(RejoinRequest(code: "K7M2QX", token: "9f0c")),
        .command(.addNote(board: nil, prompt: "pilotes", text: "Un budget participatif jeunesse", colour: .green, anonymous: nil)),
        .command(.leave),
        .preview(PreviewRequest(code: "K7M2QX")),
        .transcript(TranscriptRequest(format: "md")),
        .ping,
    ]

    @Test func everyClientMessageReadsBackAsTheMessageTheClientWrote() throws {
        for (index, body) in Self.bodies.enumerated() {
            let message = ClientMessage(id: Int64(index + 1), body)
            let written = try WireEncoder().encode(message)
            #expect(try ClientMessage.read(written) == message, "\(written.serialized())")
        }
    }

    @Test func theSamplesCoverEveryKindOfClientMessage() throws {
        let written = try Self.bodies.map { try WireEncoder().encode(ClientMessage(id: 1, $0)) }
        let kinds = written.compactMap { value -> String? in
            guard case .object(let object) = value else { return nil }
            return object.keys.first { $0 != "id" }
        }
        #expect(Set(kinds) == Set(ClientMessage.kinds))
    }
}
