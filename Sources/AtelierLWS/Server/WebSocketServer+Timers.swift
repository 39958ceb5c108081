import CWebSockets

extension WebSocketServer {
    /// Runs `body` on the service thread after `milliseconds` (service thread).
    @discardableResult
    public func schedule(afterMilliseconds milliseconds: Int, _ body: @escaping () -> Void) -> TimerToken {
        assert(isOnServiceThread, "schedule(afterMilliseconds:_:) must be called on the service thread")
        let token = nextTimerToken
        nextTimerToken += 1
        guard let eventLoop, !tearingDown else { return TimerToken(rawValue: token) }
        timers[token] = LoopTimer(
            loop: eventLoop, owner: self, token: token, seconds: Double(max(0, milliseconds)) / 1000, body: body)
        return TimerToken(rawValue: token)
    }

    /// Calls `body` every `milliseconds`, on the service thread, for as long as the server runs
    /// (service thread): the housekeeping that lasts as long as the server does.
    public func every(milliseconds: Int, _ body: @escaping () -> Void) {
        _ = schedule(afterMilliseconds: milliseconds) { [weak self] in
            body()
            self?.every(milliseconds: milliseconds, body)
        }
    }

    /// Cancels a timer that has not fired yet (service thread).
    public func cancel(_ token: TimerToken) {
        assert(isOnServiceThread, "cancel(_:) must be called on the service thread")
        timers[token.rawValue] = nil
    }

    fileprivate func timerFired(token: UInt64) {
        guard let timer = timers.removeValue(forKey: token) else { return }
        timer.body()
    }
}

/// One of the server's timers on its libev loop. Whoever drops the last reference (it fired, it was
/// cancelled, the server stops) stops it and frees its watcher: the watcher lives exactly as long
/// as the timer does.
final class LoopTimer {
    let body: () -> Void
    private let loop: OpaquePointer
    private let watcher: UnsafeMutablePointer<atelier_ev_timer>

    /// Starts a timer that calls `owner.timerFired(token:)` after `seconds`. `loop` must outlive it.
    init(loop: OpaquePointer, owner: WebSocketServer, token: UInt64, seconds: Double, body: @escaping () -> Void) {
        self.body = body
        self.loop = loop
        watcher = UnsafeMutablePointer<atelier_ev_timer>.allocate(capacity: 1)
        watcher.initialize(to: atelier_ev_timer())
        watcher.pointee.owner = Unmanaged.passUnretained(owner).toOpaque()
        watcher.pointee.token = token
        atelier_ev_timer_start(loop, watcher, seconds) { _, watcher, _ in
            guard let watcher, let timer = atelier_ev_timer_from(watcher) else { return }
            let server = Unmanaged<WebSocketServer>.fromOpaque(timer.pointee.owner).takeUnretainedValue()
            server.timerFired(token: timer.pointee.token)
        }
    }

    deinit {
        // A timer that fired was stopped by libev before calling back; stopping it again is a no-op.
        atelier_ev_timer_stop(loop, watcher)
        watcher.deallocate()
    }
}
