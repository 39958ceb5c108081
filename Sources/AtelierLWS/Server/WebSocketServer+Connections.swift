import CWebSockets

/// Websocket connections opening, receiving and closing (service thread).
extension WebSocketServer {
    /// Closes a connection after the frames already queued to it are sent
    /// (service thread). A peer that does not read is cut after 10 s.
    public func close(_ id: ConnectionID, code: UInt16 = 1000, reason: String = "") {
        assert(isOnServiceThread, "close(_:code:reason:) must be called on the service thread")
        guard let connection = connections[id], connection.isOpen, !tearingDown else { return }
        connection.beginClosing(code: code, reason: reason, flushQueue: true)
        lws_set_timeout(connection.wsi, PENDING_TIMEOUT_USER_OK, 10)
        lws_callback_on_writable(connection.wsi)
    }

    func webSocketOpened(_ wsi: OpaquePointer) {
        let id = ConnectionID(rawValue: nextConnectionID)
        nextConnectionID += 1
        let connection = ServerConnection(id: id, wsi: wsi)
        lws_set_opaque_user_data(wsi, Unmanaged.passRetained(connection).toOpaque())  // released on CLOSED
        // lws fails some protocol errors (a control frame past 125 bytes, a close reason that is
        // not UTF-8) without a close reason, which is a bare hang-up: this one is sent then. Every
        // close atelier or lws decides on sets its own over it (SECURITY.md, "Known weaknesses").
        var reason = Array("protocol error".utf8)
        lws_close_reason(wsi, LWS_CLOSE_STATUS_PROTOCOL_ERR, &reason, reason.count)
        connections[id] = connection
        counters.connectionsOpen.bump()
        counters.connectionsAccepted.bump()
        let info = ConnectionInfo(
            id: id,
            peerAddress: peerAddress(wsi),
            origin: header(wsi, WSI_TOKEN_ORIGIN),
            path: header(wsi, WSI_TOKEN_GET_URI) ?? configuration.webSocketPath,
            query: queryItems(wsi))
        if stopping {
            connection.beginClosing(code: 1001, reason: "server stopping", flushQueue: false)
            lws_callback_on_writable(wsi)
        }
        delegate?.server(self, didOpen: info)
    }

    /// A close frame from the peer: echoed when RFC 6455 allows it (return 0), else answered
    /// 1002. lws 4.1 itself turns only codes below 3000 it knows to be invalid into 1002, and
    /// echoes 5000-65535 and a 1-byte payload; a close reason set here and a nonzero return make
    /// it send that close instead.
    func peerClosed(_ wsi: OpaquePointer, _ payload: UnsafeRawBufferPointer) -> Int32 {
        guard let connection = connection(of: wsi) else { return 0 }
        guard CloseFrame.isValid(payload) else {
            return closeNow(connection, code: 1002, reason: "invalid close code")
        }
        connection.state = .closedByPeer(code: CloseFrame.code(payload) ?? connection.closeCode)
        return 0
    }

    func webSocketClosed(_ wsi: OpaquePointer) {
        guard let raw = lws_get_opaque_user_data(wsi) else { return }
        lws_set_opaque_user_data(wsi, nil)
        let connection = Unmanaged<ServerConnection>.fromOpaque(raw).takeRetainedValue()
        connections.removeValue(forKey: connection.id)
        drainWaiters[connection.id] = nil
        stalledDrops[connection.id] = nil
        overLimit[connection.id] = nil
        connection.queue.removeAll()
        counters.connectionsOpen.bump(-1)
        delegate?.server(self, didClose: connection.id, code: connection.closeCode)
    }

    func webSocketReceive(_ wsi: OpaquePointer, _ input: UnsafeMutableRawPointer?, _ length: Int) -> Int32 {
        guard let connection = connection(of: wsi), connection.isOpen else { return 0 }
        if lws_frame_is_binary(wsi) != 0 {
            return closeNow(connection, code: 1003, reason: "text frames only")
        }
        let chunk = UnsafeRawBufferPointer(start: input, count: input == nil ? 0 : length)
        let isFinal = lws_is_final_fragment(wsi) != 0
        let limit = configuration.maxMessageBytes
        counters.bytesReceived.bump(chunk.count)

        if connection.rx.isEmpty && isFinal {
            // The whole message is in this chunk. It is copied out of lws' buffer so no pointer
            // leaves this module: messages in are a few per second per person, far fewer than out.
            if chunk.count > limit { return tooBig(connection) }
            counters.messagesReceived.bump()
            delegate?.server(self, didReceive: Array(chunk), from: connection.id)
            return 0
        }
        if connection.rx.count + chunk.count > limit { return tooBig(connection) }
        connection.rx.append(contentsOf: chunk)
        if isFinal {
            counters.messagesReceived.bump()
            delegate?.server(self, didReceive: connection.rx, from: connection.id)
            connection.rx.removeAll(keepingCapacity: connection.rx.capacity <= 4096)
        }
        return 0
    }

    func tooBig(_ connection: ServerConnection) -> Int32 {
        counters.oversizedMessageCloses.bump()
        connection.rx = []
        return closeNow(connection, code: 1009, reason: "message too big")
    }

    /// Sets the close frame lws will send and tells it to close (return value
    /// of the callback). lws queues the close frame itself; no data frame is
    /// written from here.
    func closeNow(_ connection: ServerConnection, code: UInt16, reason: String) -> Int32 {
        connection.beginClosing(code: code, reason: reason, flushQueue: false)
        connection.queue.removeAll()
        var bytes = Array(reason.utf8.prefix(120))
        bytes.withUnsafeMutableBufferPointer { buffer in
            lws_close_reason(connection.wsi, lws_close_status(rawValue: numericCast(code)), buffer.baseAddress, buffer.count)
        }
        return -1
    }
}
