/// The coding key of an array element, spelled `Index 3` as Foundation's coders do, which is
/// how paths tell indices from member names.
struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }

    /// The key of the element at `index`.
    init(_ index: Int) { intValue = index }
    init?(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) { nil }
}

/// A member name that no `CodingKeys` enum declares, such as `super` for `superEncoder()`.
struct NameKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }

    /// The key `super` that `superEncoder()` and `superDecoder()` use.
    static let superKey = NameKey(stringValue: "super")

    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
