/// A key the console reacts to.
public enum Key: Hashable, Sendable {
    /// Printable text (one or more characters).
    case text(String)
    case enter, tab, backspace, delete, escape
    case up, down, left, right, home, end, pageUp, pageDown
    /// F1…F12.
    case function(Int)
    /// Ctrl with a letter, e.g. `control("c")`.
    case control(Character)
}

/// Turns the bytes a terminal sends in raw mode into keys: UTF-8 text, control characters and
/// the escape sequences of xterm, tmux, rxvt and the Linux console.
///
/// Bytes may arrive split anywhere; an unfinished sequence waits for the next `feed`. A lone
/// escape at the end of a read is the Escape key.
public struct KeyDecoder: Sendable {
    private var pending: [UInt8] = []

    /// A decoder with nothing pending.
    public init() {}

    /// The keys in `bytes` (and in what was pending).
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [Key] {
        pending.append(contentsOf: bytes)
        var keys: [Key] = []
        var index = 0
        var text: [UInt8] = []
        func flushText() {
            if !text.isEmpty { keys.append(.text(String(decoding: text, as: UTF8.self))); text = [] }
        }
        while index < pending.count {
            let byte = pending[index]
            switch byte {
            case 0x1B:
                flushText()
                guard let (key, length) = escapeSequence(at: index) else {
                    // Unfinished sequence: wait for more bytes.
                    pending.removeFirst(index)
                    return keys
                }
                if let key { keys.append(key) }
                index += length
            case 0x0D, 0x0A:
                flushText(); keys.append(.enter); index += 1
            case 0x09:
                flushText(); keys.append(.tab); index += 1
            case 0x7F, 0x08:
                flushText(); keys.append(.backspace); index += 1
            case 0x01...0x1A:
                flushText(); keys.append(.control(Character(Unicode.Scalar(byte + 0x60)))); index += 1
            case 0x00, 0x1C...0x1F:
                index += 1
            default:
                let length = byte < 0x80 ? 1 : byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
                if index + length > pending.count {
                    flushText()
                    pending.removeFirst(index)
                    return keys
                }
                text.append(contentsOf: pending[index..<index + length])
                index += length
            }
        }
        flushText()
        pending.removeAll()
        return keys
    }

    /// The key of the escape sequence at `start` and its length; nil when it is unfinished.
    /// A key of nil with a length means a sequence to skip.
    private func escapeSequence(at start: Int) -> (Key?, Int)? {
        let rest = pending.count - start
        if rest == 1 { return (.escape, 1) }
        let second = pending[start + 1]
        if second == UInt8(ascii: "O") {
            guard rest >= 3 else { return nil }
            switch pending[start + 2] {
            case UInt8(ascii: "P"): return (.function(1), 3)
            case UInt8(ascii: "Q"): return (.function(2), 3)
            case UInt8(ascii: "R"): return (.function(3), 3)
            case UInt8(ascii: "S"): return (.function(4), 3)
            case UInt8(ascii: "A"): return (.up, 3)
            case UInt8(ascii: "B"): return (.down, 3)
            case UInt8(ascii: "C"): return (.right, 3)
            case UInt8(ascii: "D"): return (.left, 3)
            case UInt8(ascii: "H"): return (.home, 3)
            case UInt8(ascii: "F"): return (.end, 3)
            case UInt8(ascii: "M"): return (.enter, 3)
            default: return (nil, 3)
            }
        }
        guard second == UInt8(ascii: "[") else {
            // Alt with a key, or Escape typed before another key: Escape, then the key.
            return (.escape, 1)
        }
        // CSI: parameters, then one final byte in 0x40...0x7E. The Linux console writes F1–F5 as ESC [ [ A…E.
        var index = start + 2
        if index < pending.count, pending[index] == UInt8(ascii: "[") {
            guard index + 1 < pending.count else { return nil }
            let final = pending[index + 1]
            let number = Int(final) - Int(UInt8(ascii: "A")) + 1
            return ((1...5).contains(number) ? .function(number) : nil, index + 2 - start)
        }
        while index < pending.count, !(0x40...0x7E).contains(pending[index]) { index += 1 }
        guard index < pending.count else { return nil }
        let final = pending[index]
        let parameters = String(decoding: pending[(start + 2)..<index], as: UTF8.self)
        let first = Int(parameters.split(separator: ";").first ?? "") ?? 0
        let length = index + 1 - start
        switch final {
        case UInt8(ascii: "A"): return (.up, length)
        case UInt8(ascii: "B"): return (.down, length)
        case UInt8(ascii: "C"): return (.right, length)
        case UInt8(ascii: "D"): return (.left, length)
        case UInt8(ascii: "H"): return (.home, length)
        case UInt8(ascii: "F"): return (.end, length)
        case UInt8(ascii: "P"): return (.function(1), length)
        case UInt8(ascii: "Q"): return (.function(2), length)
        case UInt8(ascii: "R"): return (.function(3), length)
        case UInt8(ascii: "S"): return (.function(4), length)
        case UInt8(ascii: "Z"): return (.tab, length)
        case UInt8(ascii: "~"):
            let keys: [Int: Key] = [
                1: .home, 7: .home, 4: .end, 8: .end, 3: .delete, 5: .pageUp, 6: .pageDown,
                11: .function(1), 12: .function(2), 13: .function(3), 14: .function(4), 15: .function(5),
                17: .function(6), 18: .function(7), 19: .function(8), 20: .function(9), 21: .function(10),
                23: .function(11), 24: .function(12),
            ]
            return (keys[first], length)
        default:
            return (nil, length)
        }
    }
}
