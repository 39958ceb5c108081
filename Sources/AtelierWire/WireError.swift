/// Why a message or file could not be read or written, with where in the document it happened.
///
/// Every failure of this module is a `WireError`, so the server can answer a client and the CLI
/// can report a workshop file the same way: `line 12, column 5: agenda[3].minutes: expected an integer`.
public struct WireError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure; raw values are stable and may be sent to clients.
    public enum Code: String, Hashable, Sendable, CaseIterable {
        /// The text is not JSON.
        case syntax = "json.syntax"
        /// The text contains bytes that are not UTF-8.
        case invalidUTF8 = "json.invalidUTF8"
        /// Arrays and objects are nested deeper than the limit.
        case tooDeep = "json.tooDeep"
        /// The text is longer than the limit.
        case tooLarge = "json.tooLarge"
        /// A string or member name is longer than the limit.
        case stringTooLong = "json.stringTooLong"
        /// An integer outside the 64-bit range, or a number too large for a double.
        case numberOutOfRange = "json.numberOutOfRange"
        /// Something other than whitespace follows the JSON value.
        case trailingData = "json.trailingData"
        /// Valid JSON this layer cannot represent: a member name containing U+0000.
        case unsupported = "json.unsupported"
        /// An object names the same member more than once.
        case duplicateKey = "json.duplicateKey"
        /// A required member or array element is absent.
        case missingField = "field.missing"
        /// A value has the wrong JSON type, `null` included.
        case wrongType = "field.wrongType"
        /// A member the decoded type does not know, when unknown members are rejected.
        case unknownField = "field.unknown"
        /// A value of the right type that is not acceptable.
        case invalidValue = "field.invalidValue"
        /// An enum object whose single key names no case of the enum.
        case unknownCase = "field.unknownCase"
    }

    /// The kind of failure.
    public var code: Code
    /// Where the failing value sits, as `agenda[3].minutes`; empty for the root or when unknown.
    public var path: String
    /// What went wrong, in English, without the path or position.
    public var message: String
    /// The 1-based line of the failure in the source text, when known.
    public var line: Int?
    /// The 1-based column (in Unicode scalars) of the failure in the source text, when known.
    public var column: Int?

    /// An error with every field given.
    public init(code: Code, path: String = "", message: String, line: Int? = nil, column: Int? = nil) {
        self.code = code
        self.path = path
        self.message = message
        self.line = line
        self.column = column
    }

    /// The error as one line: position, path, then message, each only when known.
    public var description: String {
        var text = ""
        if let line {
            text += "line \(line)"
            if let column { text += ", column \(column)" }
            text += ": "
        }
        if !path.isEmpty { text += path + ": " }
        return text + message
    }

    /// An error for a member the reader does not know, at its path in error notation.
    static func unknownField(path: String) -> WireError {
        WireError(code: .unknownField, path: path, message: "unknown field")
    }

    /// An error for a member of the root object the reader does not know, named in path notation.
    public static func unknownMember(_ name: String) -> WireError {
        unknownField(path: WirePath(components: [.key(name)]).text)
    }

    /// An error for a value that decoded but failed a semantic rule, at a path in error notation.
    public static func invalidValue(path: String, message: String) -> WireError {
        WireError(code: .invalidValue, path: path, message: message)
    }

    /// An error for a value that decoded but failed a semantic rule, at a `Codable` coding path;
    /// throw it from `init(from:)` and the decoder passes it through with its line filled in.
    public static func invalidValue(at codingPath: [any CodingKey], message: String) -> WireError {
        WireError(code: .invalidValue, path: path(of: codingPath), message: message)
    }

    /// A coding path in error notation: `agenda[3].minutes`.
    public static func path(of codingPath: [any CodingKey]) -> String {
        WirePath(codingPath: codingPath).text
    }
}
