import AtelierBench
import AtelierWire
import ArgumentParser
import Foundation

/// `atelier bench`: drives a real `atelier serve` with simulated participants and reports
/// throughput, post-to-delivery latency, the server's CPU and memory, refusals, and whether every
/// acknowledged action is in the database (BENCHMARKS.md).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Load benchmark: fan-out latency, capacity and durability of a live server.",
        discussion: """
            Starts `atelier serve` on a temporary database and drives it over loopback. Scenarios: \
            1 plenary of 1,000 at 20 notes/s; 2 five rooms of 200 with notes and dots; 3 plenary of \
            2,000 at 50 notes/s; 4 idle connections up to 10,000 (memory per connection); 5 saturation \
            (rising note rate until p99 passes 100 ms); 6 50 writers' ack times without, then beside, a \
            participant who floods and reconnects with its token; 7 5,000 people joining at once (a plenary \
            opening); 8 plenary of 10,000 at 10 notes/s served by an owner and 2 relays over a Redis the bench \
            starts (redis-server must be installed). Options override a scenario's figures. \
            Measures, asserts nothing.
            """)

    @Option(help: "Scenario 1 to 8.")
    var scenario: Int = 1

    @Option(help: "Participants (scenario 4: idle connections to reach; scenario 6: writers beside the flooder; scenario 7: people joining at once).")
    var participants: Int?

    @Option(help: "Breakout rooms (0: everyone in the plenary).")
    var rooms: Int?

    @Option(help: "Notes per second over all participants.")
    var rate: Double?

    @Option(help: "Dots placed or taken back per second (rooms scenarios).")
    var dotRate: Double?

    @Option(help: "Seconds measured (per step in scenario 5, per phase in scenario 6).")
    var seconds: Double?

    @Option(help: "Seconds of load before measuring.")
    var warmup: Double?

    @Option(help: "Scenario 5: comma-separated note rates to try, in order.")
    var sweep: String?

    @Option(help: "Relays in front of an owner over Redis (scenario 8: 2 by default; 0: one process).")
    var relays: Int?

    @Flag(help: ArgumentHelp(
        "The load generator runs at the least priority (nice 19) once the servers have started.",
        discussion: "Its members stand in for phones with processors of their own; see BENCHMARKS.md."))
    var yield = false

    @Option(help: ArgumentHelp(
        "Serve nothing: read the C baseline room (lwsroom) already listening on this port with this bench's receiver.",
        discussion: "Uses --participants (its members), --warmup and --seconds; reports latency at read and at arrival."))
    var baselineRoom: Int?

    @Option(help: "The atelier binary to serve with (default: this one).")
    var server: String?

    @Flag(help: "Print the report as JSON on standard output (progress stays on standard error).")
    var json = false

    @Flag(help: "Keep the temporary folder (database, workshop, server log) and print its path.")
    var keep = false

    func validate() throws {
        guard BenchScenario.numbered(scenario) != nil else { throw ValidationError("--scenario must be 1 to 8.") }
        if let relays, relays < 0 { throw ValidationError("--relays must be 0 or more.") }
        if let baselineRoom, !(1...65535).contains(baselineRoom) { throw ValidationError("--baseline-room must be a port, 1 to 65535.") }
        if let relays, relays > 0, BenchScenario.numbered(scenario)?.kind != .load {
            throw ValidationError("--relays applies to the load scenarios (1, 2, 3 and 8).")
        }
    }

    func run() throws {
        if let baselineRoom { return try readBaselineRoom(port: baselineRoom) }
        var plan = BenchScenario.numbered(scenario)!
        if let participants {
            if plan.kind == .idle { plan.idleTarget = participants; plan.idleStep = max(participants / 5, 1) }
            else { plan.participants = participants }
        }
        if let rooms { plan.rooms = rooms }
        if let rate { plan.noteRate = rate }
        if let dotRate { plan.dotRate = dotRate }
        if let seconds { plan.seconds = seconds }
        if let warmup { plan.warmup = warmup }
        if let relays { plan.relays = relays }
        plan.yields = yield
        if let sweep { plan.sweep = sweep.split(separator: ",").compactMap { Double($0) } }

        let binary = server ?? URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("atelier-bench-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer {
            if keep { printError("kept \(directory)") } else { try? FileManager.default.removeItem(atPath: directory) }
        }
        let runner = BenchRunner(scenario: plan, serverBinary: binary, directory: directory) { line in
            FileHandle.standardError.write(Data(("bench: " + line + "\n").utf8))
        }
        let report: BenchReport
        do { report = try runner.run() } catch {
            printError("bench failed: \(error)")
            throw ExitCode.failure
        }
        try show(report)
    }

    private func show(_ report: BenchReport) throws {
        if json {
            print(try WireEncoder().encodeJSON(report, pretty: true))
        } else {
            print(report.text)
        }
    }

    private func readBaselineRoom(port: Int) throws {
        let report: BenchReport
        do {
            report = try BenchRunner.baselineRoom(
                port: port, members: participants ?? 1000, warmup: warmup ?? 2, seconds: seconds ?? 20, yields: yield
            ) { FileHandle.standardError.write(Data(("bench: " + $0 + "\n").utf8)) }
        } catch {
            printError("bench failed: \(error)")
            throw ExitCode.failure
        }
        guard !json else { return try show(report) }
        func figures(_ latency: BenchReport.Latency) -> String {
            String(format: "p50 %.2f  p99 %.2f  max %.2f", latency.p50, latency.p99, latency.max)
        }
        print(report.name)
        print(String(format: "members %d, delivered %.0f/s over %.1f s", report.participants, report.deliveredPerSecond, report.seconds)
            + (yield ? ", the load generator at nice 19" : ""))
        print("latency ms: \(figures(report.latency))  (\(report.latency.samples) samples)")
        print("at arrival ms (post to the kernel's stamp on the member's socket): \(figures(report.arrival))")
        print(String(format: "receiver cpu: %.0f%% of one core; connections lost: %d", report.benchCPUPercent, report.connectionsLost))
    }
}
