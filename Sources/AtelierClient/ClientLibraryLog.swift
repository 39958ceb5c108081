import CWebSockets

/// The libwebsockets log, which is process-wide and goes to standard error by default.
public enum ClientLibraryLog {
    /// Turns the library's own log off: a full-screen terminal client must not have lines
    /// written over its screen, and it reports connection problems itself.
    public static func silence() {
        lws_set_log_level(0, nil)
    }
}
