import AtelierConsole
import ArgumentParser
import Foundation

/// `atelier moderate`: the moderator's console, full screen in a terminal, line by line in scripts.
struct ModerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "moderate",
        abstract: "Run a live session from the terminal with the moderator key.",
        discussion: """
            In a terminal it shows the dashboard: type commands (help lists them, Tab completes) or use \
            the function keys. When standard input is not a terminal it runs in script mode: one command \
            per line, printing "ok …", "error CODE: …" and "event SEQ NAME …" lines. Script exit status: \
            0 all accepted, 3 some line refused or unreadable, 1 connection failed or entry refused.
            """)

    @Argument(help: "Server address: ws://HOST:PORT/ws, or the http:// address the server printed.")
    var url: String = "ws://127.0.0.1:8080/ws"

    @Option(help: "The session's join code.")
    var code: String

    @Option(help: "The moderator key (default: $ATELIER_MODERATOR_KEY, which keeps it out of shell history).")
    var key: String?

    @Option(help: "The name you appear under.")
    var name: String = "Moderator"

    @Option(help: "Language to join in (default: the workshop's first).")
    var language: String?

    @Flag(help: "Script mode: run commands that need a confirmation (end, rooms close now…) without asking.")
    var yes = false

    @Flag(help: "Script mode: also print the events from before the console connected.")
    var history = false

    @Flag(help: "Script mode: after the last line, keep printing events until the connection ends.")
    var follow = false

    @Flag(help: "Join as a new moderator instead of coming back as the one this machine last was in this session.")
    var newIdentity = false

    @Flag(help: "Script mode even on a terminal.")
    var script = false

    @Option(help: "Script mode: seconds to wait for the session and for each answer.")
    var timeout: Double = 15

    func validate() throws {
        if resolvedKey == nil {
            throw ValidationError("Give the moderator key with --key or in the ATELIER_MODERATOR_KEY environment variable.")
        }
        if !(timeout > 0) { throw ValidationError("--timeout must be positive.") }
    }

    private var resolvedKey: String? {
        if let key, !key.isEmpty { return key }
        let fromEnvironment = ProcessInfo.processInfo.environment["ATELIER_MODERATOR_KEY"] ?? ""
        return fromEnvironment.isEmpty ? nil : fromEnvironment
    }

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let options = ConsoleOptions(
            url: url, code: code, key: resolvedKey ?? "", name: name, language: language,
            colour: (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb",
            assumeYes: yes, printHistory: history, follow: follow, timeout: timeout,
            identity: newIdentity ? nil : ModeratorIdentity(folder: Defaults.moderatorIdentities, url: url, code: code))
        let status = !script && ConsoleApp.canRunFullScreen
            ? ConsoleApp(options: options).run()
            : ScriptRunner(options: options).run()
        if status != 0 { throw ExitCode(status) }
    }
}
