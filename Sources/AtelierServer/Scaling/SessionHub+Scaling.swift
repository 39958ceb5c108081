import AtelierLWS
import Foundation

extension SessionHub {
    /// How a server takes part in a deployment over Redis (docs/SCALING.md).
    public enum Role: Sendable, Equatable {
        /// Owns its sessions: publishes what it commits and decides relays' messages.
        case owner
        /// Decides nothing: follows the owner's sessions and forwards its connections' messages.
        case relay
    }

    /// Joins the deployment behind `endpoint` in `role`; call after `attach`, before the server starts.
    /// Without it the server is the single process it always was.
    public func useRedis(_ endpoint: RedisEndpoint, as role: Role) {
        guard let server else { preconditionFailure("useRedis(_:as:) needs the server: call attach first") }
        switch role {
        case .owner:
            let publisher = Publisher(hub: self, endpoint: endpoint, server: server)
            self.publisher = publisher
            server.post { [self] in self.publisher?.start() }
        case .relay:
            let relay = Relay(hub: self, endpoint: endpoint, server: server, id: UUID().uuidString.lowercased())
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
}
