import AtelierThreads
import CWebSockets

/// The outbound queues: frames queued, written at the end of a turn or on WRITEABLE, joined into
/// groups, cut into fragments (service thread).
extension WebSocketServer {
    /// Queues `frame` to one connection (service thread). Unknown or closing
    /// connections are ignored.
    public func send(_ frame: OutboundFrame, to id: ConnectionID) {
        assert(isOnServiceThread, "send(_:to:) must be called on the service thread")
        guard let connection = connections[id] else { return }
        enqueue(frame, on: connection)
    }

    /// Queues the same frame (one buffer) to several connections (service thread).
    ///
    /// Inlinable, so the hub's fan-out over its members is specialized for their collection.
    @inlinable
    public func send<S: Sequence>(_ frame: OutboundFrame, to ids: S) where S.Element == ConnectionID {
        for id in ids { send(frame, to: id) }
    }

    /// Queues the frame to every open connection (service thread).
    public func broadcast(_ frame: OutboundFrame) {
        assert(isOnServiceThread, "broadcast(_:) must be called on the service thread")
        for connection in connections.values { enqueue(frame, on: connection) }
    }

    /// Asks for `server(_:drained:)` once everything queued to the connection so far has been
    /// written (service thread). A long answer (a catch-up) goes out a part at a time this way,
    /// paced by the client's reading and never held whole; a client that leaves a part unread
    /// for `stalledReaderMilliseconds` is dropped as a slow consumer.
    public func notifyWhenDrained(_ id: ConnectionID) {
        assert(isOnServiceThread, "notifyWhenDrained(_:) must be called on the service thread")
        guard let connection = connections[id], connection.isOpen, !tearingDown else { return }
        connection.notifyWhenDrained = true
        drainWaiters[id] = monotonicMilliseconds()
        scheduleStallCheck()
        if connection.queue.isEmpty { drained(connection) }
    }

    func enqueue(_ frame: OutboundFrame, on connection: ServerConnection) {
        guard connection.isOpen, !tearingDown else { return }
        let limit = configuration.outboundQueueLimit
        let queued = connection.queue.count
        if queued >= limit.hardMaxFrames || (queued > 0 && connection.queue.bytes + frame.count > limit.hardMaxBytes) {
            dropSlowConsumer(connection)
            return
        }
        // The limit first: a fan-out enqueues to thousands, and most queues are far under it.
        if isPastLimit(queued + 1, connection.queue.bytes + frame.count), overLimit[connection.id] == nil {
            guard limit.graceMilliseconds > 0 else {
                dropSlowConsumer(connection)
                return
            }
            overLimit[connection.id] = monotonicMilliseconds()
            scheduleStallCheck()
        }
        connection.queue.append(frame)
        guard queued == 0 else { return }
        if insideService {
            lws_callback_on_writable(connection.wsi)
        } else {
            waitingWrite.append(connection)
        }
    }

    /// Writes the head of each queue filled since the loop's turn returned, right away, up to
    /// `writesPerTurn` connections a turn: the end-of-turn write, where a session's fan-out goes out.
    ///
    /// lws asks for the opposite: "From v2.5, lws strictly enforces only one lws_write() per
    /// WRITEABLE callback" (READMEs/README.coding.md, "Only one lws_write per WRITEABLE
    /// callback"), and data is to be sent only from that callback. The rule exists because "any
    /// lws_write() can fail and be buffered for completion by lws", and because on http/2 many
    /// streams share one connection. Neither bites here: each connection gets one `lws_write`
    /// a turn from this function, and only when lws holds no unsent tail of an earlier one
    /// (`lws_partial_buffered`), so no write ever lands behind a buffered one; the vhost speaks
    /// HTTP/1.1 only (ALPN `http/1.1`), one connection per websocket. Over TLS the same holds:
    /// what `SSL_write` cannot take now, lws keeps in that same partial buffer and completes on
    /// POLLOUT (OpenSSL's rule of retrying with the same bytes is lws' to keep), and the next
    /// write waits for it. The rest of the queue then waits for `webSocketWriteable` as usual.
    ///
    /// Waiting for POLLOUT instead would cost every recipient a watcher change, a place in the
    /// next wait and an lws dispatch before its `send()` (BENCHMARKS.md, "Where the time goes").
    /// All frames of one turn are queued before this runs, so a connection's events of the same
    /// turn still go out grouped.
    ///
    /// A fan-out to thousands is written in slices with a turn in between: a message arriving
    /// meanwhile is read and applied then, and its events join the queues not written yet, which
    /// then go out as one group, instead of waiting for the whole fan-out to end.
    func writeWaiting() {
        var budget = configuration.writesPerTurn
        while budget > 0, let connection = waitingWrite.popFirst() {
            // Empty: written by a writeable callback since, or closed (its wsi is gone).
            guard !connection.queue.isEmpty else { continue }
            budget -= 1
            guard connection.isOpen, lws_partial_buffered(connection.wsi) == 0 else {
                lws_callback_on_writable(connection.wsi)
                continue
            }
            guard writeHead(connection) else {
                connection.queue.removeAll()
                connection.beginClosing(code: 1006, reason: "write failed", flushQueue: false)
                atelier_kill_async(connection.wsi)
                continue
            }
            if connection.queue.isEmpty {
                drained(connection)
            } else {
                lws_callback_on_writable(connection.wsi)
            }
        }
    }

    /// Tells the delegate a connection that asked has nothing left queued.
    func drained(_ connection: ServerConnection) {
        guard connection.notifyWhenDrained, connection.queue.isEmpty, connection.isOpen else { return }
        connection.notifyWhenDrained = false
        drainWaiters[connection.id] = nil
        delegate?.server(self, drained: connection.id)
    }

    func webSocketWriteable(_ wsi: OpaquePointer) -> Int32 {
        guard let connection = connection(of: wsi) else { return 0 }
        if case .closing(let closing) = connection.state, !closing.flushQueue || connection.queue.isEmpty {
            return closeNow(connection, code: closing.code, reason: closing.reason)
        }
        guard !connection.queue.isEmpty else { return 0 }
        guard writeHead(connection) else { return -1 }
        drained(connection)
        if !connection.queue.isEmpty || !connection.isOpen {
            lws_callback_on_writable(wsi)
        }
        return 0
    }

    /// Writes the message at the head of the queue: a group of waiting events, one whole frame,
    /// or the next fragment of a large one. False when lws reports the socket unusable.
    func writeHead(_ connection: ServerConnection) -> Bool {
        let wsi = connection.wsi
        let frame = connection.queue.first!
        let fragmentLimit = configuration.outboundFragmentBytes
        if connection.fragmentOffset == 0, frame.groupable, connection.queue.count > 1,
           let written = writeGroup(wsi, connection, limit: fragmentLimit) {
            if !written { return false }
        } else if connection.fragmentOffset == 0 && frame.count <= fragmentLimit {
            // Common case: the whole message, straight from the shared buffer.
            let written = lws_write(wsi, frame.payload, frame.count, frame.isBinary ? LWS_WRITE_BINARY : LWS_WRITE_TEXT)
            if written < frame.count { return false }
            connection.queue.removeFirst()
            counters.framesSent.bump()
            counters.bytesSent.bump(frame.count)
        } else {
            // Large message: one fragment per writable, copied to the scratch
            // buffer because lws writes the header in front of the payload.
            let offset = connection.fragmentOffset
            let size = min(frame.count - offset, fragmentLimit)
            let isLast = offset + size == frame.count
            let payload = scratch! + lwsPre
            payload.copyMemory(from: frame.payload + offset, byteCount: size)
            let opcode = frame.isBinary ? LWS_WRITE_BINARY : LWS_WRITE_TEXT
            let flags = lws_write_ws_flags(Int32(opcode.rawValue), offset == 0 ? 1 : 0, isLast ? 1 : 0)
            let written = lws_write(
                wsi, payload.assumingMemoryBound(to: UInt8.self), size, lws_write_protocol(rawValue: numericCast(flags)))
            if written < size { return false }
            if isLast {
                connection.fragmentOffset = 0
                connection.queue.removeFirst()
                counters.framesSent.bump()
                counters.bytesSent.bump(frame.count)
            } else {
                connection.fragmentOffset = offset + size
            }
        }
        return true
    }

    /// Writes the groupable frames at the head of the queue as one message, in the scratch
    /// buffer: false when the write failed, nil when fewer than two fit.
    func writeGroup(_ wsi: OpaquePointer, _ connection: ServerConnection, limit: Int) -> Bool? {
        guard let grouping = configuration.grouping else { return nil }
        var size = grouping.prefix.count + grouping.suffix.count - grouping.separator.count
        var taken = 0
        for index in 0..<connection.queue.count {
            let frame = connection.queue[index]
            guard frame.groupable, size + grouping.separator.count + frame.count <= limit else { break }
            size += grouping.separator.count + frame.count
            taken += 1
        }
        guard taken > 1 else { return nil }
        let payload = scratch! + lwsPre
        grouping.write(joining: (0..<taken).lazy.map { connection.queue[$0] }, to: payload)
        let written = lws_write(wsi, payload.assumingMemoryBound(to: UInt8.self), size, LWS_WRITE_TEXT)
        if written < size { return false }
        for _ in 0..<taken { connection.queue.removeFirst() }
        counters.framesSent.bump()
        counters.bytesSent.bump(size)
        return true
    }
}
