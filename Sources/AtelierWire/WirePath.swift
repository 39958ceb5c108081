/// One step into a JSON document: a member name or an array index.
enum PathComponent: Hashable, Sendable {
    case key(String)
    case index(Int)
}

/// A location inside a JSON document, written as in error messages: `agenda[3].minutes`.
///
/// Member names made only of ASCII letters, digits, `_` and `-` are written bare after a dot;
/// any other name is quoted (`labels["en-GB.short"]`), so that the text parses back unambiguously.
struct WirePath: Hashable, Sendable {
    /// The steps from the root value, outermost first.
    var components: [PathComponent]

    /// The path of the root value itself.
    static let root = WirePath(components: [])

    /// A path made of the given steps.
    init(components: [PathComponent]) { self.components = components }

    /// The path a `Codable` coding path points at; index keys become array indices.
    init(codingPath: [any CodingKey]) {
        components = codingPath.map(PathComponent.init(codingKey:))
    }

    /// The path written in `text`, or nil when the text is not in path notation.
    init?(parsing text: String) {
        var parser = PathParser(text: Array(text.utf8))
        guard let components = parser.parse() else { return nil }
        self.components = components
    }

    /// The path in error-message notation; empty for the root.
    var text: String {
        var text = ""
        for component in components { Self.append(component, to: &text) }
        return text
    }

    /// The path of the enclosing value, or nil for the root.
    var parent: WirePath? {
        components.isEmpty ? nil : WirePath(components: Array(components.dropLast()))
    }

    /// This path extended by one step.
    func appending(_ component: PathComponent) -> WirePath {
        WirePath(components: components + [component])
    }

    /// Appends one step to path text, so that callers holding a prefix avoid re-formatting it.
    static func append(_ component: PathComponent, to text: inout String) {
        switch component {
        case .index(let index):
            text += "[\(index)]"
        case .key(let key) where isBare(key):
            if !text.isEmpty { text += "." }
            text += key
        case .key(let key):
            text += "[\""
            for scalar in key.unicodeScalars {
                if scalar == "\"" || scalar == "\\" { text += "\\" }
                text.unicodeScalars.append(scalar)
            }
            text += "\"]"
        }
    }

    private static func isBare(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.allSatisfy(isBareByte)
    }

    fileprivate static func isBareByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }
}

extension PathComponent {
    /// The step a coding key stands for: keys that follow the `Index N` convention of unkeyed
    /// containers (ours and Foundation's) are array indices, every other key is a member name.
    init(codingKey: any CodingKey) {
        if let index = codingKey.intValue, codingKey.stringValue == "Index \(index)" {
            self = .index(index)
        } else {
            self = .key(codingKey.stringValue)
        }
    }
}

/// Reads path notation back into components; the inverse of `WirePath.text`.
private struct PathParser {
    let text: [UInt8]
    var position = 0

    init(text: [UInt8]) { self.text = text }

    mutating func parse() -> [PathComponent]? {
        var components: [PathComponent] = []
        while position < text.count {
            if text[position] == UInt8(ascii: "[") {
                position += 1
                guard let component = bracketed() else { return nil }
                components.append(component)
            } else {
                if text[position] == UInt8(ascii: ".") {
                    guard !components.isEmpty else { return nil }
                    position += 1
                } else if !components.isEmpty {
                    return nil
                }
                let start = position
                while position < text.count, WirePath.isBareByte(text[position]) { position += 1 }
                guard position > start else { return nil }
                components.append(.key(String(decoding: text[start..<position], as: UTF8.self)))
            }
        }
        return components
    }

    private mutating func bracketed() -> PathComponent? {
        if position < text.count, text[position] == UInt8(ascii: "\"") {
            position += 1
            var key: [UInt8] = []
            while position < text.count, text[position] != UInt8(ascii: "\"") {
                if text[position] == UInt8(ascii: "\\") { position += 1 }
                guard position < text.count else { return nil }
                key.append(text[position])
                position += 1
            }
            position += 1
            guard position < text.count, text[position] == UInt8(ascii: "]") else { return nil }
            position += 1
            return .key(String(decoding: key, as: UTF8.self))
        }
        let start = position
        while position < text.count, text[position] != UInt8(ascii: "]") { position += 1 }
        guard position < text.count,
              let index = Int(String(decoding: text[start..<position], as: UTF8.self)), index >= 0
        else { return nil }
        position += 1
        return .index(index)
    }
}
