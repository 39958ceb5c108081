import AtelierClient
import AtelierLWS

/// What `atelier moderate` was asked to do.
public struct ConsoleOptions: Sendable {
    /// The server's websocket (or page) address.
    public var url: String
    /// The session's join code.
    public var code: String
    /// The moderator key.
    public var key: String
    /// The name the moderator joins under.
    public var name: String
    /// The language to join in; nil for the workshop's first.
    public var language: String?
    /// Whether to draw in colour (off with `NO_COLOR`).
    public var colour: Bool
    /// Script mode: run commands that need a confirmation without asking.
    public var assumeYes: Bool
    /// Script mode: print the events that happened before the console connected.
    public var printHistory: Bool
    /// Script mode: after the last line, keep printing events until the connection ends.
    public var follow: Bool
    /// Script mode: seconds to wait for the session, and for each answer.
    public var timeout: Double
    /// Where the reconnect token is kept between runs; nil keeps none (each run joins anew).
    public var identity: ModeratorIdentity?

    /// Options with the given connection details and the usual defaults.
    public init(url: String, code: String, key: String, name: String = "Moderator", language: String? = nil,
                colour: Bool = true, assumeYes: Bool = false, printHistory: Bool = false, follow: Bool = false,
                timeout: Double = 15, identity: ModeratorIdentity? = nil) {
        self.url = url; self.code = code; self.key = key; self.name = name; self.language = language
        self.colour = colour; self.assumeYes = assumeYes; self.printHistory = printHistory; self.follow = follow
        self.timeout = timeout; self.identity = identity
    }

    /// The connection configuration for these options; scripts give up sooner than people.
    func connection(script: Bool) -> SessionConnection.Configuration {
        SessionConnection.Configuration(
            url: url, code: code, entry: .moderate(key: key, name: name, language: language),
            maximumAttempts: script ? 8 : nil, resumeToken: identity?.load())
    }

    /// The session connection a console or a script runs on: its updates go to the returned
    /// `Wakeup`, which the caller's loop waits on; the client library's own log is silenced.
    func open(script: Bool) throws -> (Wakeup, SessionConnection) {
        LibraryLog.silence()
        let wakeup = try Wakeup()
        let connection = try SessionConnection(configuration: connection(script: script)) { [wakeup] update in
            wakeup.push(update)
        }
        return (wakeup, connection)
    }

    /// Keeps the token of a welcome (after `moderate`) for the next run.
    func remember(_ update: SessionConnection.Update) {
        if case .change(.welcomed(let welcome)) = update, let token = welcome.token { identity?.save(token) }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Seconds on a monotonic clock, for timeouts.
func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

/// Waits until one of `fds` is readable or `timeout` seconds pass; returns which are readable.
func waitReadable(_ fds: [Int32], timeout: Double) -> [Bool] {
    var polls = fds.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
    let milliseconds = Int32(max(0, min(timeout, 3600)) * 1000)
    let count = poll(&polls, nfds_t(polls.count), milliseconds)
    guard count > 0 else { return fds.map { _ in false } }
    return polls.map { $0.revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 }
}
