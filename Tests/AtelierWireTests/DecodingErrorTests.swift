import Testing
import AtelierWire

@Suite struct DecodingErrorTests {
    /// A workshop whose fourth session, on line 9, has the given members.
    static func workshop(withLastSession members: String) -> String {
        """
        {
          "title": "Atelier",
          "capacity": {},
          "format": "online",
          "agenda": [
            {"title": "Accueil", "minutes": 10},
            {"title": "Idées", "minutes": 25},
            {"title": "Pause", "minutes": 15},
            {\(members)}
          ]
        }
        """
    }

    @Test func keyNotFoundIsAMissingFieldAtItsPath() throws {
        let error = #expect(throws: WireError.self) {
            try WireDecoder().decode(Workshop.self, fromJSON: Self.workshop(withLastSession: #""minutes": 5"#))
        }
        #expect(error?.code == .missingField)
        #expect(error?.description == #"line 9, column 5: agenda[3].title: missing field "title""#)
    }

    @Test func typeMismatchIsAWrongTypeNamingBothTypes() throws {
        let error = #expect(throws: WireError.self) {
            try WireDecoder().decode(Workshop.self, fromJSON: Self.workshop(withLastSession: #""title": "x", "minutes": "5""#))
        }
        #expect(error?.code == .wrongType)
        #expect(error?.description == "line 9, column 20: agenda[3].minutes: expected an integer, found a string")
    }

    @Test func nullForARequiredValueIsAWrongType() throws {
        let error = #expect(throws: WireError.self) {
            try WireDecoder().decode(Workshop.self, fromJSON: Self.workshop(withLastSession: #""title": null, "minutes": 5"#))
        }
        #expect(error?.code == .wrongType)
        #expect(error?.description == "line 9, column 6: agenda[3].title: expected a string, found null")
    }

    @Test func aWrongContainerTypeIsAWrongType() {
        struct Agenda: Decodable { var agenda: [Session] }
        expectDecodeError(Agenda.self, #"{"agenda": {}}"#, WireError(
            code: .wrongType, path: "agenda", message: "expected an array, found an object", line: 1, column: 2))
        expectDecodeError(Session.self, "[]", WireError(
            code: .wrongType, message: "expected an object, found an array", line: 1, column: 1))
    }

    @Test func dataCorruptedIsAnInvalidValueWithItsMessage() {
        struct Minutes: Decodable {
            init(from decoder: any Decoder) throws {
                let value = try decoder.singleValueContainer().decode(Int.self)
                if value <= 0 {
                    throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "must be positive"))
                }
            }
        }
        expectDecodeError([String: Minutes].self, "{\"a\": 1,\n \"b\": 0}", WireError(
            code: .invalidValue, path: "b", message: "must be positive", line: 2, column: 2))
    }

    @Test func aWireErrorThrownByATypeIsLocated() {
        struct Title: Decodable {
            init(from decoder: any Decoder) throws {
                if try decoder.singleValueContainer().decode(String.self).isEmpty {
                    throw WireError.invalidValue(at: decoder.codingPath, message: "a title may not be empty")
                }
            }
        }
        expectDecodeError([Title].self, "[\"a\",\n  \"\"]", WireError(
            code: .invalidValue, path: "[1]", message: "a title may not be empty", line: 2, column: 3))
    }

    @Test func otherErrorsBecomeInvalidValues() {
        struct Custom: Error, CustomStringConvertible { var description: String { "custom failure" } }
        struct Failing: Decodable { init(from decoder: any Decoder) throws { throw Custom() } }
        expectDecodeError(Failing.self, "1", WireError(code: .invalidValue, message: "custom failure", line: 1, column: 1))
    }

    @Test func decodingAValueHasPathsButNoLines() {
        #expect(throws: WireError(code: .wrongType, path: "minutes", message: "expected an integer, found a boolean")) {
            try WireDecoder().decode(Session.self, from: ["title": "t", "minutes": true])
        }
    }
}
