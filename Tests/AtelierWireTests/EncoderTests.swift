import Testing
import AtelierWire

@Suite struct EncoderTests {
    @Test func nestedStructsBecomeNestedObjects() throws {
        let value = try WireEncoder().encode(Workshop.sample)
        #expect(value == [
            "title": "Atelier",
            "agenda": [["title": "Accueil", "minutes": 10], ["title": "Idées", "minutes": 25, "speaker": "Anaïs"]],
            "capacity": ["salle A": 30, "salle B": 12],
            "format": "onsite",
        ])
    }

    @Test func nilOptionalsAreLeftOut() throws {
        let value = try WireEncoder().encode(Session(title: "x", minutes: 1, speaker: nil))
        #expect(value["speaker"] == nil)
    }

    @Test func membersAreSortedByDefault() throws {
        let capacity = Dictionary(uniqueKeysWithValues: (0..<50).map { ("room\($0)", $0) })
        let expected = "{" + capacity.keys.sorted().map { "\"\($0)\":\(capacity[$0]!)" }.joined(separator: ",") + "}"
        #expect(try WireEncoder().encodeJSON(capacity) == expected)
        #expect(try WireEncoder().encodeJSON(Session(title: "t", minutes: 5)) == #"{"minutes":5,"title":"t"}"#)
    }

    @Test func unsortedMembersFollowDeclarationOrder() throws {
        let text = try WireEncoder(sortedKeys: false).encodeJSON(Session(title: "t", minutes: 5, speaker: "s"))
        #expect(text == #"{"title":"t","minutes":5,"speaker":"s"}"#)
    }

    @Test func enumsWithAssociatedValuesBecomeSingleMemberObjects() throws {
        let encoder = WireEncoder()
        #expect(try encoder.encodeJSON(Command.addNote(board: "b", text: "t")) == #"{"addNote":{"board":"b","text":"t"}}"#)
        #expect(try encoder.encodeJSON(Command.clear) == #"{"clear":{}}"#)
    }

    @Test func integerKeyedDictionariesUseStringNames() throws {
        #expect(try WireEncoder().encodeJSON([2: "b", 1: "a"]) == #"{"1":"a","2":"b"}"#)
    }

    @Test func everyIntegerWidthEncodes() throws {
        let values: [JSONValue] = try [
            WireEncoder().encode(Int8.min), WireEncoder().encode(Int16.max), WireEncoder().encode(Int32.min),
            WireEncoder().encode(Int64.max), WireEncoder().encode(UInt8.max), WireEncoder().encode(UInt16.max),
            WireEncoder().encode(UInt32.max), WireEncoder().encode(UInt(42)), WireEncoder().encode(UInt64(Int64.max)),
        ]
        #expect(values == [
            .int(-128), .int(32767), .int(-2_147_483_648), .int(.max), .int(255), .int(65535), .int(4_294_967_295), 42,
            .int(.max),
        ])
    }

    @Test func unsignedBeyondInt64IsRejectedAtItsPath() {
        #expect(throws: WireError(code: .invalidValue, path: "big[1]", message: "18446744073709551615 is outside the 64-bit integer range")) {
            try WireEncoder().encode(["big": [0, UInt64.max]])
        }
    }

    @Test func nonFiniteNumbersAreRejectedAtTheirPath() {
        #expect(throws: WireError(code: .invalidValue, path: "x", message: "inf cannot be written as a JSON number")) {
            try WireEncoder().encode(["x": Double.infinity])
        }
        #expect(throws: WireError.self) { try WireEncoder().encode(Float.nan) }
    }

    @Test func floatsAreWrittenInTheirOwnShortestForm() throws {
        #expect(try WireEncoder().encodeJSON([Float(0.1), 2.5]) == "[0.1,2.5]")
        #expect(try WireDecoder().decode([Float].self, fromJSON: "[0.1,2.5]") == [0.1, 2.5])
    }

    @Test func doublesKeepTheirFraction() throws {
        #expect(try WireEncoder().encodeJSON([1.0, 0.5]) == "[1.0,0.5]")
    }

    @Test func jsonValuesPassThroughUnchanged() throws {
        struct Envelope: Codable, Equatable { var payload: JSONValue }
        let envelope = Envelope(payload: ["z": 1, "a": [.null, 2.5]])
        #expect(try WireEncoder(sortedKeys: false).encodeJSON(envelope) == #"{"payload":{"z":1,"a":[null,2.5]}}"#)
        #expect(try WireDecoder().decode(Envelope.self, fromJSON: #"{"payload":{"z":1,"a":[null,2.5]}}"#) == envelope)
    }

    @Test func bytesMatchText() throws {
        #expect(try WireEncoder().encodeJSONBytes(Workshop.sample) == Array(WireEncoder().encodeJSON(Workshop.sample).utf8))
    }

    @Test func prettyTextIsIndented() throws {
        #expect(try WireEncoder().encodeJSON(["a": 1], pretty: true) == "{\n  \"a\": 1\n}")
    }

    @Test func aValueThatEncodesNothingIsAnEmptyObject() throws {
        struct Nothing: Encodable { func encode(to encoder: any Encoder) {} }
        #expect(try WireEncoder().encode([Nothing()]) == [[:]])
    }

    @Test func errorsThrownByEncodeToAreReported() {
        struct Refusing: Encodable {
            func encode(to encoder: any Encoder) throws { throw WireError.invalidValue(path: "here", message: "no") }
        }
        #expect(throws: WireError.invalidValue(path: "here", message: "no")) { try WireEncoder().encode(Refusing()) }
    }
}

@Suite struct RoundTripTests {
    @Test func nestedStructsOptionalsArraysAndDictionariesRoundTrip() throws {
        let text = try WireEncoder().encodeJSON(Workshop.sample)
        #expect(try WireDecoder(rejectUnknownKeys: true).decode(Workshop.self, fromJSON: text) == Workshop.sample)
    }

    @Test func enumsWithAssociatedValuesRoundTrip() throws {
        let commands: [Command] = [.addNote(board: "b", text: "é 😀 \"q\""), .moveNote(id: 3, x: 0.1, y: -2), .clear]
        let text = try WireEncoder().encodeJSON(commands)
        #expect(try WireDecoder(rejectUnknownKeys: true).decode([Command].self, fromJSON: text) == commands)
    }

    @Test func classHierarchiesRoundTripThroughSuperCoders() throws {
        let note = StickyNote(text: "hello", color: "yellow")
        let value = try WireEncoder().encode(note)
        #expect(value == ["color": "yellow", "super": ["text": "hello"]])
        let decoded = try WireDecoder(rejectUnknownKeys: true).decode(StickyNote.self, from: value)
        #expect(decoded.text == "hello" && decoded.color == "yellow")
    }

    @Test func nestedContainersRoundTrip() throws {
        let point = Point(x: 1, y: 2, labels: ["a", "b"])
        let value = try WireEncoder().encode(point)
        #expect(value == ["position": ["x": 1, "y": 2], "labels": [["a"], ["b"]]])
        #expect(try WireDecoder(rejectUnknownKeys: true).decode(Point.self, from: value) == point)
    }
}

class Note: Codable {
    let text: String
    init(text: String) { self.text = text }
}

final class StickyNote: Note {
    let color: String
    private enum CodingKeys: String, CodingKey { case color }

    init(text: String, color: String) {
        self.color = color
        super.init(text: text)
    }

    required init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        color = try container.decode(String.self, forKey: .color)
        try super.init(from: container.superDecoder())
    }

    override func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(color, forKey: .color)
        try super.encode(to: container.superEncoder())
    }
}

/// Coded by hand with nested keyed and unkeyed containers.
struct Point: Codable, Equatable {
    var x: Int
    var y: Int
    var labels: [String]

    private enum CodingKeys: String, CodingKey { case position, labels }
    private enum PositionKeys: String, CodingKey { case x, y }

    init(x: Int, y: Int, labels: [String]) { (self.x, self.y, self.labels) = (x, y, labels) }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let position = try container.nestedContainer(keyedBy: PositionKeys.self, forKey: .position)
        x = try position.decode(Int.self, forKey: .x)
        y = try position.decode(Int.self, forKey: .y)
        var list = try container.nestedUnkeyedContainer(forKey: .labels)
        labels = []
        while !list.isAtEnd {
            var single = try list.nestedUnkeyedContainer()
            labels.append(try single.decode(String.self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        var position = container.nestedContainer(keyedBy: PositionKeys.self, forKey: .position)
        try position.encode(x, forKey: .x)
        try position.encode(y, forKey: .y)
        var list = container.nestedUnkeyedContainer(forKey: .labels)
        for label in labels {
            var single = list.nestedUnkeyedContainer()
            try single.encode(label)
        }
    }
}
