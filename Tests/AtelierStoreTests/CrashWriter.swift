import Foundation

/// Drives the `atelier-store-crash-writer` executable: starts it, reads its reports, and kills it with SIGKILL.
struct CrashWriter {
    /// What the child printed and how it ended.
    struct Outcome {
        /// Every stdout line, including those still in the pipe when the child was killed.
        var lines: [String]
        /// Whether SIGKILL ended the child, as opposed to it exiting or failing on its own.
        var wasKilled: Bool
        /// Whatever the child wrote to stderr, to explain an early exit.
        var errorOutput: String
    }

    /// Location of the crash writer binary, which SwiftPM builds next to the test bundle since the tests depend on it.
    static func executableURL() throws -> URL {
        let name = "atelier-store-crash-writer"
        var folders: [URL] = []
        if let testExecutable = Bundle.main.executableURL {
            folders.append(testExecutable.deletingLastPathComponent())
        }
        folders += Bundle.allBundles.filter { $0.bundleURL.pathExtension == "xctest" }
            .map { $0.bundleURL.deletingLastPathComponent() }
        let candidates = folders.map { $0.appendingPathComponent(name) }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: candidates.map(\.path)])
        }
        return found
    }

    /// Runs the child in `mode` on `path` and passes each stdout line to `shouldKill`; at the first `true` the child
    /// is killed after a random delay of up to `jitter` seconds, so repeated runs stop it at varying points of its work.
    ///
    /// A watchdog kills the child after `timeout` seconds anyway, so a stuck child fails the test instead of hanging it.
    static func run(
        mode: String, path: String, jitter: TimeInterval = 0, timeout: TimeInterval = 120,
        killWhen shouldKill: (String) -> Bool
    ) throws -> Outcome {
        let process = Process()
        process.executableURL = try executableURL()
        process.arguments = [mode, path]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()

        let pid = process.processIdentifier
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)

        var lines: [String] = []
        var pending = Data()
        var killed = false
        while true {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            pending.append(chunk)
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                pending.removeSubrange(pending.startIndex...newline)
                lines.append(line)
                if !killed && shouldKill(line) {
                    Thread.sleep(forTimeInterval: .random(in: 0...jitter))
                    kill(pid, SIGKILL)
                    killed = true
                }
            }
        }
        process.waitUntilExit()
        watchdog.cancel()

        let errorOutput = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let wasKilled = killed && process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL
        return Outcome(lines: lines, wasKilled: wasKilled, errorOutput: errorOutput)
    }
}
