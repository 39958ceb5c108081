import Testing
@testable import AtelierWire

/// Expects `text` to be rejected with `code` at `line`/`column`, and returns the error.
@discardableResult
func expectRejection(
    _ text: String, _ code: WireError.Code, line: Int? = nil, column: Int? = nil,
    limits: JSONLimits = .default, sourceLocation: SourceLocation = #_sourceLocation
) -> WireError? {
    do {
        let value = try JSONValue.parse(text, limits: limits)
        Issue.record("accepted \(value) from \(text)", sourceLocation: sourceLocation)
        return nil
    } catch {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        if let line { #expect(error.line == line, "\(error)", sourceLocation: sourceLocation) }
        if let column { #expect(error.column == column, "\(error)", sourceLocation: sourceLocation) }
        return error
    }
}

@Suite struct ParsingTests {
    @Test func everyKindOfValueParses() throws {
        let value = try JSONValue.parse(#"{"n": null, "b": true, "i": -42, "d": 2.5, "s": "x", "a": [1, []], "o": {}}"#)
        #expect(value == ["n": .null, "b": true, "i": -42, "d": 2.5, "s": "x", "a": [1, []], "o": [:]])
    }

    @Test func memberOrderIsKept() throws {
        let value = try JSONValue.parse(#"{"zeta": 1, "alpha": 2, "mid": 3}"#)
        guard case .object(let object) = value else { Issue.record("not an object"); return }
        #expect(object.keys == ["zeta", "alpha", "mid"])
    }

    @Test func integersAndDoublesStayDistinct() throws {
        #expect(try JSONValue.parse("1") == .int(1))
        #expect(try JSONValue.parse("1.0") == .double(1))
        #expect(try JSONValue.parse("1e2") == .double(100))
        #expect(try JSONValue.parse("-0") == .int(0))
    }

    @Test func int64ExtremesAreAccepted() throws {
        #expect(try JSONValue.parse("9223372036854775807") == .int(.max))
        #expect(try JSONValue.parse("-9223372036854775808") == .int(.min))
    }

    @Test func bytesAndStringsParseAlike() throws {
        let text = #"{"titre": "Café ☕"}"#
        #expect(try JSONValue.parse(Array(text.utf8)) == JSONValue.parse(text))
        #expect(try JSONValue.parse(text.utf8) == JSONValue.parse(text))
        #expect(try Array(text.utf8).withUnsafeBytes { try JSONValue.parse($0) } == JSONValue.parse(text))
    }

    @Test func aLeadingByteOrderMarkIsIgnored() throws {
        #expect(try JSONValue.parse([0xEF, 0xBB, 0xBF] + Array("[1]".utf8)) == [1])
    }

    @Test func surroundingWhitespaceIsAccepted() throws {
        #expect(try JSONValue.parse(" \n\t[1]\r\n ") == [1])
    }

    @Test func escapesAreDecoded() throws {
        let value = try JSONValue.parse(#""q\"b\\s\/n\nt\tu\u00e9\ud83d\ude00\u0000end""#)
        #expect(value == .string("q\"b\\s/n\nt\tu\u{e9}😀\u{0}end"))
    }

    @Test func syntaxErrorsGiveLineAndColumn() {
        let error = expectRejection("{\n  \"a\": 1,\n  \"b\" 2\n}", .syntax, line: 3, column: 7)
        #expect(error?.description == "line 3, column 7: expected ':' after a member name")
    }

    @Test func columnsCountCharactersNotBytes() {
        expectRejection(#"["é", "ü" x]"#, .syntax, line: 1, column: 11)
    }

    @Test func truncatedInputIsASyntaxError() {
        let error = expectRejection("[1, 2", .syntax, line: 1, column: 6)
        #expect(error?.message == "unexpected end of input")
        expectRejection("", .syntax, line: 1, column: 1)
        expectRejection("   ", .syntax)
    }

    @Test func nonJSONSyntaxIsRejected() {
        expectRejection("[1,]", .syntax, column: 4)
        expectRejection(#"{"a": 1,}"#, .syntax)
        expectRejection("{'a': 1}", .syntax, column: 2)
        expectRejection("/* note */ 1", .syntax)
        expectRejection(#"{a: 1}"#, .syntax)
        expectRejection("tru", .syntax)
        expectRejection("nan", .syntax)
    }

    @Test func numbersFollowTheJSONGrammar() {
        expectRejection("01", .syntax, column: 1)
        expectRejection("[-01]", .syntax, column: 2)
        expectRejection("1.", .syntax)
        expectRejection("1.e5", .syntax)
        expectRejection("1e", .syntax)
        expectRejection(".5", .syntax)
        expectRejection("+1", .syntax)
        expectRejection("-", .syntax)
    }

    @Test func nanAndInfinityAreNotJSON() {
        expectRejection("NaN", .syntax, column: 1)
        expectRejection("[Infinity]", .syntax, column: 2)
        expectRejection("[1, -Infinity]", .syntax, column: 5)
    }

    @Test func integersBeyondInt64AreOutOfRangeNotSaturated() {
        let error = expectRejection(#"{"a": [9223372036854775808]}"#, .numberOutOfRange, line: 1, column: 8)
        #expect(error?.message == #""9223372036854775808" is outside the 64-bit integer range"#)
        expectRejection("-9223372036854775809", .numberOutOfRange)
        expectRejection("18446744073709551616", .numberOutOfRange)
        expectRejection("-99999999999999999999999", .numberOutOfRange)
    }

    @Test func doublesBeyondDoubleRangeAreOutOfRange() {
        let error = expectRejection("{\n\"big\": 1e999}", .numberOutOfRange, line: 2, column: 1)
        #expect(error?.path == "big")
        #expect(error?.message == "1e999 is too large for a double")
        expectRejection("[-1e400]", .numberOutOfRange)
    }

    @Test func tinyDoublesRoundToZero() throws {
        #expect(try JSONValue.parse("1e-400") == .double(0))
    }

    @Test func trailingDataIsRejected() {
        let error = expectRejection(#"{"a": 1} x"#, .trailingData, line: 1, column: 10)
        #expect(error?.message == "unexpected data after the JSON value")
        expectRejection("{}{}", .trailingData, column: 3)
        expectRejection("[1]\n]", .trailingData, line: 2, column: 1)
        expectRejection("123abc", .trailingData, column: 4)
    }

    @Test func invalidUTF8IsRejectedWhereItOccurs() {
        func rejects(_ bytes: [UInt8], column: Int, sourceLocation: SourceLocation = #_sourceLocation) {
            do {
                _ = try JSONValue.parse(Array(#"["ok", ""#.utf8) + bytes + Array(#""]"#.utf8))
                Issue.record("accepted \(bytes)", sourceLocation: sourceLocation)
            } catch {
                #expect(error.code == .invalidUTF8, sourceLocation: sourceLocation)
                #expect(error.column == column, sourceLocation: sourceLocation)
            }
        }
        rejects([0xC3, 0x28], column: 9)
        rejects([0x61, 0xFF], column: 10)
        rejects([0xC0, 0xAF], column: 9)
        rejects([0xED, 0xA0, 0x80], column: 9)
        rejects([0xF4, 0x90, 0x80, 0x80], column: 9)
        rejects([0xE2, 0x82], column: 9)
    }

    @Test func rawControlCharactersInStringsAreRejected() {
        let error = expectRejection("[\"a\tb\"]", .syntax, column: 4)
        #expect(error?.message == "control character U+0009 must be escaped in a string")
        expectRejection("\"a\u{0}b\"", .syntax, column: 3)
    }

    @Test func aRawNULOutsideStringsIsRejectedNotTakenAsTheEnd() {
        let error = expectRejection("[1,\u{0} 2]", .syntax, column: 4)
        #expect(error?.message == "unexpected control character U+0000")
    }

    @Test func memberNamesWithNULAreUnsupported() {
        expectRejection(#"{"ok": {"a\u0000b": 1}}"#, .unsupported, column: 11)
    }

    @Test func nulInStringValuesIsFine() throws {
        #expect(try JSONValue.parse(#"{"a": "x\u0000y"}"#) == ["a": "x\u{0}y"])
    }

    @Test func nestingPastMaxDepthIsTooDeep() throws {
        let limits = JSONLimits(maxBytes: 1000, maxDepth: 3, maxStringBytes: 100)
        #expect(try JSONValue.parse("[[[1]]]", limits: limits) == [[[1]]])
        #expect(try JSONValue.parse("[{\"a\": []}]", limits: limits) == [["a": []]])
        let error = expectRejection("[[[[]]]]", .tooDeep, column: 4, limits: limits)
        #expect(error?.message == "arrays and objects are nested deeper than 3 levels")
        expectRejection(#"{"a": {"b": {"c": {"d": 1}}}}"#, .tooDeep, column: 19, limits: limits)
    }

    @Test func defaultDepthIs32() throws {
        let deep = String(repeating: "[", count: 32) + String(repeating: "]", count: 32)
        _ = try JSONValue.parse(deep)
        expectRejection("[" + deep + "]", .tooDeep, column: 33)
    }

    @Test func inputPastMaxBytesIsTooLarge() throws {
        let limits = JSONLimits(maxBytes: 10, maxDepth: 8, maxStringBytes: 100)
        #expect(try JSONValue.parse("[1,2,3,45]", limits: limits) == [1, 2, 3, 45])
        let error = expectRejection("[1,2,3,456]", .tooLarge, limits: limits)
        #expect(error?.message == "the text is 11 bytes, more than the limit of 10")
    }

    @Test func stringsPastMaxStringBytesAreTooLong() throws {
        let limits = JSONLimits(maxBytes: 1000, maxDepth: 8, maxStringBytes: 4)
        #expect(try JSONValue.parse(#"{"abcd": "\u00e9\u00e9"}"#, limits: limits) == ["abcd": "éé"])
        let error = expectRejection("{\"a\": [\n  \"éé!\"]}", .stringTooLong, line: 2, column: 3, limits: limits)
        #expect(error?.path == "a[0]")
        expectRejection(#"{"abcde": 1}"#, .stringTooLong, limits: limits)
    }

    @Test func aRepeatedMemberNameIsRefusedAtItsPathAndLineInsteadOfTheLastValueWinning() {
        let error = expectRejection(#"{"id": 2, "id": 3}"#, .duplicateKey, line: 1, column: 11)
        #expect(error?.path == "id")
        #expect(error?.message == #"the member "id" appears more than once in one object"#)
        let nested = expectRejection("{\"a\": [{\"b\": 1},\n  {\"b\": 2, \"c\": 0, \"b\": 3}]}", .duplicateKey, line: 2, column: 20)
        #expect(nested?.path == "a[1].b")
    }

    @Test func aNameRepeatedThroughAnEscapeIsTheSameName() {
        #expect(expectRejection(#"{"é": 1, "\u00e9": 2}"#, .duplicateKey)?.path == #"["é"]"#)
    }

    @Test func theSameNameInDifferentObjectsIsNotRepeated() throws {
        #expect(try JSONValue.parse(#"[{"a": 1}, {"a": 2}]"#) == [["a": 1], ["a": 2]])
        #expect(try JSONValue.parse(#"{"a": {"a": {"a": 1}}}"#) == ["a": ["a": ["a": 1]]])
    }

    @Test func theEarliestProblemIsReported() {
        expectRejection("[1 2, \"\u{1}\"]", .syntax, column: 4)
        expectRejection("[\"\u{1}\", 1 2]", .syntax, column: 3)
    }

    @Test func presetsAreOrdered() {
        #expect(JSONLimits.default.maxBytes == 1 << 20)
        #expect(JSONLimits.default.maxDepth == 32)
        #expect(JSONLimits.file.maxBytes > JSONLimits.default.maxBytes)
        #expect(JSONLimits.file.maxStringBytes > JSONLimits.default.maxStringBytes)
    }
}
