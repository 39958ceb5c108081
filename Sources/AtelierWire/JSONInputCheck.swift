/// One pass over raw input for what json-c 0.16 lets through even in strict mode.
///
/// Measured against json-c 0.16: its UTF-8 check accepts overlong forms, encoded surrogates and
/// code points past U+10FFFF; strict mode still accepts `NaN`, `Infinity`, `1.`, `-01`,
/// single-quoted member names and raw control characters inside strings; integers past the
/// 64-bit range silently saturate (to INT64_MIN, or to UINT64_MAX as an unsigned value); a
/// member name containing `\u0000` is cut at the NUL. Its depth limit also counts scalars but
/// not empty containers. This check finds those, and nesting past `maxDepth`, and reports the
/// first with its byte offset. json-c also keeps only the last of members with the same name;
/// the check counts member names, so that a tree with fewer members tells a name was repeated.
struct JSONInputCheck {
    /// A rejected construct and the byte offset where it starts.
    struct Issue {
        /// The byte offset of the construct, for line and column.
        let offset: Int
        /// The error code to report.
        let code: WireError.Code
        /// What is wrong, in English.
        let message: String
    }

    /// What one pass found.
    struct Findings {
        /// The first issue, or nil when json-c can be trusted with the bytes.
        let issue: Issue?
        /// How many member names the objects hold; complete only when there is no issue.
        let memberNames: Int
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private let maxDepth: Int
    private var position = 0
    private var containerIsObject: [Bool] = []
    private var expectingKey = false
    private var memberNames = 0

    /// What `bytes` hold that json-c would let through or alter.
    static func findings(in bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) -> Findings {
        var check = JSONInputCheck(bytes: bytes, maxDepth: maxDepth)
        let issue = check.run()
        return Findings(issue: issue, memberNames: check.memberNames)
    }

    private init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    private mutating func run() -> Issue? {
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard containerIsObject.count < maxDepth else {
                    return Issue(offset: position, code: .tooDeep,
                                 message: "arrays and objects are nested deeper than \(maxDepth) levels")
                }
                containerIsObject.append(byte == UInt8(ascii: "{"))
                expectingKey = byte == UInt8(ascii: "{")
                position += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                _ = containerIsObject.popLast()
                expectingKey = false
                position += 1
            case UInt8(ascii: ","):
                expectingKey = containerIsObject.last == true
                position += 1
            case UInt8(ascii: ":"):
                expectingKey = false
                position += 1
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                position += 1
            case UInt8(ascii: "\""):
                let isKey = expectingKey
                expectingKey = false
                if isKey { memberNames += 1 }
                if let issue = checkString(isKey: isKey) { return issue }
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                if let issue = checkNumber() { return issue }
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
                if let issue = checkWord() { return issue }
            case 0..<0x20:
                return Issue(offset: position, code: .syntax,
                             message: "unexpected control character \(Self.scalarName(byte))")
            case 0x80...:
                if let issue = checkUTF8Sequence() { return issue }
            default:
                return Issue(offset: position, code: .syntax,
                             message: "unexpected character '\(Character(Unicode.Scalar(byte)))'")
            }
        }
        return nil
    }

    /// Checks a string from its opening quote to just past its closing quote (or the end).
    private mutating func checkString(isKey: Bool) -> Issue? {
        position += 1
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return nil
            case UInt8(ascii: "\\"):
                if isKey, position + 5 < bytes.count, bytes[position + 1] == UInt8(ascii: "u"),
                   bytes[(position + 2)...(position + 5)].allSatisfy({ $0 == UInt8(ascii: "0") }) {
                    return Issue(offset: position, code: .unsupported,
                                 message: "member names containing U+0000 are not supported")
                }
                // Skip the escaped character, unless it starts a UTF-8 sequence that needs checking.
                position += 1
                if position < bytes.count, bytes[position] < 0x80 { position += 1 }
            case 0..<0x20:
                return Issue(offset: position, code: .syntax,
                             message: "control character \(Self.scalarName(byte)) must be escaped in a string")
            case 0x80...:
                if let issue = checkUTF8Sequence() { return issue }
            default:
                position += 1
            }
        }
        return nil
    }

    /// Checks a number against the JSON grammar and integers against the Int64 range.
    private mutating func checkNumber() -> Issue? {
        let start = position
        let isNegative = bytes[position] == UInt8(ascii: "-")
        if isNegative { position += 1 }
        let digitsStart = position
        guard skipDigits() else { return numberIssue(start, "expected a digit") }
        if bytes[digitsStart] == UInt8(ascii: "0"), position - digitsStart > 1 {
            return numberIssue(start, "numbers may not have leading zeros")
        }
        let digitsEnd = position
        var isInteger = true
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard skipDigits() else { return numberIssue(start, "expected a digit after the decimal point") }
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard skipDigits() else { return numberIssue(start, "expected a digit in the exponent") }
        }
        guard isInteger else { return nil }
        let digits = bytes[digitsStart..<digitsEnd]
        let limit = Array((isNegative ? "9223372036854775808" : "9223372036854775807").utf8)
        if digits.count > limit.count || (digits.count == limit.count && limit.lexicographicallyPrecedes(digits)) {
            return Issue(offset: start, code: .numberOutOfRange,
                         message: "\(Self.excerpt(bytes[start..<position])) is outside the 64-bit integer range")
        }
        return nil
    }

    /// Skips a run of digits; false when there was none.
    private mutating func skipDigits() -> Bool {
        let start = position
        while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
            position += 1
        }
        return position > start
    }

    private func numberIssue(_ start: Int, _ message: String) -> Issue {
        Issue(offset: start, code: .syntax, message: "invalid number: \(message)")
    }

    /// Checks that a run of letters outside strings is one of the three JSON literals.
    private mutating func checkWord() -> Issue? {
        let start = position
        while position < bytes.count, (bytes[position] | 0x20) >= UInt8(ascii: "a"),
              (bytes[position] | 0x20) <= UInt8(ascii: "z") {
            position += 1
        }
        let word = bytes[start..<position]
        for literal in ["true", "false", "null"] where word.elementsEqual(literal.utf8) { return nil }
        // A literal cut short by the end of input is json-c's to report as an unexpected end.
        if position == bytes.count, ["true", "false", "null"].contains(where: { $0.utf8.starts(with: word) }) {
            return nil
        }
        return Issue(offset: start, code: .syntax, message: "unexpected word \(Self.excerpt(word))")
    }

    /// Checks one UTF-8 sequence starting at a non-ASCII byte, per Unicode table 3-7.
    private mutating func checkUTF8Sequence() -> Issue? {
        let lead = bytes[position]
        let secondRange: ClosedRange<UInt8>
        let length: Int
        switch lead {
        case 0xC2...0xDF: (secondRange, length) = (0x80...0xBF, 2)
        case 0xE0: (secondRange, length) = (0xA0...0xBF, 3)
        case 0xE1...0xEC, 0xEE...0xEF: (secondRange, length) = (0x80...0xBF, 3)
        case 0xED: (secondRange, length) = (0x80...0x9F, 3)
        case 0xF0: (secondRange, length) = (0x90...0xBF, 4)
        case 0xF1...0xF3: (secondRange, length) = (0x80...0xBF, 4)
        case 0xF4: (secondRange, length) = (0x80...0x8F, 4)
        default: return utf8Issue()
        }
        guard position + length <= bytes.count, secondRange.contains(bytes[position + 1]) else { return utf8Issue() }
        for index in (position + 2)..<(position + length) where bytes[index] & 0xC0 != 0x80 {
            return utf8Issue()
        }
        position += length
        return nil
    }

    private func utf8Issue() -> Issue {
        Issue(offset: position, code: .invalidUTF8, message: "invalid UTF-8 byte sequence")
    }

    private static func scalarName(_ byte: UInt8) -> String {
        let hex = String(byte, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: 4 - hex.count) + hex
    }

    /// Input quoted in a message, shortened so that a huge token cannot flood a log.
    private static func excerpt(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> String {
        let shown = String(decoding: bytes.prefix(40), as: UTF8.self)
        return "\"" + shown + (bytes.count > 40 ? "…" : "") + "\""
    }
}
