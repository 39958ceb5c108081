/// What one bench run measured; printed as text, or as JSON with `--json`.
public struct BenchReport: Codable, Sendable {
    /// Latency of post-to-delivery at the receivers, in milliseconds.
    public struct Latency: Codable, Sendable {
        public var p50: Double
        public var p99: Double
        public var max: Double
        public var samples: Int

        init(_ nanoseconds: [Int64]) {
            let sorted = nanoseconds.sorted()
            func at(_ fraction: Double) -> Double {
                sorted.isEmpty ? 0 : Double(sorted[min(Int(Double(sorted.count) * fraction), sorted.count - 1)]) / 1e6
            }
            p50 = at(0.5)
            p99 = at(0.99)
            max = sorted.last.map { Double($0) / 1e6 } ?? 0
            samples = sorted.count
        }

        /// This p99 over `other`'s (0 without a p99 to compare with).
        func p99(over other: Latency) -> Double { other.p99 > 0 ? p99 / other.p99 : 0 }
    }

    /// One rate of a saturation sweep.
    public struct Step: Codable, Sendable {
        public var noteRate: Double
        public var acceptedPerSecond: Double
        public var deliveredPerSecond: Double
        public var latency: Latency
        public var fanOut: Latency
        public var serverCPUPercent: Double
        public var benchCPUPercent: Double
    }

    /// Scenario 6: the same writers' ack times without, then beside, a participant who floods
    /// and reconnects with its token (`Flooder`); the report's other figures are those beside it.
    public struct Flood: Codable, Sendable {
        public var quietAck: Latency
        public var floodedAck: Latency
        /// The flooded ack p99 over the quiet one.
        public var p99Ratio: Double
        /// Post to delivery without the flooder, and the report's p99 over its.
        public var quietLatency: Latency
        public var latencyP99Ratio: Double
        public var quietServerCPUPercent: Double
        public var flooderReconnectsPerSecond: Double
        public var flooderNotesPerSecond: Double
        public var flooderAcceptedPerSecond: Double

        init(quiet: BenchRunner.Measured, flooded: BenchRunner.Measured) {
            quietAck = quiet.ack
            floodedAck = flooded.ack
            p99Ratio = flooded.ack.p99(over: quiet.ack)
            quietLatency = quiet.latency
            latencyP99Ratio = flooded.latency.p99(over: quiet.latency)
            quietServerCPUPercent = quiet.cpu
            (flooderReconnectsPerSecond, flooderNotesPerSecond, flooderAcceptedPerSecond) = flooded.flooder
        }
    }

    /// Resident memory with this many idle connections open.
    public struct IdleStep: Codable, Sendable {
        public var connections: Int
        public var serverRSSKiB: Int
    }

    public var scenario: Int
    public var name: String
    public var participants: Int
    public var rooms: Int
    public var noteRate: Double
    public var dotRate: Double
    public var seconds: Double
    public var acceptedPerSecond: Double = 0
    public var deliveredPerSecond: Double = 0
    public var latency: Latency = Latency([])
    /// The same deliveries from the post to the kernel's arrival stamp on the member's socket,
    /// without the load generator's own wait to read it (`ReceiveTime`).
    public var arrival: Latency = Latency([])
    /// Deliveries the kernel gave no arrival stamp for: counted at their read.
    public var unstampedDeliveries = 0
    /// Each delivery against the note's first delivery: the fan-out alone, without the sender's
    /// message reaching the server, waiting for the loop, parsing and storing. The C baseline
    /// stamps its posts when its loop starts handling them, so this is the figure closest to its.
    public var fanOut: Latency = Latency([])
    /// Each note's post to its first delivery (one sample per note): the sender's message
    /// reaching the server, waiting for the loop, parsing, rules, storing, the first send, and
    /// the receivers getting to that socket.
    public var intake: Latency = Latency([])
    /// Each writer's note from its post to its ack, at the writer.
    public var ack: Latency = Latency([])
    public var serverCPUPercent: Double = 0
    /// CPU of the bench process itself (load generator and receivers), to tell when it is the bottleneck.
    public var benchCPUPercent: Double = 0
    public var serverRSSKiB: Int = 0
    public var serverPeakRSSKiB: Int = 0
    public var refused: Int = 0
    public var refusedByCode: [String: Int] = [:]
    public var connectionsLost: Int = 0
    public var queueDrops: Int = 0
    public var ackedActions: Int = 0
    public var missingFromStore: Int = 0
    public var steps: [Step] = []
    public var saturationDeliveredPerSecond: Double?
    public var idle: [IdleStep] = []
    public var bytesPerIdleConnection: Double?
    public var flood: Flood?
    public var joinStorm: JoinStorm?
    /// Relays in front of the owner (0: one process served everything).
    public var relays: Int = 0
    /// Whether the load generator ran at the least priority (nice 19), the servers at theirs.
    public var loadGeneratorYields = false
    /// Seconds from the first participant's connection to the last join's delivery to everyone.
    public var joinSeconds: Double?
    /// In a plenary: deliveries of the load's notes over the whole run, and how many there should be
    /// (acknowledged notes × members, since every member receives every note).
    public var noteDeliveries: Int?
    public var expectedNoteDeliveries: Int?
    /// With relays: each process (owner, relays, Redis) on its own.
    public var processes: [ProcessFigures] = []

    /// One serving process: CPU over the measured window, memory at the end, the connections it held.
    public struct ProcessFigures: Codable, Sendable {
        public var name: String
        public var cpuPercent: Double
        public var rssKiB: Int
        public var peakRSSKiB: Int
        public var connections: Int?
    }

    /// People joining at once: how many were welcomed and caught up, and how long until the last was.
    public struct JoinStorm: Codable, Sendable {
        public var welcomed: Int
        public var synced: Int
        public var lost: Int
        public var seconds: Double
    }

    /// Takes a load window's figures.
    mutating func measured(_ window: BenchRunner.Measured) {
        acceptedPerSecond = window.accepted
        deliveredPerSecond = window.delivered
        latency = window.latency
        arrival = window.arrival
        unstampedDeliveries = window.unstamped
        fanOut = window.fanOut
        intake = window.intake
        ack = window.ack
        serverCPUPercent = window.cpu
        benchCPUPercent = window.benchCPU
    }

    /// The report for people.
    public var text: String {
        func f(_ value: Double, _ digits: Int = 1) -> String {
            let scale = Double([1, 10, 100, 1000][min(digits, 3)])
            return String(Double((value * scale).rounded()) / scale)
        }
        var lines = ["scenario \(scenario): \(name)"]
        lines.append("participants \(participants), rooms \(rooms), notes \(f(noteRate))/s, dots \(f(dotRate))/s, \(f(seconds)) s measured"
            + (relays > 0 ? ", \(relays) relays" : "") + (loadGeneratorYields ? ", the load generator at nice 19" : ""))
        if let joinSeconds { lines.append("joining took \(f(joinSeconds, 2)) s (batches of 100, each delivered before the next)") }
        if let storm = joinStorm {
            lines.append("joined at once: \(storm.welcomed) welcomed, \(storm.synced) caught up, \(storm.lost) lost, "
                + "the last caught up after \(f(storm.seconds, 2)) s")
        } else if idle.isEmpty && steps.isEmpty {
            lines.append("accepted actions/s: \(f(acceptedPerSecond))")
            lines.append("events delivered/s: \(f(deliveredPerSecond, 0))")
            lines.append("latency ms: p50 \(f(latency.p50, 2))  p99 \(f(latency.p99, 2))  max \(f(latency.max, 2))  (\(latency.samples) samples)")
            lines.append("at arrival ms (post to the kernel's stamp on the member's socket): p50 \(f(arrival.p50, 2))  p99 \(f(arrival.p99, 2))  max \(f(arrival.max, 2))")
            lines.append("fan-out ms (from the note's first delivery): p50 \(f(fanOut.p50, 2))  p99 \(f(fanOut.p99, 2))  max \(f(fanOut.max, 2))")
            lines.append("intake ms (post to the note's first delivery): p50 \(f(intake.p50, 2))  p99 \(f(intake.p99, 2))  max \(f(intake.max, 2))")
            lines.append("ack ms (post to the writer's ack): p50 \(f(ack.p50, 2))  p99 \(f(ack.p99, 2))  max \(f(ack.max, 2))")
        }
        if let flood {
            lines.append("writers' ack ms without the flooder: p50 \(f(flood.quietAck.p50, 2))  p99 \(f(flood.quietAck.p99, 2))  "
                + "max \(f(flood.quietAck.max, 2)) (server cpu \(f(flood.quietServerCPUPercent, 0))%)")
            lines.append("writers' ack ms beside it: p50 \(f(flood.floodedAck.p50, 2))  p99 \(f(flood.floodedAck.p99, 2))  "
                + "max \(f(flood.floodedAck.max, 2)); p99 ratio \(f(flood.p99Ratio, 2))")
            lines.append("post to delivery ms without the flooder: p50 \(f(flood.quietLatency.p50, 2))  p99 \(f(flood.quietLatency.p99, 2))  "
                + "max \(f(flood.quietLatency.max, 2)); p99 ratio beside it \(f(flood.latencyP99Ratio, 2))")
            lines.append("flooder: \(f(flood.flooderReconnectsPerSecond, 0)) reconnects/s, \(f(flood.flooderNotesPerSecond, 0)) notes/s sent, "
                + "\(f(flood.flooderAcceptedPerSecond, 1))/s accepted")
        }
        for step in steps {
            lines.append("  step \(f(step.noteRate, 0)) notes/s: delivered \(f(step.deliveredPerSecond, 0))/s, "
                + "p50 \(f(step.latency.p50, 2)) ms, p99 \(f(step.latency.p99, 2)) ms, max \(f(step.latency.max, 1)) ms, "
                + "server cpu \(f(step.serverCPUPercent, 0))%, bench cpu \(f(step.benchCPUPercent, 0))%")
        }
        if let saturation = saturationDeliveredPerSecond {
            lines.append("saturation: \(f(saturation, 0)) delivered events/s with p99 under 100 ms")
        }
        for step in idle { lines.append("  \(step.connections) idle connections: server rss \(step.serverRSSKiB) KiB") }
        if let bytes = bytesPerIdleConnection { lines.append("resident memory per idle connection: \(f(bytes / 1024, 2)) KiB") }
        if let noteDeliveries, let expectedNoteDeliveries {
            lines.append("notes delivered: \(noteDeliveries) of \(expectedNoteDeliveries) expected (acked notes × members)")
        }
        for process in processes {
            lines.append("  \(process.name): cpu \(f(process.cpuPercent, 0))% of one core, rss \(process.rssKiB / 1024) MiB "
                + "(peak \(process.peakRSSKiB / 1024) MiB)" + (process.connections.map { ", \($0) connections" } ?? ""))
        }
        if joinStorm == nil {
            if idle.isEmpty && steps.isEmpty { lines.append("bench cpu (load generator and receivers): \(f(benchCPUPercent, 0))% of one core") }
            lines.append("server cpu\(processes.isEmpty ? "" : " (every process together)"): \(f(serverCPUPercent, 0))% of one core, rss \(serverRSSKiB / 1024) MiB (peak \(serverPeakRSSKiB / 1024) MiB)")
        } else {
            lines.append("server rss \(serverRSSKiB / 1024) MiB (peak \(serverPeakRSSKiB / 1024) MiB)")
        }
        let codes = refusedByCode.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        lines.append("refused: \(refused)\(codes.isEmpty ? "" : " (\(codes))"), connections lost: \(connectionsLost), queue drops: \(queueDrops)")
        lines.append("durability: \(ackedActions) acked actions, \(missingFromStore) missing from SQLite")
        return lines.joined(separator: "\n")
    }
}
