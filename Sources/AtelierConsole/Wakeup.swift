import AtelierClient
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The read end of the pipe that signal handlers write to; set once by `Wakeup.installSignals`.
nonisolated(unsafe) private var signalPipe: Int32 = -1
/// Set by the SIGWINCH handler; read and cleared by the console loop.
private let resized = Atomic<Bool>(false)
/// Set by SIGTERM and SIGHUP: the console restores the terminal and leaves.
private let terminated = Atomic<Bool>(false)

/// Wakes the console's `poll` loop: updates from the connection thread, terminal resizes and
/// termination signals all write a byte to one pipe.
final class Wakeup: @unchecked Sendable {
    let readEnd: Int32
    private let writeEnd: Int32
    private let updates = Mutex<[SessionConnection.Update]>([])

    init() throws(ConsoleError) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw ConsoleError("cannot create a pipe") }
        readEnd = fds[0]
        writeEnd = fds[1]
        for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
    }

    deinit {
        close(readEnd)
        close(writeEnd)
    }

    /// Queues an update (any thread) and wakes the loop.
    func push(_ update: SessionConnection.Update) {
        let wasEmpty = updates.withLock { queue -> Bool in
            queue.append(update)
            return queue.count == 1
        }
        if wasEmpty { poke() }
    }

    /// Everything queued since the last call.
    func drain() -> [SessionConnection.Update] {
        var buffer = [UInt8](repeating: 0, count: 256)
        while read(readEnd, &buffer, buffer.count) > 0 {}
        return updates.withLock { queue in
            defer { queue = [] }
            return queue
        }
    }

    /// Wakes the loop.
    func poke() {
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    /// Routes SIGWINCH, SIGTERM and SIGHUP to this pipe (the handlers only set a flag and write a byte).
    func installSignals() {
        signalPipe = writeEnd
        signal(SIGWINCH) { _ in
            resized.store(true, ordering: .relaxed)
            var byte: UInt8 = 2
            _ = write(signalPipe, &byte, 1)
        }
        let stop: @convention(c) (Int32) -> Void = { _ in
            terminated.store(true, ordering: .relaxed)
            var byte: UInt8 = 3
            _ = write(signalPipe, &byte, 1)
        }
        signal(SIGTERM, stop)
        signal(SIGHUP, stop)
        signal(SIGPIPE, SIG_IGN)
    }

    /// Whether the terminal was resized since the last call.
    func takeResize() -> Bool { resized.exchange(false, ordering: .relaxed) }

    /// Whether a termination signal arrived.
    var wasTerminated: Bool { terminated.load(ordering: .relaxed) }
}
