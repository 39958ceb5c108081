extension WorkshopDefinition {
    /// The agenda slot with this id.
    public func slot(_ id: SlotID) -> AgendaSlot? { agenda.first { $0.id == id } }

    /// The room with this id.
    public func room(_ id: RoomID) -> Room? { rooms.first { $0.id == id } }

    /// The role with this id.
    public func role(_ id: String) -> Role? { roles.first { $0.id == id } }

    /// The addressee of recommendations with this id.
    public func addressee(_ id: String) -> Role? { addressees?.first { $0.id == id } }

    /// The rooms a breakout slot opens: those it lists, else all of the workshop's.
    public func rooms(of slot: AgendaSlot) -> [RoomID] {
        guard slot.kind == .breakout else { return [] }
        return slot.rooms ?? rooms.map(\.id)
    }

    /// The columns of a board: a room's own prompts, else the slot's, else the workshop's.
    ///
    /// A plenary board only has the slot's own prompts: a slot without prompts has no plenary board.
    public func prompts(of board: BoardID) -> [Prompt] {
        guard let slot = slot(board.slot) else { return [] }
        if board.isPlenary { return slot.kind == .breakout ? [] : slot.prompts ?? [] }
        guard rooms(of: slot).contains(board.room) else { return [] }
        return room(board.room)?.prompts ?? slot.prompts ?? prompts ?? []
    }

    /// Every board the agenda defines, in agenda order.
    public var boards: [BoardID] {
        agenda.flatMap { slot -> [BoardID] in
            if slot.kind == .breakout { return rooms(of: slot).map { BoardID(slot: slot.id, room: $0) } }
            return slot.prompts == nil ? [] : [BoardID(slot: slot.id, room: plenaryRoom)]
        }
    }

    /// The voting rules in force during a slot.
    public func voting(in slot: AgendaSlot?) -> VotingSettings { slot?.voting ?? voting }

    /// The workshop's own language, used when a text lacks the reader's.
    public var primaryLanguage: String { languages.first ?? "en" }

    /// Days names are kept after the session when the file does not say.
    public static let defaultRetentionDays = 30

    /// Fewest people a role shows alone in a transcript when the file does not say (Decidim uses 5 for its demographic results).
    public static let defaultMinimumRoleGroup = 3

    /// The file's `minimumRoleGroup`, else the default.
    public var disclosureMinimumGroup: Int { minimumRoleGroup ?? Self.defaultMinimumRoleGroup }

    /// Whom the privacy notice names to contact: the file's `contact`, else the organiser.
    public var noticeContact: String { contact ?? organiser }

    /// The retention the privacy notice announces: the file's `retentionDays`, else the default.
    public var noticeRetentionDays: Int { retentionDays ?? Self.defaultRetentionDays }

    /// What the privacy notice states by default because the file leaves it out, for `atelier check` to say.
    public var statedDefaults: [WorkshopIssue] {
        var notes: [WorkshopIssue] = []
        if contact == nil {
            notes.append(WorkshopIssue(path: "contact", message: "not given: the privacy notice names the organiser, \(organiser), as the contact"))
        }
        if retentionDays == nil {
            notes.append(WorkshopIssue(path: "retentionDays", message: "not given: the privacy notice says names are kept \(Self.defaultRetentionDays) days after the session"))
        }
        return notes
    }
}
