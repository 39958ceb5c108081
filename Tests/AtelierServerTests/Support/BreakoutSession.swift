import AtelierCore
import AtelierWire
import Testing

/// Moderator, Anne and Bob; the session runs the breakout with Anne in mobilite and Bob in logement.
struct BreakoutSession {
    let server: LiveServer
    let moderator: Peer
    let anne: Peer
    let bob: Peer

    init() throws {
        server = try LiveServer()
        moderator = try Peer(server)
        try moderator.moderate(server)
        anne = try Peer(server)
        try anne.join(server, name: "Anne", role: "elu")
        bob = try Peer(server)
        try bob.join(server, name: "Bob")
        try moderator.accepted(.start)
        try moderator.accepted(.nextSlot)
        try moderator.accepted(.openRooms(mode: nil))
        try moderator.accepted(.assign(participant: "p2", room: "mobilite"))
        try moderator.accepted(.assign(participant: "p3", room: "logement"))
        try bob.waitForEvent("participantAssigned") { $0["participant"] == .string("p3") }
    }

    /// Every peer has received the moderator's announcement `text`: everything sent before it arrived too.
    func barrier(_ text: String) throws {
        try moderator.accepted(.announce(text: LocalizedText(text), room: nil))
        for peer in [moderator, anne, bob] { try peer.waitForEvent("announced") { $0["text"] == .string(text) } }
    }
}
