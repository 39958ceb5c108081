import AtelierLWS
import Foundation

extension SessionHub {
    /// How a server takes part in a deployment over Redis (docs/SCALING.md).
    public enum Role: Sendable, Equatable {
        /// Owns its sessions: publishes what it commits and decides relays' messages. It forgets the
        /// connections of a relay silent for longer than `relaySilenceMilliseconds`: it died, and its
        /// members reconnect elsewhere.
        case owner(relaySilenceMilliseconds: Int64 = Role.defaultRelaySilenceMilliseconds)
        /// Decides nothing: follows the owner's sessions and forwards its connections' messages.
        case relay

        public static let defaultRelaySilenceMilliseconds: Int64 = 10_000
        /// How often a relay says it is alive; fixed, so that an owner's bound is counted in its beats.
        public static var relayHeartbeatMilliseconds: Int64 { Int64(Relay.heartbeatMilliseconds) }
        /// The shortest bound to give an owner: three heartbeats, so a relay late by one or two is kept.
        public static var shortestRelaySilenceMilliseconds: Int64 { 3 * relayHeartbeatMilliseconds }
    }

    /// Joins the deployment behind `endpoint` in `role`; call after `attach`, before the server starts.
    /// Without it the server is the single process it always was.
    public func useRedis(_ endpoint: RedisEndpoint, as role: Role) {
        guard let server else { preconditionFailure("useRedis(_:as:) needs the server: call attach first") }
        switch role {
        case .owner(let relaySilenceMilliseconds):
            let publisher = Publisher(
                hub: self, endpoint: endpoint, server: server, relaySilenceMilliseconds: relaySilenceMilliseconds)
            self.publisher = publisher
            server.post { [self] in self.publisher?.start() }
        case .relay:
            let relay = Relay(hub: self, endpoint: endpoint, server: server)
            self.relay = relay
            server.post { [self] in self.relay?.start() }
        }
    }

    /// What `/healthz` adds in a deployment over Redis: the role, and whether Redis is reached.
    var scalingHealth: String {
        if let relay { return #","role":"relay","relay":"\#(relay.id)","following":\#(relay.isFollowing)"# }
        if let publisher { return #","role":"owner","publishing":\#(publisher.isConnected)"# }
        return ""
    }

    /// What `/metrics` adds: the role (single, owner or relay); an owner's connections held for each
    /// relay it hears from; a relay's place in each followed stream against the stream's end.
    var scalingMetrics: String {
        var lines: [String] = []
        func metric(_ name: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            lines += ["# HELP \(name) \(help)", "# TYPE \(name) gauge"] + samples.map { "\(name)\($0.labels) \($0.value)" }
        }
        let role = relay != nil ? "relay" : publisher != nil ? "owner" : "single"
        metric("atelier_role", "How this server takes part in its deployment: single, owner or relay.", [("{role=\"\(role)\"}", "1")])
        if let publisher {
            metric("atelier_relay_connections", "Relays' connections the owner holds, by relay.",
                   publisher.connectionsByRelay.sorted { $0.key < $1.key }.map { ("{relay=\"\($0.key)\"}", "\($0.value)") })
        }
        if let relay {
            let lag = relay.lag
            metric("atelier_relay_followed_seq", "The last seq of each followed session this relay has read, by join code.",
                   lag.map { ("{session=\"\($0.code)\"}", "\($0.followed)") })
            metric("atelier_relay_stream_seq", "The last seq of each followed session's stream when the relay last looked.",
                   lag.map { ("{session=\"\($0.code)\"}", "\($0.end)") })
            metric("atelier_relay_lag_events", "Events of each followed session's stream this relay has not read yet.",
                   lag.map { ("{session=\"\($0.code)\"}", "\($0.end - $0.followed)") })
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
