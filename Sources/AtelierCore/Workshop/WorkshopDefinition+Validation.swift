extension WorkshopDefinition {
    /// Languages the participant interface is translated into.
    public static let supportedLanguages = ["fr", "nl", "en"]

    /// Every rule the workshop breaks, in file order; empty when it can run.
    ///
    /// These are the rules beyond the file's shape (which decoding checks); `Workshops/schema.json`
    /// expresses the ones JSON Schema can.
    public func validate() -> [WorkshopIssue] {
        var check = WorkshopValidator(workshop: self)
        check.run()
        return check.issues
    }
}

/// Walks a workshop and collects the issues, in file order.
private struct WorkshopValidator {
    let workshop: WorkshopDefinition
    var issues: [WorkshopIssue] = []

    mutating func run() {
        if workshop.format != 1 { flag("format", "must be 1 (the only version of the format)") }
        identifier(workshop.id, at: "id")
        text(workshop.title, at: "title")
        if workshop.organiser.isBlank { flag("organiser", "must not be empty") }
        privacy()
        if !isDate(workshop.date) { flag("date", "must be a date written YYYY-MM-DD") }
        if !isTimeZone(workshop.timezone) { flag("timezone", "must be a time zone name such as Europe/Brussels") }
        languages()
        if let description = workshop.description { text(description, at: "description") }
        roles()
        rooms()
        if let prompts = workshop.prompts { self.prompts(prompts, at: "prompts") }
        agenda()
        voting(workshop.voting, at: "voting")
    }

    private mutating func flag(_ path: String, _ message: String) {
        issues.append(WorkshopIssue(path: path, message: message))
    }

    private mutating func identifier(_ id: String, at path: String) {
        let allowed = id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        if id.isEmpty || id.count > 64 || !allowed || id.hasPrefix("-") || id.hasSuffix("-") || id.contains("--") {
            flag(path, "must be 1 to 64 lowercase letters, digits and single dashes, like \"local-governance\"")
        }
    }

    private mutating func unique(_ ids: [String], at path: String) {
        var seen = Set<String>()
        for (index, id) in ids.enumerated() where !seen.insert(id).inserted {
            flag("\(path)[\(index)].id", "\"\(id)\" is used twice")
        }
    }

    private mutating func text(_ text: LocalizedText, at path: String) {
        if text.values.isEmpty { flag(path, "must not be empty") }
        for key in text.values.keys.sorted() {
            let where_ = key.isEmpty ? path : "\(path).\(key)"
            if !key.isEmpty && !workshop.languages.contains(key) {
                flag(where_, "\"\(key)\" is not one of the workshop's languages (\(workshop.languages.joined(separator: ", ")))")
            }
            if text.values[key]?.isBlank ?? true { flag(where_, "must not be empty") }
        }
    }

    private mutating func privacy() {
        if let contact = workshop.contact, contact.isBlank || contact.count > 200 {
            flag("contact", "must be 1 to 200 characters saying whom to contact (an address, a mail or a phone number)")
        }
        if let days = workshop.retentionDays, !(1...3650).contains(days) {
            flag("retentionDays", "must be a whole number of days from 1 to 3650")
        }
        if let group = workshop.minimumRoleGroup, !(1...100).contains(group) {
            flag("minimumRoleGroup", "must be a whole number of people from 1 to 100")
        }
    }

    private mutating func languages() {
        if workshop.languages.isEmpty { flag("languages", "must list at least one language") }
        var seen = Set<String>()
        for (index, language) in workshop.languages.enumerated() {
            if !WorkshopDefinition.supportedLanguages.contains(language) {
                flag("languages[\(index)]", "\"\(language)\" is not supported (use fr, nl or en)")
            } else if !seen.insert(language).inserted {
                flag("languages[\(index)]", "\"\(language)\" is listed twice")
            }
        }
    }

    private mutating func roles() {
        if workshop.roles.isEmpty { flag("roles", "must offer at least one role") }
        for (index, role) in workshop.roles.enumerated() {
            identifier(role.id, at: "roles[\(index)].id")
            text(role.label, at: "roles[\(index)].label")
        }
        unique(workshop.roles.map(\.id), at: "roles")
        for (index, addressee) in (workshop.addressees ?? []).enumerated() {
            identifier(addressee.id, at: "addressees[\(index)].id")
            text(addressee.label, at: "addressees[\(index)].label")
        }
        unique((workshop.addressees ?? []).map(\.id), at: "addressees")
    }

    private mutating func rooms() {
        for (index, room) in workshop.rooms.enumerated() {
            identifier(room.id, at: "rooms[\(index)].id")
            if room.id == plenaryRoom { flag("rooms[\(index)].id", "\"plenary\" is reserved for the plenary board") }
            text(room.theme, at: "rooms[\(index)].theme")
            if let prompts = room.prompts { self.prompts(prompts, at: "rooms[\(index)].prompts") }
        }
        unique(workshop.rooms.map(\.id), at: "rooms")
    }

    private mutating func prompts(_ prompts: [WorkshopDefinition.Prompt], at path: String) {
        if prompts.isEmpty { flag(path, "must list at least one question when present") }
        for (index, prompt) in prompts.enumerated() {
            identifier(prompt.id, at: "\(path)[\(index)].id")
            text(prompt.text, at: "\(path)[\(index)].text")
            for (item, note) in (prompt.items ?? []).enumerated() { text(note, at: "\(path)[\(index)].items[\(item)]") }
        }
        unique(prompts.map(\.id), at: path)
    }

    private mutating func agenda() {
        if workshop.agenda.isEmpty { flag("agenda", "must have at least one slot") }
        var plannedEnd: Int?
        for (index, slot) in workshop.agenda.enumerated() {
            let path = "agenda[\(index)]"
            identifier(slot.id, at: "\(path).id")
            text(slot.title, at: "\(path).title")
            if !(1...1440).contains(slot.minutes) { flag("\(path).minutes", "must be a positive integer of at most 1440") }
            var start = plannedEnd
            if let written = slot.start {
                if let minutes = minutesOfDay(written) {
                    if let previous = plannedEnd, minutes < previous {
                        flag("\(path).start", "\(written) is before the previous slot ends")
                    }
                    start = minutes
                } else {
                    flag("\(path).start", "must be a time written HH:MM")
                }
            }
            plannedEnd = start.map { $0 + slot.minutes }
            if let description = slot.description { text(description, at: "\(path).description") }
            if let prompts = slot.prompts { self.prompts(prompts, at: "\(path).prompts") }
            if let voting = slot.voting { self.voting(voting, at: "\(path).voting") }
            breakout(slot, at: path)
        }
        unique(workshop.agenda.map(\.id), at: "agenda")
    }

    private mutating func breakout(_ slot: WorkshopDefinition.AgendaSlot, at path: String) {
        guard slot.kind == .breakout else {
            if slot.rooms != nil { flag("\(path).rooms", "only a breakout slot opens rooms") }
            return
        }
        if workshop.rooms.isEmpty { flag("\(path).kind", "a breakout needs rooms, and the workshop has none") }
        var seen = Set<String>()
        for (index, room) in (slot.rooms ?? []).enumerated() {
            if workshop.room(room) == nil { flag("\(path).rooms[\(index)]", "\"\(room)\" is not a room of the workshop") }
            if !seen.insert(room).inserted { flag("\(path).rooms[\(index)]", "\"\(room)\" is listed twice") }
        }
        if slot.rooms?.isEmpty == true { flag("\(path).rooms", "must list at least one room when present") }
        for room in workshop.rooms(of: slot) where workshop.room(room) != nil {
            if workshop.prompts(of: BoardID(slot: slot.id, room: room)).isEmpty {
                flag("\(path)", "room \"\(room)\" has no question: give prompts to the room, the slot or the workshop")
            }
        }
    }

    private mutating func voting(_ voting: WorkshopDefinition.VotingSettings, at path: String) {
        if !(1...100).contains(voting.dotsPerPerson) { flag("\(path).dotsPerPerson", "must be an integer from 1 to 100") }
        if !(1...max(1, voting.dotsPerPerson)).contains(voting.maxDotsPerNote) {
            flag("\(path).maxDotsPerNote", "must be an integer from 1 to dotsPerPerson")
        }
    }

    private func isDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), day >= 1 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return day <= days
    }

    private func isTimeZone(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard text == "UTC" || (2...3).contains(parts.count) else { return false }
        return parts.allSatisfy { part in
            !part.isEmpty && part.unicodeScalars.allSatisfy {
                ("A"..."Z").contains($0) || ("a"..."z").contains($0) || $0 == "_" || $0 == "-" || ("0"..."9").contains($0)
            }
        }
    }
}

/// Minutes since midnight of an `HH:MM` time, or nil when it is not one.
public func minutesOfDay(_ text: String) -> Int? {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
          let hours = Int(parts[0]), let minutes = Int(parts[1]),
          (0...23).contains(hours), (0...59).contains(minutes) else { return nil }
    return hours * 60 + minutes
}
