import AtelierLWS
import AtelierProtocol

extension OutboundFrame {
    /// A server message serialized once, to queue on any number of connections.
    convenience init(_ message: ServerMessage) {
        self.init(bytes: message.serializedBytes())
    }
}

extension FrameGrouping {
    /// The protocol's `events` envelope, which the transport puts around the event messages waiting
    /// on one connection (`ServerConfiguration.grouping`).
    public static let events = FrameGrouping(
        prefix: EventsEnvelope.prefix, separator: EventsEnvelope.separator, suffix: EventsEnvelope.suffix)
}
