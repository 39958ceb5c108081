import CWebSockets

/// SHA-256 by OpenSSL, the library libwebsockets already links (through its headers, so no other
/// module touches C to hash a secret).
public enum SHA256 {
    /// The 32-byte digest of `bytes`.
    public static func digest(_ bytes: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        // EVP_Digest returns 1 on success; with SHA-256 and in-memory buffers it cannot fail short of
        // memory exhaustion, which is fatal anyway.
        let ok = bytes.withUnsafeBytes { input in
            EVP_Digest(input.baseAddress, input.count, &digest, &length, EVP_sha256(), nil)
        }
        precondition(ok == 1, "SHA-256 failed")
        return Array(digest.prefix(Int(length)))
    }

    /// The digest of `bytes` as lowercase hexadecimal.
    public static func hexDigest(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(digest(bytes).flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] })
    }
}
