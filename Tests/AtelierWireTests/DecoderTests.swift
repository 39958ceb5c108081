import Testing
import AtelierWire

/// Expects decoding `text` as `T` to fail with exactly `expected`.
func expectDecodeError<T: Decodable>(
    _ type: T.Type, _ text: String, _ expected: WireError, rejectUnknownKeys: Bool = false,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(throws: expected, sourceLocation: sourceLocation) {
        try WireDecoder(rejectUnknownKeys: rejectUnknownKeys).decode(type, fromJSON: text)
    }
}

@Suite struct DecoderTests {
    @Test func optionalsMayBeAbsentOrNull() throws {
        let decoder = WireDecoder()
        #expect(try decoder.decode(Session.self, fromJSON: #"{"title": "t", "minutes": 1}"#).speaker == nil)
        #expect(try decoder.decode(Session.self, fromJSON: #"{"title": "t", "minutes": 1, "speaker": null}"#).speaker == nil)
        #expect(try decoder.decode([Int?].self, fromJSON: "[1, null]") == [1, nil])
    }

    @Test func everyIntegerWidthDecodes() throws {
        let decoder = WireDecoder()
        #expect(try decoder.decode([Int8].self, from: [-128, 127]) == [-128, 127])
        #expect(try decoder.decode(Int16.self, from: -32768) == -32768)
        #expect(try decoder.decode(Int32.self, from: 2_147_483_647) == .max)
        #expect(try decoder.decode(Int64.self, from: .int(.min)) == .min)
        #expect(try decoder.decode(UInt8.self, from: 255) == 255)
        #expect(try decoder.decode(UInt16.self, from: 65535) == .max)
        #expect(try decoder.decode(UInt32.self, from: 4_294_967_295) == .max)
        #expect(try decoder.decode(UInt.self, from: 7) == 7)
        #expect(try decoder.decode(UInt64.self, from: .int(.max)) == UInt64(Int64.max))
    }

    @Test func integersAcceptDoublesWithoutAFraction() throws {
        #expect(try WireDecoder().decode(Int.self, from: 3.0) == 3)
        #expect(try WireDecoder().decode(Int.self, fromJSON: "1e3") == 1000)
    }

    @Test func integersRejectDoublesWithAFraction() {
        expectDecodeError(Session.self, #"{"title": "t", "minutes": 1.5}"#, WireError(
            code: .wrongType, path: "minutes", message: "expected an integer, found 1.5", line: 1, column: 16))
    }

    @Test func integersOutsideTheirTypeAreInvalid() {
        expectDecodeError([UInt8].self, "[1, 300]", WireError(
            code: .invalidValue, path: "[1]", message: "expected an integer from 0 to 255, found 300", line: 1, column: 5))
        expectDecodeError(UInt.self, "-1", WireError(
            code: .invalidValue, message: "expected an integer from 0 to \(UInt.max), found -1", line: 1, column: 1))
        expectDecodeError(Int.self, "1e19", WireError(
            code: .invalidValue, message: "expected an integer from \(Int.min) to \(Int.max), found 1e+19", line: 1, column: 1))
    }

    @Test func doublesAcceptIntegers() throws {
        #expect(try WireDecoder().decode([Double].self, fromJSON: "[1, 2.5, -0]") == [1, 2.5, 0])
    }

    @Test func floatsRejectNumbersBeyondTheirRange() {
        expectDecodeError(Float.self, "1e300", WireError(
            code: .invalidValue, message: "1e+300 is too large for a 32-bit float", line: 1, column: 1))
    }

    @Test func stringKeyedDictionariesDecode() throws {
        #expect(try WireDecoder().decode([String: [Int]].self, fromJSON: #"{"b": [1], "a": []}"#) == ["a": [], "b": [1]])
        #expect(try WireDecoder().decode([Int: String].self, fromJSON: #"{"1": "a"}"#) == [1: "a"])
    }

    @Test func rawValueEnumsRejectUnknownValues() {
        expectDecodeError(Workshop.self, #"{"title": "t", "agenda": [], "capacity": {}, "format": "hybrid"}"#, WireError(
            code: .invalidValue, path: "format",
            message: "Cannot initialize Format from invalid String value hybrid", line: 1, column: 46))
    }

    @Test func enumsWithAssociatedValuesDecode() throws {
        let decoder = WireDecoder(rejectUnknownKeys: true)
        #expect(try decoder.decode(Command.self, fromJSON: #"{"addNote":{"board":"b","text":"t"}}"#) == .addNote(board: "b", text: "t"))
        #expect(try decoder.decode(Command.self, fromJSON: #"{"clear":{}}"#) == .clear)
    }

    @Test func anUnknownEnumCaseIsNamed() {
        expectDecodeError([Command].self, "[\n{\"frobnicate\": {\"x\": 1}}]", WireError(
            code: .unknownCase, path: "[0]", message: #"unknown case "frobnicate""#, line: 2, column: 1))
    }

    @Test func anUnknownEnumCaseListsTheCasesWhenTheKeysCan() {
        expectDecodeError(ListedCommand.self, #"{"frobnicate": {}}"#, WireError(
            code: .unknownCase, message: #""frobnicate" is not one of: addNote, clear"#, line: 1, column: 1))
    }

    @Test func anEnumObjectNeedsExactlyOneCase() {
        expectDecodeError(Command.self, "{}", WireError(
            code: .wrongType, message: "Invalid number of keys found, expected one.", line: 1, column: 1))
        expectDecodeError(Command.self, #"{"clear": {}, "addNote": {}}"#, WireError(
            code: .wrongType, message: "Invalid number of keys found, expected one.", line: 1, column: 1))
    }

    @Test func aMissingArrayElementIsMissing() {
        struct Pair: Decodable {
            init(from decoder: any Decoder) throws {
                var container = try decoder.unkeyedContainer()
                _ = try container.decode(Int.self)
                _ = try container.decode(Int.self)
            }
        }
        expectDecodeError(Pair.self, "[1]", WireError(
            code: .missingField, path: "[1]", message: "missing element: the array has 1 element", line: 1, column: 1))
    }

    @Test func decodingFromBytesMatchesText() throws {
        let text = try WireEncoder().encodeJSON(Workshop.sample)
        #expect(try WireDecoder().decode(Workshop.self, fromJSON: Array(text.utf8)) == Workshop.sample)
    }

    @Test func parseErrorsComeThroughTheOneCallDecode() {
        expectDecodeError(Session.self, "{\"title\": \"t\",\n \"minutes\": 1,}", WireError(
            code: .syntax, message: "unexpected character '}'", line: 2, column: 15))
    }

    @Test func limitsApplyToTheOneCallDecode() {
        #expect(throws: WireError(code: .tooLarge, message: "the text is 8 bytes, more than the limit of 4")) {
            try WireDecoder().decode([Int].self, fromJSON: "[1,2,3 ]", limits: JSONLimits(maxBytes: 4, maxDepth: 4, maxStringBytes: 4))
        }
    }
}
