import AtelierLWS
import AtelierProtocol

extension OutboundFrame {
    /// A server message serialized once, to queue on any number of connections.
    convenience init(_ message: ServerMessage) {
        self.init(bytes: message.serializedBytes())
    }

    /// Bytes from which an event message is sent as its own frame, shared by every connection
    /// it goes to, rather than copied into an envelope for each: the session's creation carries
    /// the workshop, several kilobytes that each joiner of a hall would otherwise hold a copy of.
    static let sharedAloneBytes = 1024

    /// Event message frames, in order, as few messages: each of `sharedAloneBytes` or more as
    /// itself, and the smaller ones between them in `events` envelopes of about `budget` bytes at
    /// most (one alone as itself).
    static func events(_ frames: [OutboundFrame], budget: Int) -> [OutboundFrame] {
        var messages: [OutboundFrame] = []
        var run: [OutboundFrame] = []
        var runBytes = 0
        func endRun() {
            if !run.isEmpty { messages.append(envelope(run)) }
            run = []
            runBytes = 0
        }
        for frame in frames {
            if frame.count >= sharedAloneBytes {
                endRun()
                messages.append(frame)
                continue
            }
            if runBytes + frame.count > budget { endRun() }
            run.append(frame)
            runBytes += frame.count + 1
        }
        endRun()
        return messages
    }

    /// The frame itself when there is one, else the `events` envelope around their bytes.
    private static func envelope(_ frames: [OutboundFrame]) -> OutboundFrame {
        frames.count == 1 ? frames[0] : OutboundFrame(joining: frames, in: .events)
    }
}

extension FrameGrouping {
    /// The protocol's `events` envelope, which the transport puts around the event messages waiting
    /// on one connection (`ServerConfiguration.grouping`).
    public static let events = FrameGrouping(
        prefix: EventsEnvelope.prefix, separator: EventsEnvelope.separator, suffix: EventsEnvelope.suffix)
}
