import CWebSockets
import Logging

/// The one lws callback of the server's protocols, dispatched by reason, and what it reads of a
/// request (service thread).
extension WebSocketServer {
    func handle(
        _ wsi: OpaquePointer, _ reason: lws_callback_reasons,
        _ user: UnsafeMutableRawPointer?, _ input: UnsafeMutableRawPointer?, _ length: Int
    ) -> Int32 {
        switch reason {
        case LWS_CALLBACK_SERVER_WRITEABLE:
            return webSocketWriteable(wsi)
        case LWS_CALLBACK_RECEIVE:
            return webSocketReceive(wsi, input, length)
        case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
            drainInbox()
            return 0
        case LWS_CALLBACK_FILTER_NETWORK_CONNECTION:
            return stopping ? 1 : 0
        case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
            return confirmUpgrade(wsi)
        case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
            return filterUpgrade(wsi)
        case LWS_CALLBACK_ESTABLISHED:
            webSocketOpened(wsi)
            return 0
        case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
            return peerClosed(wsi, UnsafeRawBufferPointer(start: input, count: input == nil ? 0 : length))
        case LWS_CALLBACK_CLOSED:
            webSocketClosed(wsi)
            return 0
        case LWS_CALLBACK_HTTP:
            return httpRequest(wsi, input)
        case LWS_CALLBACK_HTTP_WRITEABLE:
            if pendingHTTP[wsi] != nil { return httpWriteable(wsi) }
        case LWS_CALLBACK_CLOSED_HTTP:
            pendingHTTP.removeValue(forKey: wsi)
        default:
            break
        }
        return lws_callback_http_dummy(wsi, reason, user, input, length)
    }

    func connection(of wsi: OpaquePointer) -> ServerConnection? {
        guard let raw = lws_get_opaque_user_data(wsi) else { return nil }
        return Unmanaged<ServerConnection>.fromOpaque(raw).takeUnretainedValue()
    }

    /// Refuses, before the 101 and with a status the client can see, a websocket upgrade on
    /// another path (404), without our subprotocol (400) or from an origin that is not on the
    /// allow-list (403). Left to lws, the first two would be a bare hang-up. lws: "Return <0 to
    /// just hang up the connection, or >0 if you have rejected the connection by returning http
    /// headers and response code yourself."
    func confirmUpgrade(_ wsi: OpaquePointer) -> Int32 {
        guard header(wsi, WSI_TOKEN_GET_URI) == configuration.webSocketPath else {
            return refuseUpgrade(wsi, 404, "no websocket on this path")
        }
        guard configuration.offersSubprotocol(header(wsi, WSI_TOKEN_PROTOCOL)) else {
            return refuseUpgrade(wsi, 400, "the websocket subprotocol must be \(configuration.subprotocol)")
        }
        let origin = header(wsi, WSI_TOKEN_ORIGIN)
        guard !configuration.allowsOrigin(origin) else { return 0 }
        counters.originRefusals.bump()
        logger.notice("websocket refused: origin not allowed", metadata: ["origin": "\(origin ?? "")", "peer": "\(peerAddress(wsi))"])
        return refuseUpgrade(wsi, 403, "origin not allowed")
    }

    func refuseUpgrade(_ wsi: OpaquePointer, _ status: UInt32, _ text: String) -> Int32 {
        lws_return_http_status(wsi, status, text) == 0 ? 1 : -1
    }

    /// Path and subprotocol were checked in `confirmUpgrade`; a stopping server takes no one.
    func filterUpgrade(_ wsi: OpaquePointer) -> Int32 {
        stopping ? 1 : 0
    }

    func header(_ wsi: OpaquePointer, _ token: lws_token_indexes) -> String? {
        let length = Int(lws_hdr_total_length(wsi, token))
        guard length > 0 else { return nil }
        var buffer = [CChar](repeating: 0, count: length + 1)
        guard lws_hdr_copy(wsi, &buffer, Int32(buffer.count), token) >= 0 else { return nil }
        return cString(buffer)
    }

    func queryItems(_ wsi: OpaquePointer) -> [QueryItem] {
        let total = Int(lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_URI_ARGS))
        guard total > 0 else { return [] }
        var buffer = [CChar](repeating: 0, count: total + 1)
        var items: [QueryItem] = []
        var index: Int32 = 0
        while lws_hdr_copy_fragment(wsi, &buffer, Int32(buffer.count), WSI_TOKEN_HTTP_URI_ARGS, index) >= 0 {
            index += 1
            let fragment = cString(buffer)
            if fragment.isEmpty { continue }
            if let equals = fragment.firstIndex(of: "=") {
                items.append(QueryItem(
                    name: String(fragment[..<equals]), value: String(fragment[fragment.index(after: equals)...])))
            } else {
                items.append(QueryItem(name: fragment, value: ""))
            }
        }
        return items
    }

    /// The address of the client a request comes from: the peer's, or from a trusted proxy the one
    /// it names (`ServerConfiguration.clientAddress`).
    func peerAddress(_ wsi: OpaquePointer) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        guard let text = lws_get_peer_simple(wsi, &buffer, buffer.count) else { return "" }
        return configuration.clientAddress(peer: String(cString: text), forwardedFor: header(wsi, WSI_TOKEN_X_FORWARDED_FOR))
    }
}

/// The C entry point for every lws callback of the server's context: finds the
/// `WebSocketServer` through the context user pointer.
func serverCallback(
    _ wsi: OpaquePointer?, _ reason: lws_callback_reasons, _ user: UnsafeMutableRawPointer?,
    _ input: UnsafeMutableRawPointer?, _ length: Int
) -> Int32 {
    guard let wsi, let context = lws_get_context(wsi), let raw = lws_context_user(context) else {
        return lws_callback_http_dummy(wsi, reason, user, input, length)
    }
    let server = Unmanaged<WebSocketServer>.fromOpaque(raw).takeUnretainedValue()
    return server.handle(wsi, reason, user, input, length)
}
