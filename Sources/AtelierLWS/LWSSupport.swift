import CWebSockets

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Bytes lws needs in front of every payload it writes (frame header room).
@usableFromInline
let lwsPre: Int = Int(atelier_lws_pre())

/// A context pointer as other threads may use it: only to call `lws_cancel_service`, which lws
/// documents as callable from any thread, and only under its owner's lock while the context is
/// alive. The server and the client loop wake their service thread with it.
struct WakeHandle: @unchecked Sendable {
    let context: OpaquePointer

    func wake() { lws_cancel_service(context) }
}

/// C strings that lws structures point to. lws keeps the pointers (protocol
/// names, interface, certificate paths...) for the life of the context, so
/// they are `strdup`'d here and freed only after `lws_context_destroy`.
///
/// Owned by one service-thread owner; not thread safe.
struct OwnedCStrings {
    private var pointers: [UnsafeMutablePointer<CChar>] = []

    mutating func own(_ string: String) -> UnsafePointer<CChar> {
        guard let p = strdup(string) else { fatalError("out of memory") }
        pointers.append(p)
        return UnsafePointer(p)
    }

    mutating func freeAll() {
        for p in pointers { free(p) }
        pointers.removeAll()
    }
}

/// Decodes a NUL-terminated C string held in an array.
func cString(_ buffer: [CChar]) -> String {
    buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
}
