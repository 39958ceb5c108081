import AtelierCore
import AtelierStore

extension SessionHub {
    /// How often the served sessions' leases are renewed (they live `EventStore.leaseLifetimeMilliseconds`).
    static let leaseRenewalMilliseconds = 60_000
    /// How often the retention purge runs while serving, besides once at start.
    static let retentionMilliseconds = 3_600_000
    /// How long an ended session nobody is connected to stays loaded and leased, unless told: the
    /// people who linger after the end (a reload, a dropped connection, the transcript or the summary
    /// taken again) find it in memory instead of having its log replayed each time, and an organiser
    /// who curates with `atelier synthesis` afterwards waits ten minutes at most.
    public static let endedSessionHoldMilliseconds: Int64 = 600_000

    /// Renews the leases every minute, lets go of ended sessions left alone, and asks for the
    /// retention purge every hour, from now on (service thread).
    func scheduleHousekeeping() {
        server?.every(milliseconds: Self.leaseRenewalMilliseconds) { [weak self] in self?.renewLeases() }
        server?.every(milliseconds: Self.retentionMilliseconds) { [weak self] in self?.retentionDue = true }
        // Looked at once a minute, or as often as a shorter hold needs to be kept to.
        let idleCheck = min(Int(options.endedSessionHoldMilliseconds), Self.leaseRenewalMilliseconds)
        server?.every(milliseconds: idleCheck) { [weak self] in self?.releaseIdleSessions() }
    }

    /// Renews this server's leases on every session it serves.
    func renewLeases() {
        do { try store.holdSessions(Array(sessions.keys), holder: leaseHolder, at: clock()) } catch {
            logger.warning("session leases not renewed", metadata: ["error": "\(error)"])
        }
    }

    /// Gives up this server's leases, once it has stopped serving.
    public func releaseLeases() {
        do { try store.releaseSessions(holder: leaseHolder) } catch {
            logger.warning("session leases not released", metadata: ["error": "\(error)"])
        }
    }

    /// Purges the names and organisations of every session past its workshop's retention, as
    /// `atelier purge --expired` does, and says in the log what it removed (never whom). A purged
    /// session this server holds in memory is dropped and its connections closed (1001), so its
    /// people come back to the purged log and no name is served from memory again. Waits for a
    /// turn when no session is waiting for a lock held elsewhere, so no decided event is dropped.
    public func applyRetention() {
        guard !sessions.values.contains(where: { $0.commitRetry != nil }) else { return retentionDue = true }
        retentionDue = false
        let reports: [PurgeReport]
        do { reports = try store.purgeExpiredIdentities(at: clock()) } catch {
            return logger.error("retention purge failed", metadata: ["error": "\(error)"])
        }
        for report in reports {
            logger.notice("\(report.retentionLine)")
            if let session = sessions[report.sessionID] { drop(session) }
        }
    }

    /// Lets go of every ended session nobody has been connected to for `endedSessionHoldMilliseconds`:
    /// its log leaves memory and its lease is released, so `atelier synthesis` may curate it. Whoever
    /// comes back (a connection naming its code, `/export`, `/summary`) has it loaded again from the
    /// database, with what was appended meanwhile. A session whose events or answers still wait for
    /// the database is kept until they are stored, so nothing accepted is lost.
    public func releaseIdleSessions() {
        let now = clock()
        let attended = Set(clients.values.compactMap(\.session))
        let idle = sessions.values.filter { session in
            guard session.state.status == .ended, !attended.contains(session.record.id), let since = session.lastAttended
            else { return false }
            return now.milliseconds(since: since) >= options.endedSessionHoldMilliseconds
                && session.isSettled && !dirty.contains(session.record.id)
        }
        guard !idle.isEmpty else { return }
        for session in idle {
            drop(session)
            logger.info("ended session unloaded, lease released", metadata: [
                "session": "\(session.record.id)", "code": "\(session.record.joinCode)",
            ])
        }
        // Their people's rate buckets have long refilled: a fresh one is the same.
        let released = Set(idle.map(\.record.id))
        buckets = buckets.filter { !released.contains($0.key.session) }
    }

    /// Stops serving a session: its timers, its connections, its lease.
    private func drop(_ session: LiveSession) {
        let id = session.record.id
        sessions[id] = nil
        sessionByCode[session.record.joinCode.uppercased()] = nil
        for token in [session.slotTimer?.token, session.roomsTimer?.token].compactMap({ $0 }) { server?.cancel(token) }
        for client in clients.values where client.session == id {
            server?.close(client.id, code: 1001, reason: "session reloaded")
        }
        do { try store.releaseSessions([id], holder: leaseHolder) } catch {
            logger.warning("session lease not released", metadata: ["session": "\(id)", "error": "\(error)"])
        }
    }
}
