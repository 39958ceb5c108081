import Testing
import AtelierWire

@Suite struct SerializationTests {
    @Test func everyKindOfValueRoundTrips() throws {
        let values: [JSONValue] = [
            .null, true, false, 0, -42, .int(.max), .int(.min), 2.5, -0.125, "", "text", [], [1, [2, [3]]], [:],
            ["b": 1, "a": ["nested": [true, .null]], "c": "x"],
        ]
        for value in values {
            #expect(try JSONValue.parse(value.serialized()) == value)
            #expect(try JSONValue.parse(value.serialized(pretty: true)) == value)
        }
    }

    @Test func compactOutputHasNoSpacesAndKeepsMemberOrder() {
        let value: JSONValue = ["z": [1, 2.5, "x", .null, true], "a": [:], "m": []]
        #expect(value.serialized() == #"{"z":[1,2.5,"x",null,true],"a":{},"m":[]}"#)
    }

    @Test func prettyOutputIndentsByTwoSpaces() {
        let value: JSONValue = ["a": [1, 2], "b": "x"]
        #expect(value.serialized(pretty: true) == "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": \"x\"\n}")
    }

    @Test func bytesMatchText() {
        let value: JSONValue = ["é": "😀"]
        #expect(value.serializedBytes() == Array(value.serialized().utf8))
    }

    @Test func slashesAreNotEscaped() {
        #expect(JSONValue.string("https://example.org/a").serialized() == #""https://example.org/a""#)
    }

    @Test func specialCharactersAreEscaped() {
        let value = JSONValue.string("q\"b\\n\nt\t\u{0}\u{1}\u{1F}")
        #expect(value.serialized() == #""q\"b\\n\nt\t\u0000\u0001\u001f""#)
    }

    @Test func textWithAccentsEmojiAndControlsRoundTrips() throws {
        let texts = [
            "Réunion d'équipe à Liège — ça démarre", "Vergadering in Ĳsselmonde, één café", "👩🏽‍💻🎉🇧🇪",
            "nul\u{0}inside", "quote \" backslash \\ slash /", "\u{7F}\u{1}\u{1F}\r\n\t", "\u{FEFF}bom", "",
        ]
        for text in texts {
            #expect(try JSONValue.parse(JSONValue.string(text).serialized()) == .string(text))
        }
        for text in texts where !text.unicodeScalars.contains("\u{0}") {
            #expect(try JSONValue.parse(JSONValue.object([text: 1]).serialized()) == .object([text: 1]))
        }
    }

    @Test func doublesAreWrittenInShortestRoundTripForm() {
        #expect(JSONValue.double(0.1).serialized() == "0.1")
        #expect(JSONValue.double(1e16).serialized() == "1e+16")
        #expect(JSONValue.double(-0.0).serialized() == "-0.0")
        #expect(JSONValue.double(1.5e-7).serialized() == "1.5e-07")
    }

    @Test func integralDoublesStayDoubles() throws {
        #expect(JSONValue.double(3).serialized() == "3.0")
        #expect(try JSONValue.parse(JSONValue.double(3).serialized()) == .double(3))
    }

    @Test func doublesRoundTripExactly() throws {
        let doubles: [Double] = [
            0.1 + 0.2, 1.0 / 3, .pi, .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude,
            -.greatestFiniteMagnitude, 123456789.123456789, 9007199254740994, 1e21, 1e-21,
        ]
        for double in doubles {
            let parsed = try JSONValue.parse(JSONValue.double(double).serialized())
            #expect(parsed.doubleValue?.bitPattern == double.bitPattern, "\(double)")
        }
    }

    @Test func nonFiniteDoublesBecomeNull() {
        #expect(JSONValue.array([.double(.infinity), .double(.nan)]).serialized() == "[null,null]")
    }

    @Test func nulInAMemberNameIsWrittenAsReplacementCharacter() {
        #expect(JSONValue.object(["a\u{0}b": 1]).serialized() == "{\"a\u{FFFD}b\":1}")
    }
}
