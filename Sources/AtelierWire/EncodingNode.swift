/// A value under construction by the encoder: containers are handed out before they are
/// filled, so they share this reference and the tree becomes a `JSONValue` at the end.
final class EncodingNode {
    /// What the node has become; a node becomes an array or object when first asked for that
    /// container, and the same container may be asked for again.
    private enum Kind {
        case unset
        case value(JSONValue)
        case array
        case object

        var isUnsetOrValue: Bool {
            switch self {
            case .unset, .value: true
            case .array, .object: false
            }
        }
    }

    private var kind = Kind.unset
    private var elements: [EncodingSlot] = []
    private var memberKeys: [String] = []
    private var members: [String: EncodingSlot] = [:]

    /// The number of elements appended so far, for index keys.
    var elementCount: Int { elements.count }

    /// Makes this node a single value.
    func set(_ value: JSONValue) {
        precondition(kind.isUnsetOrValue, "a single value was encoded where a container was already requested")
        kind = .value(value)
    }

    /// Makes this node what `slot` holds, for a single value container encoding a composite value.
    func set(_ slot: EncodingSlot) {
        switch slot {
        case .value(let value):
            set(value)
        case .node(let node):
            precondition(kind.isUnsetOrValue, "a single value was encoded where a container was already requested")
            (kind, elements, memberKeys, members) = (node.kind, node.elements, node.memberKeys, node.members)
        }
    }

    /// Makes this node an array, keeping elements already appended.
    func becomeArray() {
        switch kind {
        case .unset, .array: kind = .array
        case .value, .object: preconditionFailure("an unkeyed container was requested where another kind was encoded")
        }
    }

    /// Makes this node an object, keeping members already set.
    func becomeObject() {
        switch kind {
        case .unset, .object: kind = .object
        case .value, .array: preconditionFailure("a keyed container was requested where another kind was encoded")
        }
    }

    /// Appends an element to this array node.
    func append(_ slot: EncodingSlot) {
        elements.append(slot)
    }

    /// Sets a member of this object node; encoding a name again replaces its value in place.
    func setMember(_ key: String, _ slot: EncodingSlot) {
        if members.updateValue(slot, forKey: key) == nil { memberKeys.append(key) }
    }

    /// The finished value; objects list members by UTF-8 byte order of their names when
    /// `sortedKeys`, else in the order first encoded. A node nothing was encoded into is `{}`.
    func jsonValue(sortedKeys: Bool) -> JSONValue {
        switch kind {
        case .unset:
            return .object(JSONObject())
        case .value(let value):
            return value
        case .array:
            return .array(elements.map { $0.jsonValue(sortedKeys: sortedKeys) })
        case .object:
            let keys = sortedKeys ? memberKeys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } : memberKeys
            return .object(JSONObject(uniqueEntries: keys.map { key in
                (key, members[key].map { $0.jsonValue(sortedKeys: sortedKeys) } ?? .null)
            }))
        }
    }
}

/// An encoded element or member: a finished scalar, or a node still being filled.
enum EncodingSlot {
    /// A scalar, or a composite that `JSONValue` already holds.
    case value(JSONValue)
    /// A container another encoder or nested container fills.
    case node(EncodingNode)

    /// The finished value.
    func jsonValue(sortedKeys: Bool) -> JSONValue {
        switch self {
        case .value(let value): value
        case .node(let node): node.jsonValue(sortedKeys: sortedKeys)
        }
    }
}
