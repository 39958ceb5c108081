import CWebSockets

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One serialized outbound message (text, or binary when `isBinary`), shared by every connection
/// it is queued on.
///
/// The payload is written once, at creation, into a single heap buffer that keeps
/// `LWS_PRE` bytes of headroom in front of it, so lws can put the websocket frame
/// header there and send the payload without copying it. Broadcasting a frame to
/// N connections therefore costs N references, not N copies.
///
/// Thread safety: the payload is immutable after `init`. The headroom is scribbled
/// on by lws, but only on the server's service thread, and a server never masks
/// (unlike a client), so every recipient sees the same header bytes for the same
/// frame. That is why this type can be `@unchecked Sendable`: create frames on any
/// thread, hand them to the service thread (for example through `post`).
public final class OutboundFrame: @unchecked Sendable {
    /// Start of the allocation: `lwsPre` bytes of headroom, then `count` payload bytes.
    let storage: UnsafeMutableRawPointer
    /// Payload length in bytes.
    public let count: Int
    /// Whether the server may send it joined with the groupable frames queued after it, as one
    /// message (`ServerConfiguration.grouping`), when a connection has several waiting.
    public let groupable: Bool
    /// Sent as a binary message; never grouped.
    public let isBinary: Bool

    /// Makes a frame of `count` bytes whose payload is written by `body`.
    /// This lets a serializer write straight into the frame's buffer.
    public init(
        count: Int, groupable: Bool = false, binary: Bool = false,
        initializingPayloadWith body: (UnsafeMutableRawBufferPointer) throws -> Void
    ) rethrows {
        precondition(count >= 0 && !(groupable && binary))
        self.count = count
        self.groupable = groupable
        isBinary = binary
        storage = UnsafeMutableRawPointer.allocate(byteCount: lwsPre + max(count, 1), alignment: 16)
        do {
            try body(UnsafeMutableRawBufferPointer(start: storage + lwsPre, count: count))
        } catch {
            storage.deallocate()
            throw error
        }
    }

    /// Makes a frame holding the UTF-8 bytes of `text`.
    public convenience init(text: String) {
        var text = text
        let count = text.utf8.count
        self.init(count: count) { dst in
            text.withUTF8 { src in
                if let base = src.baseAddress, count > 0 {
                    dst.baseAddress!.copyMemory(from: base, byteCount: count)
                }
            }
        }
    }

    /// Makes a frame holding a copy of `bytes`.
    public convenience init(bytes: [UInt8], groupable: Bool = false, binary: Bool = false) {
        self.init(count: bytes.count, groupable: groupable, binary: binary) { dst in
            bytes.withUnsafeBytes { src in
                if let base = src.baseAddress, src.count > 0 {
                    dst.baseAddress!.copyMemory(from: base, byteCount: src.count)
                }
            }
        }
    }

    /// Makes one message joining the payloads of `frames` in `grouping`, as the server joins the
    /// groupable frames waiting on a connection.
    public convenience init(joining frames: [OutboundFrame], in grouping: FrameGrouping) {
        self.init(count: grouping.count(joining: frames)) { destination in
            grouping.write(joining: frames, to: destination.baseAddress!)
        }
    }

    /// Makes one binary message holding the raw DEFLATE (`Deflate.raw`) of the payloads of
    /// `frames` joined in `grouping`; nil when zlib fails.
    public convenience init?(deflating frames: [OutboundFrame], in grouping: FrameGrouping) {
        var joined = [UInt8](repeating: 0, count: grouping.count(joining: frames))
        joined.withUnsafeMutableBytes { grouping.write(joining: frames, to: $0.baseAddress!) }
        guard let packed = Deflate.raw(joined) else { return nil }
        self.init(bytes: packed, binary: true)
    }

    deinit {
        storage.deallocate()
    }

    /// Pointer to the first payload byte (with `lwsPre` writable bytes before it).
    var payload: UnsafeMutablePointer<UInt8> {
        (storage + lwsPre).assumingMemoryBound(to: UInt8.self)
    }

    /// Calls `body` with the payload bytes.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: storage + lwsPre, count: count))
    }

    /// The payload decoded as UTF-8 (for logs and tests).
    public var text: String {
        withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
    }
}
