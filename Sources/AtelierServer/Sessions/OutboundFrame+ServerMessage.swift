import AtelierProtocol

extension OutboundFrame {
    /// A server message serialized once, to queue on any number of connections.
    convenience init(_ message: ServerMessage) {
        self.init(bytes: message.serializedBytes())
    }
}
