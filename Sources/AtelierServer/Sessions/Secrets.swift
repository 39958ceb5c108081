import AtelierLWS
import AtelierStore

/// Random secrets and their hashes: reconnect tokens, moderator keys, join codes.
///
/// Randomness comes from `SystemRandomNumberGenerator` (getrandom(2) on Linux, suitable for
/// secrets); hashing is OpenSSL's SHA-256 through the transport (`AtelierLWS.SHA256`).
public enum Secrets {
    /// Letters and digits that cannot be confused when read aloud or typed (no I, L, O, 0, 1).
    static let readableAlphabet = Array("ABCDEFGHJKMNPQRSTUVWXYZ23456789")

    /// A reconnect token: 128 random bits as 32 hexadecimal characters.
    public static func token() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in hex(UInt8.random(in: .min ... .max, using: &generator)) }.joined()
    }

    /// A moderator key people can type: four groups of four readable characters (about 79 bits).
    public static func moderatorKey() -> String {
        (0..<4).map { _ in readable(count: 4) }.joined(separator: "-")
    }

    /// A short join code of readable characters.
    public static func joinCode(length: Int = 6) -> String { readable(count: length) }

    /// A session identifier: `s` and twelve lowercase readable characters.
    public static func sessionID() -> String { "s" + readable(count: 12).lowercased() }

    /// A random salt for hashing a moderator key.
    public static func salt() -> String { token() }

    /// SHA-256 of `text` as lowercase hexadecimal.
    public static func sha256(_ text: String) -> String { sha256(bytes: Array(text.utf8)) }

    /// SHA-256 of `bytes` as lowercase hexadecimal.
    public static func sha256(bytes: [UInt8]) -> String { SHA256.hexDigest(bytes) }

    /// The stored form of a reconnect token: its hash, so a stolen database holds no usable token.
    public static func credential(forToken token: String) -> String { sha256("token:" + token) }

    /// The stored form of a moderator key with its salt.
    public static func keyHash(_ key: String, salt: String) -> String { sha256(salt + ":" + key) }

    /// Whether `key` is the moderator key whose salted hash `record` stores, compared in constant time.
    public static func isModeratorKey(_ key: String, of record: SessionRecord) -> Bool {
        constantTimeEquals(keyHash(key, salt: record.moderatorKeySalt), record.moderatorKeyHash)
    }

    /// Compares two strings in time that depends only on their lengths, for checking secrets.
    public static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let (left, right) = (Array(lhs.utf8), Array(rhs.utf8))
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }

    private static func readable(count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in readableAlphabet.randomElement(using: &generator)! })
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}
