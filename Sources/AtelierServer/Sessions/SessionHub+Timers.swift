import AtelierCore
import AtelierLWS

extension SessionHub {
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
}
