import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

/// A load scenario: who is in the session and what they do.
public struct BenchScenario: Sendable {
    public enum Kind: Sendable { case load, idle, saturation, flood, joinStorm }

    public var number: Int
    public var name: String
    public var kind: Kind
    public var participants: Int
    /// Rooms of a breakout (0: everyone in the plenary, every event to everyone).
    public var rooms: Int
    /// Notes per second over all participants, and dots placed or taken back per second.
    public var noteRate: Double
    public var dotRate: Double
    public var seconds: Double
    /// Seconds of load before measuring.
    public var warmup: Double = 2
    /// The moderator moves the agenda this often.
    public var agendaEvery: Double = 10
    /// Idle connections to ramp up to, in `idleStep` steps (idle scenario).
    public var idleTarget: Int = 10_000
    public var idleStep: Int = 2_000
    /// Note rates of a saturation sweep, and the p99 that ends it (ms).
    public var sweep: [Double] = []
    public var p99Limit: Double = 100
    /// Notes the flooder sends on each connection (flood scenario).
    public var floodBatch: Int = 60
    /// Relays serving the participants for an owner over Redis (0: one `atelier serve` does all).
    public var relays: Int = 0
    /// Whether the load generator yields the processor to the servers (`yieldToServers`).
    public var yields = false

    /// The scenarios of the benchmark.
    public static func numbered(_ number: Int) -> BenchScenario? {
        switch number {
        case 1: return BenchScenario(number: 1, name: "plenary, every event to everyone", kind: .load,
                                     participants: 1000, rooms: 0, noteRate: 20, dotRate: 0, seconds: 20)
        case 2: return BenchScenario(number: 2, name: "rooms with notes and votes", kind: .load,
                                     participants: 1000, rooms: 5, noteRate: 20, dotRate: 20, seconds: 20)
        case 3: return BenchScenario(number: 3, name: "large plenary", kind: .load,
                                     participants: 2000, rooms: 0, noteRate: 50, dotRate: 0, seconds: 20)
        case 4: return BenchScenario(number: 4, name: "connection capacity (idle connections)", kind: .idle,
                                     participants: 0, rooms: 0, noteRate: 0, dotRate: 0, seconds: 0)
        case 5: return BenchScenario(number: 5, name: "saturation (plenary, rising note rate)", kind: .saturation,
                                     participants: 2000, rooms: 0, noteRate: 0, dotRate: 0, seconds: 6,
                                     sweep: [25, 50, 75, 100, 150, 200, 300, 400])
        case 6: return BenchScenario(number: 6, name: "writers beside a participant who floods and reconnects", kind: .flood,
                                     participants: 50, rooms: 0, noteRate: 50, dotRate: 0, seconds: 10)
        case 7: return BenchScenario(number: 7, name: "a plenary opening: everyone joins at once", kind: .joinStorm,
                                     participants: 5000, rooms: 0, noteRate: 0, dotRate: 0, seconds: 0)
        case 8: return BenchScenario(number: 8, name: "relayed plenary: an owner and relays over Redis", kind: .load,
                                     participants: 10000, rooms: 0, noteRate: 10, dotRate: 0, seconds: 20, relays: 2)
        default: return nil
        }
    }
}

/// Runs a scenario against a fresh `atelier serve` and reports what it measured.
public final class BenchRunner {
    let scenario: BenchScenario
    let serverBinary: String
    let directory: String
    let progress: (String) -> Void
    /// Each serving process's CPU over the last load window, in percent of one core.
    private var processCPU: [Double] = []

    public init(scenario: BenchScenario, serverBinary: String, directory: String, progress: @escaping (String) -> Void) {
        self.scenario = scenario
        self.serverBinary = serverBinary
        self.directory = directory
        self.progress = progress
    }

    public func run() throws -> BenchReport {
        let workshop = directory + "/bench-workshop.json"
        try BenchWorkshop.json(rooms: scenario.rooms).write(toFile: workshop, atomically: true, encoding: .utf8)
        let deployment = try BenchDeployment.start(
            binary: serverBinary, workshop: workshop, directory: directory, relays: scenario.relays)
        defer { deployment.stop() }
        let server = deployment.owner
        for (name, process) in deployment.processes { progress("\(name) pid \(process.pid)") }
        if scenario.yields { try Self.yieldToServers() }
        progress("serving on port \(deployment.ports.map(String.init).joined(separator: ", ")), session \(server.code)")
        var report = BenchReport(
            scenario: scenario.number, name: scenario.name, participants: scenario.participants, rooms: scenario.rooms,
            noteRate: scenario.noteRate, dotRate: scenario.dotRate, seconds: scenario.seconds)
        report.relays = scenario.relays
        report.loadGeneratorYields = scenario.yields
        let driver = LoadDriver(ports: deployment.ports, code: server.code, moderatorKey: server.moderatorKey)
        driver.tracksNotes = scenario.dotRate > 0

        switch scenario.kind {
        case .idle:
            try idle(driver, server, &report)
        case .joinStorm:
            try driver.enterAsModerator(setup: [])
            progress("\(scenario.participants) joins sent at once")
            let storm = try driver.joinAtOnce(scenario.participants)
            report.joinStorm = BenchReport.JoinStorm(
                welcomed: storm.welcomed, synced: storm.synced, lost: storm.lost, seconds: storm.seconds)
        case .flood:
            try populate(driver)
            let quiet = try load(driver, deployment, noteRate: scenario.noteRate, dotRate: 0, seconds: scenario.seconds)
            try driver.startFlooder(batch: scenario.floodBatch)
            progress("the flooder joined; the same load again beside it")
            let flooded = try load(driver, deployment, noteRate: scenario.noteRate, dotRate: 0, seconds: scenario.seconds)
            report.measured(flooded)
            report.flood = BenchReport.Flood(quiet: quiet, flooded: flooded)
        case .load, .saturation:
            let joining = monotonicNanoseconds()
            try populate(driver)
            report.joinSeconds = Double(monotonicNanoseconds() - joining) / 1e9
            if scenario.kind == .load {
                report.measured(try load(driver, deployment, noteRate: scenario.noteRate, dotRate: scenario.dotRate, seconds: scenario.seconds))
            } else {
                for rate in scenario.sweep {
                    let lostBefore = driver.connectionsLost
                    let window = try load(driver, deployment, noteRate: rate, dotRate: 0, seconds: scenario.seconds)
                    report.steps.append(BenchReport.Step(
                        noteRate: rate, acceptedPerSecond: window.accepted, deliveredPerSecond: window.delivered,
                        latency: window.latency, fanOut: window.fanOut, serverCPUPercent: window.cpu, benchCPUPercent: window.benchCPU))
                    // Dropped connections (queues overflowing) end the sweep: the server is past what it carries.
                    if driver.connectionsLost > lostBefore { break }
                    if window.latency.samples > 0, window.latency.p99 <= scenario.p99Limit {
                        report.saturationDeliveredPerSecond = max(report.saturationDeliveredPerSecond ?? 0, window.delivered)
                    } else if let previous = report.steps.dropLast().last, previous.latency.p99 > scenario.p99Limit {
                        break  // two steps in a row past the limit: a noisy moment does not end the sweep
                    }
                }
            }
        }
        // Let what is in flight arrive, then read the server's own counters.
        settle(driver, seconds: 1)
        let memory = deployment.processes.map { $0.process.residentKiB() }
        report.serverRSSKiB = memory.reduce(0) { $0 + $1.now }
        report.serverPeakRSSKiB = memory.reduce(0) { $0 + $1.peak }
        if !deployment.relays.isEmpty { report.processes = deployment.figures(cpuPercent: processCPU) }
        report.queueDrops = Int(deployment.metric("atelier_queue_drops_total"))
        if scenario.kind == .load, scenario.rooms == 0 {
            // In a plenary every member receives every note, the writer too.
            report.noteDeliveries = driver.noteDeliveries
            report.expectedNoteDeliveries = driver.timedAcked * driver.sockets.count { $0.stage == .joined }
        }
        report.refusedByCode = driver.refusedByCode
        report.refused = driver.refusedByCode.values.reduce(0, +)
        report.connectionsLost = driver.connectionsLost
        report.ackedActions = driver.ackedSequences.count
        deployment.stop()
        report.missingFromStore = try Self.missing(driver.ackedSequences, code: server.code, database: server.database)
        return report
    }

    /// Reads the C baseline room (`lwsroom PORT MEMBERS PERIOD_MS …`, started by the caller) with
    /// this bench's receiver: `members` connections, `warmup` seconds, then `seconds` measured at
    /// read and at arrival, as atelier's deliveries are. The room posts only once every member is in.
    public static func baselineRoom(port: Int, members: Int, warmup: Double, seconds: Double, yields: Bool,
                                    progress: (String) -> Void) throws -> BenchReport {
        if yields { try yieldToServers() }
        let driver = LoadDriver(ports: [port], code: "", moderatorKey: "", speaks: .baselineRoom)
        while driver.sockets.count < members {
            try driver.connect(min(1000, members - driver.sockets.count))
        }
        progress("\(members) connections to the baseline room")
        let cpuAtStart = ownCPUSeconds()
        let started = monotonicNanoseconds()
        func pump(until end: Int64) { while monotonicNanoseconds() < end { driver.pump(milliseconds: 10) } }
        pump(until: started + Int64(warmup * 1e9))
        driver.startWindow()
        let measuring = monotonicNanoseconds()
        pump(until: measuring + Int64(seconds * 1e9))
        let window = driver.endWindow()
        let span = Double(monotonicNanoseconds() - measuring) / 1e9
        var report = BenchReport(scenario: 0, name: "the C baseline room, read by this bench's receiver", participants: members,
                                 rooms: 0, noteRate: 0, dotRate: 0, seconds: seconds)
        report.loadGeneratorYields = yields
        report.deliveredPerSecond = Double(window.delivered) / span
        report.latency = BenchReport.Latency(window.latencies)
        report.arrival = BenchReport.Latency(window.arrivals)
        report.unstampedDeliveries = window.unstamped
        report.benchCPUPercent = (ownCPUSeconds() - cpuAtStart) / (Double(monotonicNanoseconds() - started) / 1e9) * 100
        report.connectionsLost = driver.connectionsLost
        return report
    }

    /// The moderator and the participants enter; in a rooms scenario each picks a room and a
    /// vote on the room boards opens.
    private func populate(_ driver: LoadDriver) throws {
        let rooms = scenario.rooms
        var setup: [String] = []
        if rooms > 0 { setup.append(#"{"openRooms":{"mode":"self"}}"#) }
        if rooms > 0, scenario.dotRate > 0 {
            setup.append(#"{"openVote":{"on":"boards","dotsPerPerson":100,"maxDotsPerItem":1,"hidden":false}}"#)
        }
        try driver.enterAsModerator(setup: setup)
        try driver.join(scenario.participants, progress: { progress("joined \($0)/\(scenario.participants)") }) { socket in
            guard rooms > 0 else { return nil }
            socket.room = socket.index % rooms
            return #"{"chooseRoom":{"room":"r\#(socket.room + 1)"}}"#
        }
        try driver.drain()
        progress("joins delivered; load starts")
    }

    struct Measured {
        var accepted: Double
        var delivered: Double
        var latency: BenchReport.Latency
        var arrival: BenchReport.Latency
        var unstamped: Int
        var fanOut: BenchReport.Latency
        var intake: BenchReport.Latency
        var ack: BenchReport.Latency
        var cpu: Double
        var benchCPU: Double
        /// What the flooder did per second, when one ran.
        var flooder: (reconnects: Double, notes: Double, accepted: Double)
    }

    /// Runs the load for warmup + `seconds` and measures the last `seconds`.
    private func load(_ driver: LoadDriver, _ deployment: BenchDeployment, noteRate: Double, dotRate: Double, seconds: Double) throws -> Measured {
        let participants = Array(driver.participants)
        guard !participants.isEmpty else { throw BenchError("no participants") }
        let start = monotonicNanoseconds()
        let measureFrom = start + Int64(scenario.warmup * 1e9)
        let end = measureFrom + Int64(seconds * 1e9)
        var notes = 0, dots = 0, agenda = 0, nextWriter = 0, nextVoter = 0
        var measuringStarted = false
        var cpuAtStart: [Double] = [], benchCPUAtStart = 0.0
        var flooderAtStart = (reconnects: 0, notes: 0, accepted: 0)
        var lastProgress = start
        var lastDelivered = 0, lastAccepted = 0
        while true {
            let now = monotonicNanoseconds()
            if now >= end { break }
            if !measuringStarted && now >= measureFrom {
                driver.startWindow()
                cpuAtStart = deployment.cpuSeconds()
                benchCPUAtStart = Self.ownCPUSeconds()
                if let flooder = driver.flooder { flooderAtStart = (flooder.reconnects, flooder.notesSent, flooder.accepted) }
                measuringStarted = true
            }
            let elapsed = Double(now - start) / 1e9
            while Double(notes) < noteRate * elapsed {
                let writer = participants[nextWriter % participants.count]
                nextWriter += 7919  // a stride coprime with the sizes used, so writers spread over rooms
                notes += 1
                guard writer.stage == .joined else { continue }
                driver.send(writer, #"{"command":{"addNote":{"prompt":"ideas","text":"bench \#(monotonicNanoseconds())"}}}"#, timed: true)
            }
            while Double(dots) < dotRate * elapsed {
                let voter = participants[nextVoter % participants.count]
                nextVoter += 104_729
                dots += 1
                guard voter.stage == .joined else { continue }
                if let item = voter.dotted {
                    driver.send(voter, #"{"command":{"removeDot":{"vote":"v1","item":"\#(item)"}}}"#)
                    voter.dotted = nil
                } else if let item = voter.lastNote {
                    driver.send(voter, #"{"command":{"placeDot":{"vote":"v1","item":"\#(item)"}}}"#)
                    voter.dotted = item
                }
            }
            if Double(agenda + 1) * scenario.agendaEvery <= elapsed {
                agenda += 1
                driver.send(driver.moderator, scenario.rooms > 0
                    ? #"{"command":{"extendSlot":{"minutes":1}}}"# : #"{"command":{"nextSlot":{}}}"#)
            }
            if measuringStarted && now - lastProgress >= 1_000_000_000 {
                let window = driver.window
                let span = Double(now - lastProgress) / 1e9
                let memory = deployment.processes.reduce(0) { $0 + $1.process.residentKiB().now }
                progress(String(format: "[%4.0fs] accepted %.0f/s, delivered %.0f/s, %d samples, server rss %d MiB",
                                Double(now - start) / 1e9, Double(window.accepted - lastAccepted) / span,
                                Double(window.delivered - lastDelivered) / span, window.latencies.count, memory / 1024))
                lastProgress = now
                lastDelivered = window.delivered
                lastAccepted = window.accepted
            } else if !measuringStarted {
                lastProgress = now
            }
            try driver.flooder?.step(driver)
            driver.pump(milliseconds: 1)
        }
        let cpuSpent = zip(deployment.cpuSeconds(), cpuAtStart).map { $0 - $1 }
        let benchCPU = Self.ownCPUSeconds() - benchCPUAtStart
        let window = driver.endWindow()
        let span = Double(end - window.started) / 1e9
        processCPU = cpuSpent.map { $0 / span * 100 }
        let cpu = cpuSpent.reduce(0, +)
        let latency = BenchReport.Latency(window.latencies)
        let ack = BenchReport.Latency(window.acks)
        progress(String(format: "measured %.0f notes/s: delivered %.0f/s, p50 %.2f ms, p99 %.2f ms, max %.1f ms; ack p99 %.2f ms",
                        noteRate, Double(window.delivered) / span, latency.p50, latency.p99, latency.max, ack.p99))
        let flooder = driver.flooder.map { flooder in
            (reconnects: Double(flooder.reconnects - flooderAtStart.reconnects) / span,
             notes: Double(flooder.notesSent - flooderAtStart.notes) / span,
             accepted: Double(flooder.accepted - flooderAtStart.accepted) / span)
        } ?? (0, 0, 0)
        return Measured(accepted: Double(window.accepted) / span, delivered: Double(window.delivered) / span,
                        latency: latency, arrival: BenchReport.Latency(window.arrivals), unstamped: window.unstamped, fanOut: BenchReport.Latency(window.fanOut),
                        intake: BenchReport.Latency(window.intake), ack: ack, cpu: cpu / span * 100, benchCPU: benchCPU / span * 100,
                        flooder: flooder)
    }

    /// Opens idle websocket connections in steps and reads the server's resident memory after each.
    private func idle(_ driver: LoadDriver, _ server: ServerProcess, _ report: inout BenchReport) throws {
        settle(driver, seconds: 1)
        let base = server.residentKiB().now
        report.idle.append(BenchReport.IdleStep(connections: 0, serverRSSKiB: base))
        var open = 0
        while open < scenario.idleTarget {
            let step = min(scenario.idleStep, scenario.idleTarget - open)
            try driver.connect(step, timeoutSeconds: 120)
            open += step
            settle(driver, seconds: 1)
            let rss = server.residentKiB().now
            report.idle.append(BenchReport.IdleStep(connections: open, serverRSSKiB: rss))
            progress("\(open) idle connections: server rss \(rss) KiB")
        }
        report.participants = open
        if let last = report.idle.last, last.connections > 0 {
            report.bytesPerIdleConnection = Double(last.serverRSSKiB - base) * 1024 / Double(last.connections)
        }
    }

    private func settle(_ driver: LoadDriver, seconds: Double) {
        let until = monotonicNanoseconds() + Int64(seconds * 1e9)
        while monotonicNanoseconds() < until { driver.pump(milliseconds: 20) }
    }

    /// Lowers the load generator's priority to the least (nice 19), once the servers it started run
    /// at theirs. Members stand in for phones, each with a processor of its own: sharing the servers'
    /// two cores at equal priority, the receivers' reading takes turns with the relays' fan-out,
    /// which phones never do. Only this thread yields; the servers keep the priority they started with.
    static func yieldToServers() throws {
        guard setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19) == 0 else {
            throw BenchError("the load generator cannot lower its priority: \(String(cString: strerror(errno)))")
        }
    }

    /// CPU seconds this process (the load generator and receivers) has used.
    static func ownCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// How many acknowledged sequence numbers the session's log in SQLite lacks.
    static func missing(_ acked: [Int64], code: String, database: String) throws -> Int {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: database, configuration: configuration)
        let stored = try queue.read { db in
            try Set(Int64.fetchAll(db, sql: """
                SELECT seq FROM events WHERE session_id = (SELECT id FROM sessions WHERE join_code = ?)
                """, arguments: [code]))
        }
        return acked.count { !stored.contains($0) }
    }
}
