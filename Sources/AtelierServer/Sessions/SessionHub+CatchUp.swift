import AtelierCore
import AtelierLWS
import AtelierProtocol

extension SessionHub {
    /// Bytes of event messages in one `{"events":[…]}` frame the hub builds (a part of a catch-up,
    /// a turn's public events): within one websocket fragment, so a stalled reader holds about that much.
    static let eventGroupBytes = 30 * 1024

    /// Sends `participant`, entering on `connection`, everything it may see of the log from index
    /// `from`, a part each time it has read the previous one; it becomes a member, and gets
    /// `synced`, when the catch-up reaches the end of the log. A catch-up is never queued whole,
    /// so its size meets no outbound limit: those judge live events only.
    func startCatchUp(_ connection: ConnectionID, in session: LiveSession, as participant: ParticipantID, from index: Int) {
        // A relay's member catches up from the relay's own copy of the log.
        if let publisher, publisher.isRemote(connection) {
            return publisher.enter(connection, in: session, as: participant, from: index)
        }
        session.streams[connection] = LiveSession.Stream(viewer: participant, backlogs: [.catchUp(next: index)])
        stream(connection, in: session)
    }

    /// Sends members and connections catching up the earlier events a widening lets them see
    /// (rooms closed, moved into a room), behind what they are already being sent.
    func widen(_ session: LiveSession, since before: SessionState, below first: Int64) {
        let limit = Int(first) - 1
        for (connection, viewer) in session.members {
            let indexes = session.widened(for: viewer, since: before, below: limit)
            guard !indexes.isEmpty else { continue }
            let idle = session.streams[connection] == nil
            session.streams[connection, default: LiveSession.Stream(viewer: viewer, backlogs: [])]
                .backlogs.append(.earlier(indexes, next: 0))
            if idle { stream(connection, in: session) }
        }
        for (connection, stream) in session.streams where session.members[connection] == nil {
            // A catch-up reads what lies ahead of it with today's eyes; what it already passed is widened.
            guard case .catchUp(let next)? = stream.backlogs.first else { continue }
            let indexes = session.widened(for: stream.viewer, since: before, below: min(next, limit))
            if !indexes.isEmpty { session.streams[connection]?.backlogs.append(.earlier(indexes, next: 0)) }
        }
    }

    /// The connection has read what it was sent: the next part of what it is owed.
    public func server(_ server: WebSocketServer, drained connection: ConnectionID) {
        guard let id = clients[connection]?.session, let session = sessions[id] else { return }
        stream(connection, in: session)
        sendTranscriptPart(connection, in: session)
    }

    /// Queues a transcript's messages behind what the connection is already owed of transcripts,
    /// and sends the first at once if it was owed none.
    func pace(_ frames: [OutboundFrame], to connection: ConnectionID, in session: LiveSession) {
        let idle = session.transcripts[connection] == nil
        session.transcripts[connection, default: []] += frames
        if idle { sendTranscriptPart(connection, in: session) }
    }

    /// Sends the next message of the transcripts the connection asked for, then waits until it
    /// has read it: a transcript of any size is never queued whole.
    func sendTranscriptPart(_ connection: ConnectionID, in session: LiveSession) {
        guard let server, var waiting = session.transcripts[connection], !waiting.isEmpty else { return }
        server.send(waiting.removeFirst(), to: connection)
        session.transcripts[connection] = waiting.isEmpty ? nil : waiting
        if !waiting.isEmpty { server.notifyWhenDrained(connection) }
    }

    /// Sends a part of a backlog: as `events` messages, or as one binary message of their raw
    /// DEFLATE when the connection asked for its catch-ups so (a tenth of the bytes, for a phone
    /// sent every other room's notes as the rooms close).
    private func send(_ part: [OutboundFrame], to connection: ConnectionID) {
        guard let server, !part.isEmpty else { return }
        if clients[connection]?.compression == .deflateRaw, let packed = OutboundFrame(deflating: part, in: .events) {
            return server.send(packed, to: connection)
        }
        for message in OutboundFrame.events(part, budget: Self.eventGroupBytes) { server.send(message, to: connection) }
    }

    /// Queues the next part of the connection's backlogs and asks to hear when it has been read.
    private func stream(_ connection: ConnectionID, in session: LiveSession) {
        guard let server, var stream = session.streams[connection] else { return }
        while var backlog = stream.backlogs.first {
            let part = session.nextPart(of: &backlog, for: stream.viewer, budget: Self.eventGroupBytes)
            if session.isAtEnd(backlog) {
                stream.backlogs.removeFirst()
                send(part, to: connection)
                session.members[connection] = stream.viewer
                server.send(OutboundFrame(.synced(seq: session.committedSequence, now: clock())), to: connection)
                if !part.isEmpty { break }
                continue
            }
            guard !part.isEmpty else {
                stream.backlogs.removeFirst()
                continue
            }
            stream.backlogs[0] = backlog
            send(part, to: connection)
            break
        }
        if stream.backlogs.isEmpty {
            session.streams[connection] = nil
        } else {
            session.streams[connection] = stream
            server.notifyWhenDrained(connection)
        }
    }
}
