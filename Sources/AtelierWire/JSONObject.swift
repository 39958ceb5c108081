/// The members of a JSON object, in insertion order, with names unique and looked up by hash.
///
/// Order is kept so that serialized output follows the source or the encoder's choice; equality
/// and hashing ignore it, as JSON objects are unordered.
public struct JSONObject: Hashable, Sendable, Sequence {
    /// One member: its name and value.
    public typealias Element = (key: String, value: JSONValue)

    /// The members in order.
    public private(set) var entries: [Element]
    private var indexByKey: [String: Int]

    /// An object without members.
    public init() {
        entries = []
        indexByKey = [:]
    }

    /// An object with the given members in order; a repeated name keeps its first position and
    /// takes its last value.
    public init(_ members: some Sequence<Element>) {
        self.init()
        for (key, value) in members { self[key] = value }
    }

    /// Members known to have distinct names, as json-c and the encoder produce them.
    init(uniqueEntries: [Element]) {
        entries = uniqueEntries
        indexByKey = Dictionary(minimumCapacity: uniqueEntries.count)
        for (index, entry) in uniqueEntries.enumerated() { indexByKey[entry.key] = index }
    }

    /// The number of members.
    public var count: Int { entries.count }

    /// Whether the object has no members.
    public var isEmpty: Bool { entries.isEmpty }

    /// The member names in order.
    public var keys: [String] { entries.map(\.key) }

    /// The value of the member named `key`; setting nil removes the member, setting a new name
    /// appends it, setting an existing name replaces the value in place.
    public subscript(key: String) -> JSONValue? {
        get { indexByKey[key].map { entries[$0].value } }
        set {
            switch (indexByKey[key], newValue) {
            case (let index?, let value?):
                entries[index].value = value
            case (let index?, nil):
                entries.remove(at: index)
                indexByKey[key] = nil
                for later in index..<entries.count { indexByKey[entries[later].key] = later }
            case (nil, let value?):
                indexByKey[key] = entries.count
                entries.append((key, value))
            case (nil, nil):
                break
            }
        }
    }

    /// Iterates the members in order.
    public func makeIterator() -> IndexingIterator<[Element]> {
        entries.makeIterator()
    }

    /// Whether both objects have the same members, in any order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.count == rhs.count && lhs.entries.allSatisfy { rhs[$0.key] == $0.value }
    }

    /// Hashes the members without regard to order, consistently with `==`.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        var combined = 0
        for (key, value) in entries {
            var memberHasher = Hasher()
            memberHasher.combine(key)
            memberHasher.combine(value)
            combined ^= memberHasher.finalize()
        }
        hasher.combine(combined)
    }
}
