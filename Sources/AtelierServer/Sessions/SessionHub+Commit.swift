import AtelierCore
import AtelierExport
import AtelierStore
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
    /// Public events of the same turn in a row go out as one shared `{"events":[…]}` frame: when
    /// a hall joins at once, each member's queue grows by a frame a turn, not a frame a join.
    private func fanOut(_ events: ArraySlice<LoggedEvent>, in session: LiveSession) {
        guard !session.members.isEmpty, let server else { return }
        let state = session.state
        var everyone: [[UInt8]] = []
        var everyoneBytes = 0
        func sendEveryone() {
            guard !everyone.isEmpty else { return }
            let frame = everyone.count == 1
                ? OutboundFrame(bytes: everyone[0], groupable: true) : ServerMessages.events(everyone)
            server.send(frame, to: session.members.keys)
            everyone = []
            everyoneBytes = 0
        }
        for entry in events {
            if let form = state.formForEveryone(among: entry.disclosures) {
                let message = entry.messages[form]
                if everyoneBytes + message.count > Self.eventGroupBytes { sendEveryone() }
                everyone.append(message)
                everyoneBytes += message.count + 1
                continue
            }
            sendEveryone()
            var frames: [OutboundFrame?] = Array(repeating: nil, count: entry.messages.count)
            for (connection, viewer) in session.members {
                guard let form = state.form(for: viewer, among: entry.disclosures) else { continue }
                let frame = frames[form] ?? OutboundFrame(bytes: entry.messages[form], groupable: true)
                frames[form] = frame
                server.send(frame, to: connection)
            }
        }
        sendEveryone()
    }

    private func answer(_ reply: LiveSession.Reply, in session: LiveSession, now: Timestamp) {
        switch reply {
        case let .ack(connection, id, seq):
            server?.send(ServerMessages.ack(id, now: now, seq: seq), to: connection)
        case let .refusal(connection, id, refusal):
            server?.send(ServerMessages.error(id, code: refusal.code.rawValue, message: refusal.message, now: now), to: connection)
        case let .welcome(connection, id, participant, token, after):
            guard let client = clients[connection] else { return }
            client.entering = false
            client.session = session.record.id
            client.participant = participant
            let reset = token != nil || session.needsReset(for: participant, after: after)
            let moderator = session.state.participants[participant]?.isModerator ?? false
            let welcome = ServerMessages.Welcome(
                session: session.record.id, code: session.record.joinCode, participant: participant,
                moderator: moderator, token: token, reset: reset)
            server?.send(ServerMessages.ack(id, now: now, welcome: welcome), to: connection)
            startCatchUp(connection, in: session, as: participant, from: reset ? 0 : Int(after ?? 0))
            logger.info(token == nil ? "rejoined" : "joined", metadata: [
                "session": "\(session.record.joinCode)", "participant": "\(participant)",
                "moderator": "\(moderator)", "reset": "\(reset)",
            ])
        case let .transcript(connection, id, format):
            let parts = ServerMessages.transcriptParts(id, files: TranscriptExporter.render(state: session.state, format: format))
            let idle = session.transcripts[connection] == nil
            session.transcripts[connection, default: []] += parts + [ServerMessages.ack(id, now: now, transcriptParts: parts.count)]
            if idle { sendTranscriptPart(connection, in: session) }
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
                metrics.refused("server.storeFailed")
                server?.send(ServerMessages.error(id, code: "server.storeFailed", message: message, now: now), to: connection)
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

    // MARK: Timers

    /// Sets the timers of the slot's end and the rooms' closing to what the state says now;
    /// `anew` sets them again even when their due time has not changed (the clock moved).
    func reschedule(_ session: LiveSession, anew: Bool = false) {
        let state = session.state
        let slotDue = state.status == .running && !state.agenda.timeUpSignalled ? state.agenda.endsAt : nil
        session.slotTimer = retime(session.slotTimer, to: slotDue, anew: anew) { [unowned self, unowned session] in
            session.slotTimer = nil
            performSystem(.expireSlot, in: session)
        }
        session.roomsTimer = retime(session.roomsTimer, to: state.breakout?.closesAt, anew: anew) { [unowned self, unowned session] in
            session.roomsTimer = nil
            performSystem(.closeRooms(afterSeconds: nil), in: session)
        }
    }

    private func retime(
        _ timer: (token: TimerToken, due: Timestamp)?, to due: Timestamp?, anew: Bool, _ fire: @escaping () -> Void
    ) -> (token: TimerToken, due: Timestamp)? {
        if let timer, timer.due == due, !anew { return timer }
        if let timer { server?.cancel(timer.token) }
        guard let due, let server else { return nil }
        let delay = Int(max(due.milliseconds(since: clock()), 0))
        return (server.schedule(afterMilliseconds: delay, fire), due)
    }

    // MARK: HTTP

    public func server(_ server: WebSocketServer, respondTo request: HTTPRequest) -> HTTPResponse? {
        switch request.path {
        case "/healthz":
            let connections = server.statistics.connectionsOpen
            return .json(#"{"status":"ok","sessions":\#(sessions.count),"connections":\#(connections)}"#)
        case "/metrics":
            let inSession = sessions.values.reduce(0) { $0 + $1.members.count }
            let text = metrics.prometheusText(transport: server.statistics, sessions: sessions.count, participantsConnected: inSession)
            return HTTPResponse(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: Array(text.utf8))
        case "/export":
            return export(request)
        case "/summary":
            return summary(request)
        case "/qr.svg", "/join-link":
            return joinLink(request, server)
        default:
            return nil
        }
    }

    /// The session's transcript for its moderators: `/export?code=CODE&format=md|html|csv|json`
    /// (`&table=notes|comments|votes` for CSV) with `Authorization: Bearer <moderator key>`.
    ///
    /// An unknown code is answered as a wrong key, so the answer does not tell which codes exist.
    /// Wrong keys are logged and throttled by address (`KeyThrottle`).
    private func export(_ request: HTTPRequest) -> HTTPResponse {
        let now = clock()
        if case .wait(let seconds) = exportKeys.admit(request.peerAddress, at: now) {
            metrics.refused("auth.tooManyKeys")
            return HTTPResponse(
                status: 429, contentType: "text/plain; charset=utf-8",
                body: Array("Too many wrong moderator keys; try again in \(seconds) s.\n".utf8),
                headers: [("Retry-After", String(seconds))], closesConnection: true)
        }
        let authorization = request.headers["authorization"] ?? ""
        let key = authorization.hasPrefix("Bearer ") ? String(authorization.dropFirst("Bearer ".count)) : ""
        let session = request.queryValue("code").flatMap { served(code: $0) }
        guard let session, Secrets.isModeratorKey(key, of: session.record) else {
            metrics.refused("auth.badKey")
            let paused = exportKeys.wrongKey(from: request.peerAddress, at: now)
            logger.notice("wrong moderator key", metadata: [
                "session": "\(session?.record.joinCode ?? "unknown")", "peer": "\(request.peerAddress)", "over": "http",
                "paused": "\(paused)",
            ])
            return .text("The transcript needs the session's moderator key: Authorization: Bearer KEY.\n", status: 401)
        }
        let name = request.queryValue("format") ?? "md"
        guard let format = TranscriptFormat(rawValue: name) else {
            return .text(Self.unknownFormat(name) + "\n", status: 400)
        }
        let files = TranscriptExporter.render(state: session.state, format: format)
        let table = request.queryValue("table").map { "-\($0).csv" }
        guard let file = table.map({ suffix in files.first { $0.fileName.hasSuffix(suffix) } }) ?? files.first else {
            return .text("There is no such table; use notes, comments or votes.\n", status: 400)
        }
        return .attachment(file)
    }

    /// The participants' summary of an ended session, for anyone who has its code:
    /// `/summary?code=CODE&format=html|md&lang=fr|nl|en` (HTML in the workshop's language unless told).
    ///
    /// The transcript without names nor the organisations present, so nothing in it points to a
    /// person. Before the end there is nothing to publish, and an unknown code is answered the same,
    /// so the answer does not tell which codes exist.
    private func summary(_ request: HTTPRequest) -> HTTPResponse {
        let name = request.queryValue("format") ?? "html"
        guard let format = TranscriptFormat(rawValue: name), format == .html || format == .md else {
            return .text("\"\(name)\" is not a summary format; use html or md.\n", status: 400)
        }
        let language = request.queryValue("lang")
        if let language, !Transcript.languages.contains(language) {
            return .text("\"\(language)\" is not a summary language; use \(Transcript.languages.joined(separator: ", ")).\n", status: 400)
        }
        guard let session = request.queryValue("code").flatMap({ served(code: $0) }), session.state.status == .ended else {
            return .text("There is no summary for this code: it is published once the session has ended.\n", status: 404)
        }
        let options = TranscriptOptions(names: false, organisations: false, language: language)
        // HTML and Markdown transcripts are one file each.
        return .attachment(TranscriptExporter.render(state: session.state, format: format, options: options)[0])
    }

    /// The participants' link of a served session, for the presenter screen: `/join-link?code=CODE`
    /// answers `{"link": …}`, `/qr.svg?code=CODE` its QR code. The link is on the address
    /// participants reach (`JoinLink`), whatever address asked. A code no session has is 404, as
    /// `preview` tells over the websocket.
    private func joinLink(_ request: HTTPRequest, _ server: WebSocketServer) -> HTTPResponse {
        guard let session = request.queryValue("code").flatMap({ served(code: $0) }) else {
            return .text("There is no session with this code.\n", status: 404)
        }
        let base = JoinLink.base(
            publicURL: publicURL, host: server.configuration.host, tls: server.configuration.tls != nil, port: server.port)
        let link = JoinLink.participants(base: base, code: session.record.joinCode)
        guard request.path == "/qr.svg" else {
            return .json(JSONValue.object(JSONObject([("link", .string(link))])).serialized())
        }
        guard let code = QRCode(link) else { return .text("The link is too long for a QR code.\n", status: 500) }
        return HTTPResponse(status: 200, contentType: "image/svg+xml", body: Array(code.svg.utf8))
    }

    /// The refusal of a transcript format the exporter does not know, for `/export` and `transcript`.
    static func unknownFormat(_ name: String) -> String {
        "\"\(name)\" is not a transcript format; use md, html, csv or json."
    }

    static func monotonicSeconds() -> Double { Double(monotonicNanoseconds()) / 1e9 }
}

extension HTTPResponse {
    /// A transcript file to save rather than show, under its own name.
    static func attachment(_ file: TranscriptFile) -> HTTPResponse {
        HTTPResponse(
            status: 200, contentType: file.mediaType, body: file.bytes,
            headers: [("Content-Disposition", "attachment; filename=\"\(file.fileName)\"")])
    }
}
