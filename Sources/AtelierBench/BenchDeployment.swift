import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What serves a bench run: one `atelier serve`, or (scenario 8) a Redis, an owner publishing to
/// it and relays following it (docs/SCALING.md, "Owner and relays"). Participants connect to the
/// relays directly, in turn: HAProxy would only spread them the same way, and would take a process
/// of its own from the two cores being measured.
final class BenchDeployment {
    /// The process that decides and appends: the single server, or the owner.
    let owner: ServerProcess
    let relays: [RelayProcess]
    let redis: RedisProcess?

    /// Where participants connect, connection `i` to `ports[i % ports.count]`.
    var ports: [Int] { relays.isEmpty ? [owner.port] : relays.map(\.port) }

    /// Every process, named as the report names it.
    var processes: [(name: String, process: any BenchProcess)] {
        guard let redis else { return [("server", owner)] }
        return [("owner", owner)] + relays.enumerated().map { ("relay \($0.offset + 1)", $0.element) } + [("redis", redis)]
    }

    /// The atelier processes, whose `/metrics` count connections and queue drops.
    var servers: [any ServingProcess] { [owner] + relays }

    private init(owner: ServerProcess, relays: [RelayProcess], redis: RedisProcess?) {
        self.owner = owner
        self.relays = relays
        self.redis = redis
    }

    /// Starts one server, or with `relays` > 0 Redis, the owner and the relays, each logging
    /// into `directory`; whatever started is stopped again if a later one fails.
    static func start(binary: String, workshop: String, directory: String, relays count: Int) throws -> BenchDeployment {
        let database = directory + "/bench.db"
        guard count > 0 else {
            return BenchDeployment(
                owner: try ServerProcess(binary: binary, workshop: workshop, database: database, log: directory + "/server.log"),
                relays: [], redis: nil)
        }
        let redis = try RedisProcess(log: directory + "/redis.log")
        var started: [any BenchProcess] = [redis]
        do {
            let owner = try ServerProcess(
                binary: binary, workshop: workshop, database: database, extraArguments: ["--redis", redis.url],
                log: directory + "/owner.log")
            started.append(owner)
            try owner.waitForHealth(#""publishing":true"#, what: "the owner reaching Redis")
            var relays: [RelayProcess] = []
            for index in 1...count {
                let relay = try RelayProcess(binary: binary, redis: redis.url, log: directory + "/relay-\(index).log")
                started.append(relay)
                relays.append(relay)
            }
            return BenchDeployment(owner: owner, relays: relays, redis: redis)
        } catch {
            for process in started.reversed() { process.stop() }
            throw error
        }
    }

    /// User + system CPU seconds of each process, in `processes` order.
    func cpuSeconds() -> [Double] { processes.map { $0.process.cpuSeconds() } }

    /// Each process's CPU (`cpuPercent` in `processes` order), memory and connections, for the report.
    func figures(cpuPercent: [Double]) -> [BenchReport.ProcessFigures] {
        processes.enumerated().map { index, named in
            let memory = named.process.residentKiB()
            return BenchReport.ProcessFigures(
                name: named.name, cpuPercent: index < cpuPercent.count ? cpuPercent[index] : 0,
                rssKiB: memory.now, peakRSSKiB: memory.peak,
                connections: (named.process as? any ServingProcess).map { Int($0.metrics()["atelier_connections"] ?? 0) })
        }
    }

    /// A counter of `/metrics` summed over the atelier processes.
    func metric(_ name: String) -> Double { servers.reduce(0) { $0 + ($1.metrics()[name] ?? 0) } }

    /// Stops the relays, then the owner (which stores its last events), then Redis.
    func stop() {
        for relay in relays { relay.stop() }
        owner.stop()
        redis?.stop()
    }
}

/// `atelier serve --redis URL --relay` on a free loopback port, returned once it follows Redis.
final class RelayProcess: ServingProcess {
    let process: Process
    let port: Int

    init(binary: String, redis: String, log: String) throws {
        let (process, banner) = try ServerProcess.launch(binary, [
            "serve", "--redis", redis, "--relay", "--host", "127.0.0.1", "--port", "0", "--log-level", "warning",
            "--web", "/nonexistent-web-root",
        ], log: log)
        guard let port = ServerProcess.port(in: banner) else {
            process.terminate()
            process.waitUntilExit()
            throw BenchError("could not read the relay's banner:\n\(banner)")
        }
        self.process = process
        self.port = port
        do { try waitForHealth(#""following":true"#, what: "a relay following Redis") } catch {
            stop()
            throw error
        }
    }
}

extension ServingProcess {
    /// Waits until the process's `/healthz` contains `expected`.
    func waitForHealth(_ expected: String, what: String, timeoutSeconds: Double = 15) throws {
        let deadline = monotonicNanoseconds() + Int64(timeoutSeconds * 1e9)
        while HTTPGet.fetch(port: port, path: "/healthz")?.contains(expected) != true {
            guard monotonicNanoseconds() < deadline, process.isRunning else { throw BenchError("timed out waiting for \(what)") }
            usleep(50_000)
        }
    }
}

/// A `redis-server` on a free loopback port that keeps nothing on disk.
final class RedisProcess: BenchProcess {
    let process: Process
    let port: Int
    var url: String { "redis://127.0.0.1:\(port)" }

    init(log: String) throws {
        guard let binary = Self.find("redis-server") else {
            throw BenchError("redis-server is not installed (not on PATH): scenario 8 runs an owner and relays over Redis; "
                + "install it (Debian: apt install redis-server) or run a single-process scenario")
        }
        guard let port = Self.freePort() else { throw BenchError("no free loopback port for Redis") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--port", "\(port)", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: log)
        process.standardError = process.standardOutput
        try process.run()
        self.process = process
        self.port = port
        let deadline = monotonicNanoseconds() + 10_000_000_000
        while true {
            if let socket = LeanSocket.connectRaw(port: port) {
                close(socket)
                break
            }
            guard monotonicNanoseconds() < deadline, process.isRunning else {
                stop()
                throw BenchError("redis-server did not start on port \(port); see \(log)")
            }
            usleep(20_000)
        }
    }

    /// An executable of that name on PATH.
    private static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// A loopback port nobody listens on now (the kernel's pick for a socket bound to port 0).
    private static func freePort() -> Int? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = in_addr_t(0x7f00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        return bound ? Int(UInt16(bigEndian: address.sin_port)) : nil
    }
}
