#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The controlling terminal in raw mode: keys one by one, no echo, no signals from Ctrl-C.
///
/// `restore()` (also run by `deinit`) puts back the settings it found, leaves the alternate
/// screen and shows the cursor. Main thread only.
final class Terminal {
    private var original = termios()
    private var active = false

    /// Whether standard input and output are terminals.
    static var isInteractive: Bool { isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1 }

    /// Switches the terminal to raw mode and the alternate screen.
    init() throws(ConsoleError) {
        guard tcgetattr(STDIN_FILENO, &original) == 0 else { throw ConsoleError("cannot read the terminal settings") }
        try enter()
    }

    /// Raw mode and the alternate screen, again after `restore()` (back from an editor).
    func enter() throws(ConsoleError) {
        var raw = original
        raw.c_iflag &= ~tcflag_t(BRKINT | ICRNL | INPCK | ISTRIP | IXON)
        raw.c_cflag |= tcflag_t(CS8)
        raw.c_lflag &= ~tcflag_t(ECHO | ICANON | IEXTEN | ISIG)
        withUnsafeMutableBytes(of: &raw.c_cc) { bytes in
            bytes[Int(VMIN)] = 0
            bytes[Int(VTIME)] = 0
        }
        guard tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) == 0 else { throw ConsoleError("cannot set the terminal to raw mode") }
        active = true
        write("\u{1B}[?1049h\u{1B}[H\u{1B}[2J")
    }

    deinit { restore() }

    /// Puts the terminal back as it was.
    func restore() {
        guard active else { return }
        active = false
        write("\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l")
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &original)
    }

    /// Columns and rows; 80×24 when the terminal does not say.
    var size: (width: Int, height: Int) {
        var window = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &window) == 0, window.ws_col > 0, window.ws_row > 0 {
            return (Int(window.ws_col), Int(window.ws_row))
        }
        return (80, 24)
    }

    /// Writes everything, retrying short writes.
    func write(_ text: String) {
        _ = writeAll(STDOUT_FILENO, Array(text.utf8))
    }
}

/// Writes all of `bytes` to `descriptor`, retrying short and interrupted writes; false when the
/// descriptor takes no more.
func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) -> Bool {
    var offset = 0
    while offset < bytes.count {
        let count = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
        if count < 0 && (errno == EINTR || errno == EAGAIN) { continue }
        guard count > 0 else { return false }
        offset += count
    }
    return true
}

/// An error of the console itself (not of the server).
public struct ConsoleError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
