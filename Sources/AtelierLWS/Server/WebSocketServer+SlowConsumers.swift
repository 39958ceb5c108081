import AtelierThreads
import CWebSockets

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Readers that fall behind: past the outbound limit for too long, or leaving a long answer unread
/// (service thread).
extension WebSocketServer {
    func dropSlowConsumer(_ connection: ServerConnection) {
        counters.slowConsumerDrops.bump()
        connection.queue.removeAll()
        connection.fragmentOffset = 0
        connection.beginClosing(
            code: configuration.slowConsumerCloseCode, reason: "too slow: outbound queue overflow", flushQueue: false)
        // If it never becomes writable again (it does not read), cut it anyway.
        lws_set_timeout(connection.wsi, PENDING_TIMEOUT_USER_OK, 5)
        lws_callback_on_writable(connection.wsi)
        logger.debug("dropped slow consumer \(connection.id)")
    }

    /// Drops the connections that have left a long answer unread, or their queue past the outbound
    /// limit, for too long; runs while any is watched.
    func scheduleStallCheck() {
        guard stallCheck == nil else { return }
        let shortest = min(configuration.stalledReaderMilliseconds, max(configuration.outboundQueueLimit.graceMilliseconds, 1))
        stallCheck = schedule(afterMilliseconds: max(shortest / 4, 50)) { [unowned self] in
            stallCheck = nil
            let now = monotonicMilliseconds()
            for (id, cutAt) in stalledDrops where cutAt <= now {
                stalledDrops[id] = nil
                // Its end of the socket reads EOF, which lws handles as any peer gone.
                if let connection = connections[id] { shutdown(lws_get_socket_fd(connection.wsi), Int32(SHUT_RDWR)) }
            }
            let drainLimit = now - Int64(configuration.stalledReaderMilliseconds)
            for (id, since) in drainWaiters where since < drainLimit {
                drainWaiters[id] = nil
                if let connection = connections[id] { dropStalled(connection, now: now) }
            }
            let limit = configuration.outboundQueueLimit
            for (id, since) in overLimit {
                guard let connection = connections[id], connection.isOpen else { overLimit[id] = nil; continue }
                if !isPastLimit(connection.queue.count, connection.queue.bytes) {
                    overLimit[id] = nil
                } else if now - since >= Int64(limit.graceMilliseconds) {
                    overLimit[id] = nil
                    dropStalled(connection, now: now)
                }
            }
            if !drainWaiters.isEmpty || !stalledDrops.isEmpty || !overLimit.isEmpty { scheduleStallCheck() }
        }
    }

    /// Drops a reader that has stopped reading, and cuts its socket later if the close cannot go out.
    func dropStalled(_ connection: ServerConnection, now: Int64) {
        guard connection.isOpen else { return }
        dropSlowConsumer(connection)
        stalledDrops[connection.id] = now + Int64(Self.stalledCloseGraceMilliseconds)
    }

    /// Whether a queue of `frames` frames and `bytes` bytes is past the (soft) outbound limit.
    func isPastLimit(_ frames: Int, _ bytes: Int) -> Bool {
        let limit = configuration.outboundQueueLimit
        return frames > limit.maxFrames || (frames > 1 && bytes > limit.maxBytes)
    }
}
