import Testing
import AtelierWire

@Suite struct JSONValueTests {
    @Test func objectsEqualRegardlessOfMemberOrder() {
        let one: JSONValue = ["a": 1, "b": [2]]
        let other: JSONValue = ["b": [2], "a": 1]
        #expect(one == other)
        #expect(one.hashValue == other.hashValue)
        #expect(one != ["a": 1, "b": [3]])
        #expect(one != ["a": 1])
    }

    @Test func integerAndDoubleAreDifferentValues() {
        #expect(JSONValue.int(1) != JSONValue.double(1))
    }

    @Test func settingAnExistingMemberKeepsItsPosition() {
        var object: JSONObject = ["a": 1, "b": 2, "c": 3]
        object["b"] = 20
        object["d"] = 4
        #expect(object.keys == ["a", "b", "c", "d"])
        #expect(object["b"] == 20)
    }

    @Test func removingAMemberKeepsTheOthersFindable() {
        var object: JSONObject = ["a": 1, "b": 2, "c": 3]
        object["a"] = nil
        #expect(object.keys == ["b", "c"])
        #expect(object["c"] == 3)
        #expect(object["a"] == nil)
    }

    @Test func aRepeatedNameTakesTheLastValueAtTheFirstPosition() {
        let object = JSONObject([(key: "a", value: 1), (key: "b", value: 2), (key: "a", value: 3)])
        #expect(object.keys == ["a", "b"])
        #expect(object["a"] == 3)
    }

    @Test func accessorsReadMatchingKindsOnly() {
        let value: JSONValue = ["s": "x", "i": 3, "d": 2.5, "b": true, "a": [1]]
        #expect(value["s"]?.stringValue == "x")
        #expect(value["i"]?.int64Value == 3)
        #expect(value["i"]?.doubleValue == 3)
        #expect(value["d"]?.doubleValue == 2.5)
        #expect(value["d"]?.int64Value == nil)
        #expect(value["b"]?.boolValue == true)
        #expect(value["a"]?[0] == 1)
        #expect(value["a"]?[1] == nil)
        #expect(value["missing"] == nil)
        #expect(value["s"]?["x"] == nil)
    }
}

@Suite struct JSONValueCodableTests {
    /// Decodes and encodes through `JSONValue`'s own `Codable` conformance, as a foreign coder
    /// would use it, instead of the wire coders' pass-through.
    private struct Wrapped: Codable, Equatable {
        var value: JSONValue
        init(_ value: JSONValue) { self.value = value }
        init(from decoder: any Decoder) throws { value = try JSONValue(from: decoder) }
        func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
    }

    @Test func conformanceRoundTripsEveryKindThroughPlainContainers() throws {
        let value: JSONValue = ["z": [.null, true, 3, 2.5, "s"], "a": [:]]
        let encoded = try WireEncoder(sortedKeys: false).encode(Wrapped(value))
        #expect(encoded.serialized() == #"{"z":[null,true,3,2.5,"s"],"a":{}}"#)
        let decoded = try WireDecoder(rejectUnknownKeys: true).decode(Wrapped.self, from: encoded)
        #expect(decoded == Wrapped(value))
    }

    @Test func membersDecodedThroughPlainContainersAreSortedByName() throws {
        let decoded = try WireDecoder().decode(Wrapped.self, fromJSON: #"{"b": 1, "a": 2}"#)
        guard case .object(let object) = decoded.value else { Issue.record("not an object"); return }
        #expect(object.keys == ["a", "b"])
    }
}
