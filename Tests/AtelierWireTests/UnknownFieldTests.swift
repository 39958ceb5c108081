import Testing
import AtelierWire

@Suite struct UnknownFieldTests {
    static let misspelt = """
        {
          "title": "Atelier", "capacity": {}, "format": "online",
          "agenda": [
            {"title": "Accueil", "minutes": 10},
            {"title": "Idées", "minutes": 25},
            {"title": "Pause", "minuts": 15, "minutes": 15}
          ]
        }
        """

    @Test func unknownMembersAreIgnoredByDefault() throws {
        #expect(try WireDecoder().decode(Workshop.self, fromJSON: Self.misspelt).agenda[2].minutes == 15)
    }

    @Test func unknownMembersInsideArraysAreReportedWithTheirPath() {
        expectDecodeError(Workshop.self, Self.misspelt, WireError(
            code: .unknownField, path: "agenda[2].minuts", message: "unknown field", line: 6, column: 24),
            rejectUnknownKeys: true)
    }

    @Test func unknownTopLevelMembersAreReported() {
        expectDecodeError(Session.self, #"{"title": "t", "minutes": 1, "room": "B"}"#, WireError(
            code: .unknownField, path: "room", message: "unknown field", line: 1, column: 30), rejectUnknownKeys: true)
    }

    @Test func unknownMembersOfNestedObjectsAreReported() {
        struct Outer: Decodable { var inner: Session }
        expectDecodeError(Outer.self, #"{"inner": {"title": "t", "minutes": 1, "x": 0}}"#, WireError(
            code: .unknownField, path: "inner.x", message: "unknown field", line: 1, column: 40), rejectUnknownKeys: true)
    }

    @Test func absentOptionalsAndNullsAreNotUnknown() throws {
        let decoder = WireDecoder(rejectUnknownKeys: true)
        #expect(try decoder.decode(Session.self, fromJSON: #"{"title": "t", "minutes": 1, "speaker": null}"#).speaker == nil)
    }

    @Test func dictionariesConsultAllTheirMembers() throws {
        let decoder = WireDecoder(rejectUnknownKeys: true)
        #expect(try decoder.decode([String: Int].self, fromJSON: #"{"a": 1, "b": 2}"#) == ["a": 1, "b": 2])
    }

    @Test func membersCheckedWithContainsAreKnown() throws {
        struct Flagged: Decodable {
            var flagged: Bool
            private enum CodingKeys: String, CodingKey { case flag }
            init(from decoder: any Decoder) throws {
                flagged = try decoder.container(keyedBy: CodingKeys.self).contains(.flag)
            }
        }
        #expect(try WireDecoder(rejectUnknownKeys: true).decode(Flagged.self, fromJSON: #"{"flag": "anything"}"#).flagged)
    }

    @Test func jsonValueMembersTakeTheirWholeSubtree() throws {
        struct Envelope: Decodable { var payload: JSONValue }
        let decoded = try WireDecoder(rejectUnknownKeys: true).decode(Envelope.self, fromJSON: #"{"payload": {"any": {"thing": 1}}}"#)
        #expect(decoded.payload == ["any": ["thing": 1]])
    }

    @Test func aMemberBesideAnEnumCaseIsUnknown() {
        expectDecodeError(Command.self, #"{"clear": {}, "extra": 1}"#, WireError(
            code: .unknownField, path: "extra", message: "unknown field", line: 1, column: 15), rejectUnknownKeys: true)
    }

    @Test func unknownMembersOfEnumPayloadsAreReported() {
        expectDecodeError(Command.self, #"{"addNote": {"board": "b", "text": "t", "colour": "red"}}"#, WireError(
            code: .unknownField, path: "addNote.colour", message: "unknown field", line: 1, column: 41),
            rejectUnknownKeys: true)
    }

    @Test func membersReadByAnyPassOverTheSameObjectAreKnown() throws {
        struct TwoPass: Decodable {
            private enum First: String, CodingKey { case a }
            private enum Second: String, CodingKey { case b }
            init(from decoder: any Decoder) throws {
                _ = try decoder.container(keyedBy: First.self).decode(Int.self, forKey: .a)
                _ = try decoder.container(keyedBy: Second.self).decode(Int.self, forKey: .b)
            }
        }
        _ = try WireDecoder(rejectUnknownKeys: true).decode(TwoPass.self, fromJSON: #"{"a": 1, "b": 2}"#)
    }
}
