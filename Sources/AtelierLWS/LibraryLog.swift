import CWebSockets
import Logging
import Synchronization

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

/// libwebsockets' log, which is process-wide and goes to standard error by default: routed to a
/// swift-log `Logger` by the server, silenced by a full-screen client.
///
/// lws has one global log hook, so the most recently installed logger wins.
public enum LibraryLog {
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

    /// Turns the library's own log off: a full-screen terminal client must not have lines
    /// written over its screen, and it reports connection problems itself.
    public static func silence() {
        lws_set_log_level(0, nil)
    }
}
