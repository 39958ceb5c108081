import CZlib

/// DEFLATE through zlib: files served gzip-encoded, and the catch-ups of clients that ask for them
/// compressed.
public enum Deflate {
    /// The gzip stream (RFC 1952) of `bytes` at zlib's best compression: a file is compressed once.
    static func gzip(_ bytes: [UInt8]) -> [UInt8]? {
        // 15 + 16: the largest window, with a gzip header and trailer instead of zlib's.
        compressed(bytes, level: Z_BEST_COMPRESSION, windowBits: 15 + 16)
    }

    /// The raw DEFLATE stream (RFC 1951: no header nor trailer, as browsers'
    /// `DecompressionStream("deflate-raw")` reads it) of `bytes`, at zlib's fastest level: a
    /// catch-up is compressed for each connection that asks, on the service thread.
    public static func raw(_ bytes: [UInt8]) -> [UInt8]? {
        compressed(bytes, level: Z_BEST_SPEED, windowBits: -15)
    }

    private static func compressed(_ bytes: [UInt8], level: Int32, windowBits: Int32) -> [UInt8]? {
        var stream = z_stream()
        guard deflateInit2_(&stream, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY,
                            zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { deflateEnd(&stream) }
        var input = bytes
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))))
        let status = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { destination in
                stream.next_in = source.baseAddress
                stream.avail_in = uInt(source.count)
                stream.next_out = destination.baseAddress
                stream.avail_out = uInt(destination.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { return nil }
        output.removeLast(Int(stream.avail_out))
        return output
    }
}
