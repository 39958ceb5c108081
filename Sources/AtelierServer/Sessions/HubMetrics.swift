import AtelierLWS
import AtelierProtocol
/// Counters of the session layer, for `/metrics` (Prometheus text format) and `/healthz`.
///
/// Updated and read on the service thread only.
struct HubMetrics {
    var eventsAppended = 0
    var commandsAccepted = 0
    /// Commands sent again under a `once` key already done, answered without doing them again.
    var commandsRepeated = 0
    var refusedByCode: [String: Int] = [:]
    var appendCount = 0
    var appendSecondsSum = 0.0
    /// Cumulative counts of appends at most as long as each bound, in seconds.
    var appendBuckets: [(bound: Double, count: Int)] =
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1].map { ($0, 0) }

    mutating func refused(_ code: ServerMessage.ServerError.Code) { refusedByCode[code.rawValue, default: 0] += 1 }

    mutating func appended(events: Int, seconds: Double) {
        eventsAppended += events
        appendCount += 1
        appendSecondsSum += seconds
        for index in appendBuckets.indices where seconds <= appendBuckets[index].bound {
            appendBuckets[index].count += 1
        }
    }

    /// The exposition text: transport figures from `transport`, session figures from here.
    func prometheusText(transport: ServerStatistics, sessions: Int, participantsConnected: Int) -> String {
        var lines: [String] = []
        func metric(_ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) \(type)")
            for sample in samples { lines.append("\(name)\(sample.labels) \(sample.value)") }
        }
        func single(_ name: String, _ type: String, _ help: String, _ value: Int) {
            metric(name, type, help, [("", String(value))])
        }
        single("atelier_connections", "gauge", "Open websocket connections.", transport.connectionsOpen)
        single("atelier_connections_accepted_total", "counter", "Websocket connections accepted.", transport.connectionsAccepted)
        single("atelier_connections_in_session", "gauge", "Connections that have entered a session.", participantsConnected)
        single("atelier_sessions", "gauge", "Sessions served.", sessions)
        single("atelier_events_appended_total", "counter", "Events written to the database.", eventsAppended)
        single("atelier_commands_accepted_total", "counter", "Client commands accepted.", commandsAccepted)
        single("atelier_commands_repeated_total", "counter", "Commands sent again with a once key already done, not done again.",
               commandsRepeated)
        metric("atelier_commands_refused_total", "counter", "Client messages refused, by error code.",
               refusedByCode.sorted { $0.key < $1.key }.map { ("{code=\"\($0.key)\"}", String($0.value)) })
        single("atelier_messages_sent_total", "counter", "Websocket messages sent.", transport.framesSent)
        single("atelier_bytes_sent_total", "counter", "Websocket payload bytes sent.", transport.bytesSent)
        single("atelier_messages_received_total", "counter", "Websocket messages received.", transport.messagesReceived)
        single("atelier_queue_drops_total", "counter", "Connections dropped because they did not read their messages.", transport.slowConsumerDrops)
        single("atelier_origin_refusals_total", "counter", "Websocket upgrades refused for their Origin.", transport.originRefusals)
        single("atelier_http_requests_total", "counter", "HTTP requests served.", transport.httpRequests)
        // A histogram's samples are suffixed names: _bucket{le=…}, _sum, _count.
        metric("atelier_append_seconds", "histogram", "Time to append one turn's events of a session to the database.",
               appendBuckets.map { ("_bucket{le=\"\($0.bound)\"}", String($0.count)) }
                   + [("_bucket{le=\"+Inf\"}", String(appendCount)),
                      ("_sum", String(appendSecondsSum)), ("_count", String(appendCount))])
        return lines.joined(separator: "\n") + "\n"
    }
}
