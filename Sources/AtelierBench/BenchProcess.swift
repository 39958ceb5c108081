import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A process serving the bench (an `atelier serve`, a relay, Redis), whose CPU time and memory
/// the bench reads from /proc: the figures are that process's alone.
public protocol BenchProcess: AnyObject {
    var process: Process { get }
}

/// An atelier process listening on a loopback port.
public protocol ServingProcess: BenchProcess {
    var port: Int { get }
}

extension BenchProcess {
    public var pid: Int32 { process.processIdentifier }

    /// User + system CPU seconds the process has used so far (/proc/PID/stat).
    public func cpuSeconds() -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Resident memory now and at its peak, in KiB (/proc/PID/status VmRSS and VmHWM).
    public func residentKiB() -> (now: Int, peak: Int) {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return (0, 0) }
        func value(_ key: String) -> Int {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key) }) else { return 0 }
            return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        }
        return (value("VmRSS:"), value("VmHWM:"))
    }

    /// Stops the process with SIGTERM (an atelier server stores its last events before it exits) and waits.
    public func stop() {
        guard process.isRunning else { return }
        kill(pid, SIGTERM)
        process.waitUntilExit()
    }
}

extension ServingProcess {
    /// The server's `/metrics` samples by name (labels kept in the name).
    public func metrics() -> [String: Double] {
        guard let text = HTTPGet.fetch(port: port, path: "/metrics") else { return [:] }
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let value = Double(parts[1]) { samples[String(parts[0])] = value }
        }
        return samples
    }
}
