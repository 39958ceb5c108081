import CWebSockets
import Dispatch
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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


/// Nanoseconds of the monotonic clock: for durations, which a change of the wall clock must not bend.
func monotonicNanoseconds() -> Int64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
}

/// Milliseconds of the monotonic clock.
func monotonicMilliseconds() -> Int64 { monotonicNanoseconds() / 1_000_000 }

/// Errors thrown when starting the transport.
public enum TransportError: Error, Sendable, Equatable {
    case alreadyStarted
    case threadCreationFailed(code: Int)
    case contextCreationFailed
    case listenFailed(host: String, port: Int)
    case webRootNotADirectory(String)
}

/// How much of libwebsockets' own log reaches the logger.
public enum LibraryLogLevel: Sendable {
    case off
    /// lws errors (logged at `.warning`). The default.
    case errors
    /// errors and warnings (warnings logged at `.notice`).
    case warnings
    /// everything up to lws "notice" and "info" (logged at `.debug`).
    case verbose

    var lwsMask: Int32 {
        switch self {
        case .off: return 0
        case .errors: return Int32(LLL_ERR)
        case .warnings: return Int32(LLL_ERR | LLL_WARN)
        case .verbose: return Int32(LLL_ERR | LLL_WARN | LLL_NOTICE | LLL_INFO)
        }
    }
}

/// Routes libwebsockets' process-wide log to a swift-log `Logger`.
///
/// lws has one global log hook, so the most recently installed logger wins.
enum LibraryLog {
    private static let sink = Mutex<Logger?>(nil)

    static func install(_ logger: Logger, level: LibraryLogLevel) {
        sink.withLock { $0 = logger }
        lws_set_log_level(level.lwsMask) { level, line in
            guard let line else { return }
            var text = String(cString: line)
            while let last = text.last, last == "\n" || last == "\r" { text.removeLast() }
            let mapped: Logger.Level
            if level & Int32(LLL_ERR) != 0 {
                mapped = .warning
            } else if level & Int32(LLL_WARN) != 0 {
                mapped = .notice
            } else {
                mapped = .debug
            }
            guard let logger = LibraryLog.sink.withLock({ $0 }) else { return }
            logger.log(level: mapped, "lws: \(text)")
        }
    }
}
