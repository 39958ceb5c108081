/// The line and column where each value of a JSON text starts, by path (`agenda[3].minutes`).
///
/// Semantic checks run after decoding, when only paths are left; this map lets them report the
/// line an organiser should look at. Members are located at their name, array elements and the
/// root at their first character. It expects valid JSON; on anything else it maps what it can.
public struct JSONSourceMap: Sendable {
    /// A position in the text: 1-based line, and 1-based column counted in Unicode scalars.
    public struct Location: Hashable, Sendable {
        /// The 1-based line.
        public var line: Int
        /// The 1-based column, in Unicode scalars.
        public var column: Int

        /// A location from its line and column.
        public init(line: Int, column: Int) {
            self.line = line
            self.column = column
        }

        /// The location of byte `offset` in `bytes`, counted from the start.
        init(offset: Int, in bytes: UnsafeBufferPointer<UInt8>) {
            var line = 1
            var column = 1
            for byte in bytes[..<min(offset, bytes.count)] {
                if byte == UInt8(ascii: "\n") {
                    line += 1
                    column = 1
                } else if byte & 0xC0 != 0x80 {
                    column += 1
                }
            }
            self.init(line: line, column: column)
        }
    }

    /// A member whose object already had a member of that name, where the name is written again.
    struct RepeatedMember: Sendable {
        /// The path of the member, as `agenda[1].minutes`.
        let path: String
        /// The repeated name.
        let name: String
        /// Where the name is written the second time.
        let location: Location
    }

    private let locations: [String: Location]
    /// The first member, in text order, whose object already had a member of its name.
    let firstRepeatedMember: RepeatedMember?

    /// Maps the values of a JSON text.
    public init(_ text: String) {
        self.init(text.utf8)
    }

    /// Maps the values of a JSON text given as UTF-8 bytes.
    public init(_ bytes: some Collection<UInt8>) {
        self = ByteInput.withBytes(of: bytes) { JSONSourceMap(scanning: $0) }
    }

    /// Maps bytes that are already free of a byte order mark.
    init(scanning bytes: UnsafeBufferPointer<UInt8>) {
        var scanner = SourceScanner(bytes: bytes)
        scanner.run()
        locations = scanner.locations
        firstRepeatedMember = scanner.firstRepeatedMember
    }

    /// Where the value at `path` starts, or nil when the text has no such value.
    public func location(of path: String) -> Location? {
        locations[path]
    }

    /// Where the value at `path` starts, else where its nearest enclosing value does.
    func nearestLocation(of path: WirePath) -> Location? {
        var path: WirePath? = path
        while let current = path {
            if let location = locations[current.text] { return location }
            path = current.parent
        }
        return nil
    }
}

/// A single pass over JSON text that records where each value starts; it tracks only the
/// container nesting, member names and array indices needed to name values by path.
private struct SourceScanner {
    private struct Frame {
        let isObject: Bool
        let path: String
        var index = 0
        var key = ""
        var expectingKey: Bool
    }

    let bytes: UnsafeBufferPointer<UInt8>
    private(set) var locations: [String: Location] = [:]
    private(set) var firstRepeatedMember: JSONSourceMap.RepeatedMember?
    private var position = 0
    private var line = 1
    private var column = 1
    private var frames: [Frame] = []

    typealias Location = JSONSourceMap.Location

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func run() {
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let path = valuePath()
                record(path)
                frames.append(Frame(
                    isObject: bytes[position] == UInt8(ascii: "{"), path: path,
                    expectingKey: bytes[position] == UInt8(ascii: "{")))
                advance()
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                _ = frames.popLast()
                advance()
            case UInt8(ascii: ","):
                if let last = frames.indices.last {
                    if frames[last].isObject { frames[last].expectingKey = true } else { frames[last].index += 1 }
                }
                advance()
            case UInt8(ascii: ":"), UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                advance()
            case UInt8(ascii: "\""):
                if let last = frames.indices.last, frames[last].isObject, frames[last].expectingKey {
                    let location = Location(line: line, column: column)
                    let key = readString()
                    frames[last].key = key
                    frames[last].expectingKey = false
                    var path = frames[last].path
                    WirePath.append(.key(key), to: &path)
                    // Paths name one value each, so a member path seen before is a repeated name.
                    if locations[path] == nil {
                        locations[path] = location
                    } else if firstRepeatedMember == nil {
                        firstRepeatedMember = .init(path: path, name: key, location: location)
                    }
                } else {
                    record(valuePath())
                    _ = readString()
                }
            default:
                record(valuePath())
                skipScalarToken()
            }
        }
    }

    /// The path of a value starting at the current position.
    private func valuePath() -> String {
        guard let frame = frames.last else { return "" }
        var path = frame.path
        WirePath.append(frame.isObject ? .key(frame.key) : .index(frame.index), to: &path)
        return path
    }

    /// Records an array element or the root; members were recorded at their name.
    private mutating func record(_ path: String) {
        if frames.last?.isObject == true { return }
        if locations[path] == nil { locations[path] = Location(line: line, column: column) }
    }

    private mutating func advance() {
        if bytes[position] == UInt8(ascii: "\n") {
            line += 1
            column = 1
        } else if bytes[position] & 0xC0 != 0x80 {
            column += 1
        }
        position += 1
    }

    private mutating func skipScalarToken() {
        repeat { advance() } while position < bytes.count && !Self.endsToken(bytes[position])
    }

    private static func endsToken(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: ","), UInt8(ascii: ":"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "["),
             UInt8(ascii: "]"), UInt8(ascii: "\""), UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"),
             UInt8(ascii: "\n"):
            return true
        default:
            return false
        }
    }

    /// Reads a string starting at its opening quote and returns its unescaped text.
    private mutating func readString() -> String {
        advance()
        var text = ""
        var utf8: [UInt8] = []
        while position < bytes.count, bytes[position] != UInt8(ascii: "\"") {
            guard bytes[position] == UInt8(ascii: "\\") else {
                utf8.append(bytes[position])
                advance()
                continue
            }
            advance()
            guard position < bytes.count else { break }
            let escaped = bytes[position]
            advance()
            switch escaped {
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "u"):
                text += String(decoding: utf8, as: UTF8.self)
                utf8.removeAll(keepingCapacity: true)
                text.unicodeScalars.append(readUnicodeEscape())
            default: utf8.append(escaped)
            }
        }
        if position < bytes.count { advance() }
        return text + String(decoding: utf8, as: UTF8.self)
    }

    /// Reads the hex digits after `\u`, joining a surrogate pair; a lone surrogate becomes
    /// U+FFFD, as json-c does.
    private mutating func readUnicodeEscape() -> Unicode.Scalar {
        guard let first = readHex4() else { return "\u{FFFD}" }
        if (0xD800..<0xDC00).contains(first), position + 1 < bytes.count,
           bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") {
            let resume = (position, line, column)
            advance()
            advance()
            if let second = readHex4(), (0xDC00..<0xE000).contains(second) {
                return Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)) ?? "\u{FFFD}"
            }
            (position, line, column) = resume
        }
        return Unicode.Scalar(first) ?? "\u{FFFD}"
    }

    private mutating func readHex4() -> UInt32? {
        guard position + 4 <= bytes.count,
              let value = UInt32(String(decoding: bytes[position..<position + 4], as: UTF8.self), radix: 16)
        else { return nil }
        for _ in 0..<4 { advance() }
        return value
    }
}
