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

@Suite struct OnceKeyTests {
    @Test func aKeyIsOneToSixtyFourLettersDigitsDashesUnderscoresOrDots() throws {
        #expect(try refusal(#"{"id": 1, "command": {"leave": {}}, "once": "A.b_c-9"}"#) == nil)
        #expect(try refusal(#"{"id": 1, "command": {"leave": {}}, "once": "\#(String(repeating: "k", count: 64))"}"#) == nil)
        for bad in ["", String(repeating: "k", count: 65), "a b", "clé", "a/b"] {
            let error = try #require(try refusal(#"{"id": 2, "command": {"leave": {}}, "once": "\#(bad)"}"#), "\(bad)")
            #expect(error.code == .wire(.invalidValue) && error.path == "once" && error.id == 2)
        }
    }

    @Test func aKeyGoesWithACommandOnly() throws {
        let error = try #require(try refusal(#"{"id": 3, "preview": {"code": "K7M2QX"}, "once": "k"}"#))
        #expect(error.code == .wire(.invalidValue) && error.path == "once" && error.message.contains("command only"))
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
        .join(JoinRequest(code: "K7M2QX", name: "Chloé", role: "citoyen", language: "fr", compress: .deflateRaw)),
        .moderate(ModerateRequest(code: "K7M2QX", key: "secret", name: "Mod", compress: .deflateRaw)),
        .rejoin(RejoinRequest(code: "K7M2QX", token: "9f0c", after: 12, compress: .deflateRaw)),
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

    @Test func aCommandsOnceKeyReadsBackBesideIt() throws {
        let message = ClientMessage(id: 8, .command(.leave), once: "lq3v2k-4f9x1a")
        let written = try WireEncoder().encode(message)
        #expect(written["once"] == .string("lq3v2k-4f9x1a"))
        #expect(try ClientMessage.read(written) == message)
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
