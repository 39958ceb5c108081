import AtelierCore
import AtelierLWS
import AtelierProtocol
import AtelierStore
import AtelierThreads
import AtelierWire
import Logging

#if canImport(Glibc)
import Glibc
#endif

extension SessionHub {
    /// The group commit: each session's events of this turn go to the database in one
    /// transaction; then, and only then, events, acks and welcomes are sent.
    public func serviceTurnEnded(_ server: WebSocketServer) {
        let work = dirty
        dirty = []
        for id in work {
            // A session waiting for a lock held elsewhere tries again when its timer says.
            guard let session = sessions[id], session.commitRetry == nil else { continue }
            commit(session)
        }
        if retentionDue { applyRetention() }
    }

    private func commit(_ session: LiveSession) {
        let replies = session.replies
        session.replies = []
        let now = clock()
        let committed: ArraySlice<LoggedEvent>
        let beforeWidening: SessionState?
        do {
            let records = try session.pendingRecords()
            if !records.isEmpty {
                let started = Self.monotonicSeconds()
                try store.append(records)
                metrics.appended(events: records.count, seconds: Self.monotonicSeconds() - started)
            }
            (committed, beforeWidening) = session.commit()
            if session.lockedSince != nil {
                session.lockedSince = nil
                logger.notice("database lock released; waiting changes stored", metadata: ["session": "\(session.record.joinCode)"])
            }
        } catch where error.code == .busy && retryLater(session) {
            session.replies = replies + session.replies
            return
        } catch {
            logger.error("events not stored", metadata: ["session": "\(session.record.joinCode)", "error": "\(error)"])
            session.rollBack()
            fail(replies, in: session, now: now)
            return
        }
        publisher?.publish(session)
        fanOut(committed, in: session)
        if let before = beforeWidening, let first = committed.first?.seq {
            widen(session, since: before, below: first)
        }
        for reply in replies { answer(reply, in: session, now: now) }
        for entry in committed { log(entry.event, in: session) }
        reschedule(session)
    }

    /// Sends each committed event to the members who may see it, in the form they may see.
    ///
    /// Public events (most of a plenary) go to every member without asking who each one is; the
    /// state is read once per batch, not copied per member (BENCHMARKS.md, "Where the time goes").
    /// Public events of the same turn in a row go out as one shared `{"events":[…]}` frame, and so
    /// do a turn's joins to each moderator: when a hall joins at once, a member's queue grows by a
    /// frame a turn, not a frame a join, and the moderators stay within the outbound limit.
    func fanOut(_ events: ArraySlice<LoggedEvent>, in session: LiveSession) {
        guard !session.members.isEmpty, let server else { return }
        let state = session.state
        var everyone: [OutboundFrame] = []
        var toFew: [ConnectionID: [OutboundFrame]] = [:]
        func flush() {
            for message in OutboundFrame.events(everyone, budget: Self.eventGroupBytes) {
                server.send(message, to: session.members.keys)
            }
            for (connection, frames) in toFew {
                for message in OutboundFrame.events(frames, budget: Self.eventGroupBytes) { server.send(message, to: connection) }
            }
            everyone = []
            toFew = [:]
        }
        // Events for named people and the moderators alone (a hall's joins) go to those members,
        // found in one pass over the members per batch rather than one per event.
        let named = events.map { state.namedAudience(among: $0.disclosures) }
        let wanted = named.reduce(into: Set<ParticipantID>()) { $0.formUnion($1 ?? []) }
        let few = named.contains { $0 != nil }
            ? session.members.filter { wanted.contains($0.value) || state.includes(.moderators, $0.value) } : [:]
        for (entry, named) in zip(events, named) {
            if let form = state.formForEveryone(among: entry.disclosures) {
                if !toFew.isEmpty { flush() }
                everyone.append(entry.frames[form])
            } else if named != nil {
                if !everyone.isEmpty { flush() }
                for (connection, viewer) in few {
                    guard let form = state.form(for: viewer, among: entry.disclosures) else { continue }
                    toFew[connection, default: []].append(entry.frames[form])
                }
            } else {
                flush()
                for (connection, viewer) in session.members {
                    guard let form = state.form(for: viewer, among: entry.disclosures) else { continue }
                    server.send(entry.frames[form], to: connection)
                }
            }
        }
        flush()
    }

    private func answer(_ reply: LiveSession.Reply, in session: LiveSession, now: Timestamp) {
        switch reply {
        case let .ack(connection, id, seq):
            deliver(.ack(.init(id: id, now: now, seq: seq)), to: connection)
        case let .refusal(connection, id, refusal):
            deliver(.error(.init(id: id, code: .refusal(refusal.code), message: refusal.message, now: now)), to: connection)
        case let .welcome(connection, id, participant, token, after):
            guard let client = clients[connection] else { return }
            client.entering = false
            client.session = session.record.id
            client.participant = participant
            let reset = token != nil || session.needsReset(for: participant, after: after)
            let moderator = session.state.participants[participant]?.isModerator ?? false
            let welcome = ServerMessage.Welcome(
                session: session.record.id, code: session.record.joinCode, participant: participant,
                moderator: moderator, token: token, reset: reset)
            deliver(.ack(.init(id: id, now: now, welcome: welcome)), to: connection)
            startCatchUp(connection, in: session, as: participant, from: reset ? 0 : Int(after ?? 0))
            logger.info(token == nil ? "rejoined" : "joined", metadata: [
                "session": "\(session.record.joinCode)", "participant": "\(participant)",
                "moderator": "\(moderator)", "reset": "\(reset)",
            ])
        case let .transcript(connection, id, format):
            let files = transcripts.render(session.state, format, .organisers)
            let parts = ServerMessage.TranscriptPart.parts(answering: id, files: files).map(ServerMessage.transcriptPart)
            let messages = parts + [.ack(.init(id: id, now: now, transcriptParts: parts.count))]
            if let publisher, publisher.isRemote(connection) {
                return publisher.transcript(messages, answering: id, to: connection)
            }
            pace(messages.map { OutboundFrame($0) }, to: connection, in: session)
        }
    }

    /// Keeps the turn's events and answers waiting while another program holds the database's
    /// write lock, and tries again shortly; false once they have waited `lockPatienceMilliseconds`.
    private func retryLater(_ session: LiveSession) -> Bool {
        let now = monotonicMilliseconds()
        let since = session.lockedSince ?? now
        guard now - since < Int64(options.lockPatienceMilliseconds), let server else {
            session.lockedSince = nil
            return false
        }
        if session.lockedSince == nil {
            logger.warning("database locked by another program; changes wait", metadata: ["session": "\(session.record.joinCode)"])
        }
        session.lockedSince = since
        // A few tries a second: each costs the service thread `lockWaitMilliseconds` at most.
        let delay = min(50 << min(Int(now - since) / 500, 4), 500)
        let id = session.record.id
        session.commitRetry = server.schedule(afterMilliseconds: delay) { [unowned self, unowned session] in
            session.commitRetry = nil
            dirty.insert(id)
        }
        return true
    }

    /// Answers of a turn whose events the database refused: nothing was changed.
    private func fail(_ replies: [LiveSession.Reply], in session: LiveSession, now: Timestamp) {
        let message = "The server could not save this; nothing was changed. Try again."
        for reply in replies {
            switch reply {
            case let .ack(connection, id, _), let .welcome(connection, id, _, _, _):
                clients[connection]?.entering = false
                metrics.refused(.protocol(.serverStoreFailed))
                deliver(.error(.init(id: id, code: .protocol(.serverStoreFailed), message: message, now: now)), to: connection)
            case .refusal, .transcript:
                answer(reply, in: session, now: now)
            }
        }
    }

    /// One log line per change that matters to an operator; never a secret, never a text.
    private func log(_ event: Event, in session: LiveSession) {
        let code = session.record.joinCode
        switch event {
        case .sessionStarted: logger.info("session started", metadata: ["session": "\(code)"])
        case .sessionPaused: logger.info("session paused", metadata: ["session": "\(code)"])
        case .sessionResumed: logger.info("session resumed", metadata: ["session": "\(code)"])
        case .sessionEnded: logger.info("session ended", metadata: ["session": "\(code)"])
        case .slotStarted(let slot, _, _): logger.info("slot started", metadata: ["session": "\(code)", "slot": "\(slot)"])
        case .slotTimeUp(let slot, _, let behaviour):
            logger.info("slot time up", metadata: ["session": "\(code)", "slot": "\(slot)", "behaviour": "\(behaviour.rawValue)"])
        case .roomsOpened(let slot, _, let mode, _):
            logger.info("rooms opened", metadata: ["session": "\(code)", "slot": "\(slot)", "mode": "\(mode.rawValue)"])
        case .roomsClosed(let slot, _): logger.info("rooms closed", metadata: ["session": "\(code)", "slot": "\(slot)"])
        case .participantLeft(let id, _): logger.info("left", metadata: ["session": "\(code)", "participant": "\(id)"])
        case .voteOpened(let id, let scope, _, _, _, _, _, _):
            logger.info("vote opened", metadata: ["session": "\(code)", "vote": "\(id)", "on": "\(scope.rawValue)"])
        case .voteRevealed(let id, _): logger.info("vote revealed", metadata: ["session": "\(code)", "vote": "\(id)"])
        default: break
        }
    }

    static func monotonicSeconds() -> Double { Double(monotonicNanoseconds()) / 1e9 }
}
