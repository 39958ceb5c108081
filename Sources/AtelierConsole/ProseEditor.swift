#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Opens a text in the person's own editor on the terminal and reads back what they saved.
public enum ProseEditor {
    /// The editor to run: `$VISUAL`, else `$EDITOR`, else Debian's `editor` when it is on the
    /// `PATH`, else `vi`. A variable may hold arguments (`code --wait`), as for git.
    public static func command(environment: (String) -> String? = ProseEditor.variable) -> String {
        for name in ["VISUAL", "EDITOR"] {
            if let value = environment(name), !value.trimmingBlankLines().isEmpty { return value }
        }
        let path = environment("PATH") ?? "/usr/bin:/bin"
        let hasEditor = path.split(separator: ":").contains { access("\($0)/editor", X_OK) == 0 }
        return hasEditor ? "editor" : "vi"
    }

    /// Writes `text` to a temporary file only its owner may read, runs the editor on it and waits
    /// for it, then returns the file's text. The terminal must be out of raw mode meanwhile.
    public static func edit(_ text: String) throws(ConsoleError) -> String {
        let folder = variable("TMPDIR").flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(folder)/atelier-XXXXXX.md".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemps($0.baseAddress!, 3) }
        guard descriptor >= 0 else { throw ConsoleError("cannot create a temporary file in \(folder)") }
        let path = String(cString: template)
        defer { unlink(path) }
        let written = writeAll(descriptor, Array(text.utf8))
        close(descriptor)
        guard written else { throw ConsoleError("cannot write the temporary file \(path)") }

        let editor = command()
        let status = try run(["/bin/sh", "-c", editor + " \"$1\"", "sh", path])
        guard status == 0 else { throw ConsoleError("the editor (\(editor)) exited with status \(status); nothing was sent") }
        return try readAll(path)
    }

    /// Runs `arguments` on the terminal and waits; while it runs, the console ignores the
    /// Ctrl-C and Ctrl-\ meant for the editor, which gets them as usual.
    private static func run(_ arguments: [String]) throws(ConsoleError) -> Int32 {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGQUIT)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))

        let previousInterrupt = signal(SIGINT, SIG_IGN)
        let previousQuit = signal(SIGQUIT, SIG_IGN)
        defer {
            signal(SIGINT, previousInterrupt)
            signal(SIGQUIT, previousQuit)
        }
        var argv = arguments.map { strdup($0) }
        argv.append(nil)
        defer { for pointer in argv { free(pointer) } }
        var child: pid_t = 0
        let spawned = posix_spawn(&child, arguments[0], nil, &attributes, argv, environ)
        guard spawned == 0 else { throw ConsoleError("cannot run the editor: \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(child, &status, 0) < 0 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS: the low 7 bits are the signal that ended it, the next 8 the exit code.
        return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// A variable of this process's environment.
    public static func variable(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }

    private static func readAll(_ path: String) throws(ConsoleError) -> String {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw ConsoleError("the editor left no file at \(path); nothing was sent") }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = read(descriptor, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += buffer[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
