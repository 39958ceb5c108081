import AtelierCore
import AtelierLWS
import AtelierProtocol
import AtelierWire
import Logging

extension SessionHub {
    /// The hub's own routes; anything else is the transport's (static files, 404).
    public func server(_ server: WebSocketServer, respondTo request: HTTPRequest) -> HTTPResponse? {
        switch request.path {
        case "/healthz":
            let connections = server.statistics.connectionsOpen
            return .json(#"{"status":"ok","sessions":\#(sessions.count),"connections":\#(connections)\#(scalingHealth)}"#)
        case "/metrics":
            let inSession = sessions.values.reduce(0) { $0 + $1.members.count }
            let text = metrics.prometheusText(transport: server.statistics, sessions: sessions.count, participantsConnected: inSession)
                + scalingMetrics
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
            metrics.refused(.protocol(.authTooManyKeys))
            return HTTPResponse(
                status: 429, contentType: "text/plain; charset=utf-8",
                body: Array("Too many wrong moderator keys; try again in \(seconds) s.\n".utf8),
                headers: [("Retry-After", String(seconds))], closesConnection: true)
        }
        let authorization = request.headers["authorization"] ?? ""
        let key = authorization.hasPrefix("Bearer ") ? String(authorization.dropFirst("Bearer ".count)) : ""
        let session = request.queryValue("code").flatMap { served(code: $0) }
        guard let session, Secrets.isModeratorKey(key, of: session.record) else {
            metrics.refused(.protocol(.authBadKey))
            let paused = exportKeys.wrongKey(from: request.peerAddress, at: now)
            logger.notice("wrong moderator key", metadata: [
                "session": "\(session?.record.joinCode ?? "unknown")", "peer": "\(request.peerAddress)", "over": "http",
                "paused": "\(paused)",
            ])
            return .text("The transcript needs the session's moderator key: Authorization: Bearer KEY.\n", status: 401)
        }
        let format = request.queryValue("format") ?? "md"
        guard transcripts.formats.contains(format) else {
            return .text(unknownFormat(format) + "\n", status: 400)
        }
        let files = transcripts.render(session.state, format, .organisers)
        let table = request.queryValue("table").map { "-\($0).csv" }
        guard let file = table.map({ suffix in files.first { $0.name.hasSuffix(suffix) } }) ?? files.first else {
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
        let format = request.queryValue("format") ?? transcripts.summaryFormats[0]
        guard transcripts.summaryFormats.contains(format) else {
            let choices = TranscriptRenderer.choices(transcripts.summaryFormats)
            return .text("\"\(format)\" is not a summary format; use \(choices).\n", status: 400)
        }
        let language = request.queryValue("lang")
        if let language, !transcripts.summaryLanguages.contains(language) {
            let choices = transcripts.summaryLanguages.joined(separator: ", ")
            return .text("\"\(language)\" is not a summary language; use \(choices).\n", status: 400)
        }
        guard let session = request.queryValue("code").flatMap({ served(code: $0) }), session.state.status == .ended else {
            return .text("There is no summary for this code: it is published once the session has ended.\n", status: 404)
        }
        // HTML and Markdown transcripts are one file each.
        return .attachment(transcripts.render(session.state, format, .participants(language: language))[0])
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

    /// The refusal of a transcript format the renderer does not know, for `/export` and `transcript`.
    func unknownFormat(_ name: String) -> String {
        "\"\(name)\" is not a transcript format; use \(TranscriptRenderer.choices(transcripts.formats))."
    }
}

extension HTTPResponse {
    /// A transcript file to save rather than show, under its own name.
    static func attachment(_ file: ServerMessage.TranscriptFile) -> HTTPResponse {
        HTTPResponse(
            status: 200, contentType: file.mediaType, body: Array(file.text.utf8),
            headers: [("Content-Disposition", "attachment; filename=\"\(file.name)\"")])
    }
}
