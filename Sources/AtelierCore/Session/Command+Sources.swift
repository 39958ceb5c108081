/// Coding key for the one-key objects that name a source: `{"note": "n4"}`.
private struct SourceKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// Reads the single `kind: id` pair of a source object, refusing anything but exactly one known kind.
private func decodeSource(from decoder: any Decoder, kinds: [String]) throws -> (kind: String, id: String) {
    let container = try decoder.container(keyedBy: SourceKey.self)
    let present = kinds.filter { container.contains(SourceKey(stringValue: $0)) }
    guard present.count == 1, let kind = present.first else {
        throw DecodingError.dataCorrupted(.init(
            codingPath: decoder.codingPath,
            debugDescription: "expected exactly one of \(kinds.map { "\"\($0)\"" }.joined(separator: " or "))"))
    }
    return (kind, try container.decode(String.self, forKey: SourceKey(stringValue: kind)))
}

/// Writes a source object's single `kind: id` pair.
private func encodeSource(kind: String, id: String, to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: SourceKey.self)
    try container.encode(id, forKey: SourceKey(stringValue: kind))
}

extension PromotedSource: Codable {
    public init(from decoder: any Decoder) throws {
        let (kind, id) = try decodeSource(from: decoder, kinds: ["note", "cluster"])
        self = kind == "note" ? .note(id) : .cluster(id)
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .note(let id): try encodeSource(kind: "note", id: id, to: encoder)
        case .cluster(let id): try encodeSource(kind: "cluster", id: id, to: encoder)
        }
    }
}

extension QuoteSource: Codable {
    public init(from decoder: any Decoder) throws {
        let (kind, id) = try decodeSource(from: decoder, kinds: ["note", "comment"])
        self = kind == "note" ? .note(id) : .comment(id)
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .note(let id): try encodeSource(kind: "note", id: id, to: encoder)
        case .comment(let id): try encodeSource(kind: "comment", id: id, to: encoder)
        }
    }
}

extension RecommendationSource: Codable {
    public init(from decoder: any Decoder) throws {
        let (kind, id) = try decodeSource(from: decoder, kinds: ["note", "promoted"])
        self = kind == "note" ? .note(id) : .promoted(id)
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .note(let id): try encodeSource(kind: "note", id: id, to: encoder)
        case .promoted(let id): try encodeSource(kind: "promoted", id: id, to: encoder)
        }
    }
}
