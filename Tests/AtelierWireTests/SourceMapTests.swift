import Testing
import AtelierWire

@Suite struct SourceMapTests {
    static let workshop = """
        {
          "title": "Atelier",
          "agenda": [
            {"title": "Accueil", "minutes": 10},
            {
              "title": "Idées",
              "minutes": 25,
              "tags": ["a", "b"]
            }
          ],
          "labels": {"en-GB.short": "x", "quote\\"d": "y"}
        }
        """

    @Test func theRootStartsAtItsFirstCharacter() {
        #expect(JSONSourceMap("  \n [1]").location(of: "") == .init(line: 2, column: 2))
    }

    @Test func membersAreLocatedAtTheirName() {
        let map = JSONSourceMap(Self.workshop)
        #expect(map.location(of: "title") == .init(line: 2, column: 3))
        #expect(map.location(of: "agenda[1].minutes") == .init(line: 7, column: 7))
    }

    @Test func arrayElementsAreLocatedAtTheirFirstCharacter() {
        let map = JSONSourceMap(Self.workshop)
        #expect(map.location(of: "agenda[0]") == .init(line: 4, column: 5))
        #expect(map.location(of: "agenda[1]") == .init(line: 5, column: 5))
        #expect(map.location(of: "agenda[1].tags[1]") == .init(line: 8, column: 21))
    }

    @Test func membersOnOneLineGetTheirOwnColumns() {
        let map = JSONSourceMap(Self.workshop)
        #expect(map.location(of: "agenda[0].minutes") == .init(line: 4, column: 26))
    }

    @Test func unusualNamesAreQuotedInPaths() {
        let map = JSONSourceMap(Self.workshop)
        #expect(map.location(of: #"labels["en-GB.short"]"#) == .init(line: 11, column: 14))
        #expect(map.location(of: #"labels["quote\"d"]"#) == .init(line: 11, column: 34))
    }

    @Test func absentPathsHaveNoLocation() {
        let map = JSONSourceMap(Self.workshop)
        #expect(map.location(of: "agenda[2]") == nil)
        #expect(map.location(of: "nope") == nil)
    }

    @Test func invalidTextIsMappedAsFarAsPossible() {
        let map = JSONSourceMap(#"{"a": [1, "#)
        #expect(map.location(of: "a[0]") == .init(line: 1, column: 8))
        #expect(JSONSourceMap([0xFF, 0x22]).location(of: "") == .init(line: 1, column: 1))
    }

    @Test func errorsAreLocatedAtTheirPath() {
        let error = WireError.invalidValue(path: "agenda[1].minutes", message: "too long").located(in: JSONSourceMap(Self.workshop))
        #expect(error.description == "line 7, column 7: agenda[1].minutes: too long")
    }

    @Test func aMissingMemberIsLocatedAtItsObject() {
        let error = WireError(code: .missingField, path: "agenda[0].speaker", message: "missing field \"speaker\"")
        #expect(error.located(in: JSONSourceMap(Self.workshop)).line == 4)
    }

    @Test func locatingKeepsAKnownPosition() {
        let error = WireError(code: .syntax, message: "x", line: 9, column: 9)
        #expect(error.located(in: JSONSourceMap(Self.workshop)) == error)
    }
}

@Suite struct WireErrorTests {
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int?
        init(stringValue: String) { self.stringValue = stringValue }
        init(intValue: Int) { (stringValue, self.intValue) = ("Index \(intValue)", intValue) }
    }

    @Test func codingPathsAreWrittenWithDotsAndIndices() {
        let path: [any CodingKey] = [Key(stringValue: "agenda"), Key(intValue: 3), Key(stringValue: "minutes")]
        #expect(WireError.path(of: path) == "agenda[3].minutes")
        #expect(WireError.path(of: [Key(intValue: 0), Key(stringValue: "a")]) == "[0].a")
        #expect(WireError.path(of: []) == "")
    }

    @Test func unusualNamesAreQuotedInCodingPaths() {
        #expect(WireError.path(of: [Key(stringValue: "a.b"), Key(stringValue: "")]) == #"["a.b"][""]"#)
        #expect(WireError.path(of: [Key(stringValue: "scores"), Key(stringValue: "3")]) == "scores.3")
    }

    @Test func descriptionPutsPositionAndPathBeforeTheMessage() {
        #expect(WireError(code: .wrongType, path: "a", message: "m", line: 2, column: 5).description == "line 2, column 5: a: m")
        #expect(WireError(code: .wrongType, path: "a", message: "m", line: 2).description == "line 2: a: m")
        #expect(WireError(code: .syntax, message: "m").description == "m")
    }

    @Test func codesHaveStableNames() {
        #expect(WireError.Code.allCases.map(\.rawValue) == [
            "json.syntax", "json.invalidUTF8", "json.tooDeep", "json.tooLarge", "json.stringTooLong",
            "json.numberOutOfRange", "json.trailingData", "json.unsupported", "json.duplicateKey", "field.missing", "field.wrongType",
            "field.unknown", "field.invalidValue", "field.unknownCase",
        ])
    }

    @Test func semanticErrorsCanBeBuiltFromACodingPath() {
        let error = WireError.invalidValue(at: [Key(stringValue: "agenda"), Key(intValue: 1)], message: "empty")
        #expect(error == WireError(code: .invalidValue, path: "agenda[1]", message: "empty"))
    }
}
