import AtelierCore

/// What Tab does to a command line: the completed line, and the choices when several remain.
public struct Completion: Hashable, Sendable {
    /// The line after completion (unchanged when nothing matches).
    public var line: String
    /// Every candidate that matches what was typed, when more than one does.
    public var candidates: [String]
}

/// Completes the word being typed from what the console knows: command words, slot and room
/// ids, participant names, note, group, vote, plenary item and recommendation ids.
public struct CommandCompleter: Sendable {
    /// The session the names come from.
    public var state: SessionState?

    /// A completer over `state`.
    public init(state: SessionState?) { self.state = state }

    /// Completes the last word of `line` (or a new one after a trailing space).
    public func complete(_ line: String) -> Completion {
        let words = CommandLineWords.split(line)
        let startsNewWord = words.isEmpty || line.last == " " || line.last == "\t"
        let previous = startsNewWord ? words : Array(words.dropLast())
        let partial = startsNewWord ? "" : words.last!.text
        let all = candidates(after: previous.map(\.text))
        let matches = all.filter { $0.lowercased().hasPrefix(partial.lowercased()) }
        let head = startsNewWord ? line : String(line[..<words.last!.start])
        guard let first = matches.first else { return Completion(line: line, candidates: []) }
        if matches.count == 1 {
            return Completion(line: head + CommandLineWords.quotedIfNeeded(first) + " ", candidates: [])
        }
        let common = matches.dropFirst().reduce(first) { commonPrefix($0, $1) }
        let completed = common.count > partial.count && !common.contains(" ") ? head + common : line
        return Completion(line: completed, candidates: matches)
    }

    /// The words that may come after `previous` (the words already typed).
    public func candidates(after previous: [String]) -> [String] {
        guard let command = previous.first.map({ CommandCatalogue.aliases[$0.lowercased()] ?? $0.lowercased() }) else {
            return CommandCatalogue.all.map(\.name)
        }
        let position = previous.count  // index of the word being completed
        if let last = previous.last?.lowercased(), position >= 2 {
            if last == "room" && (command == "rec") { return roomIDs }
            if last == "from" && command == "rec" { return noteIDs + promotedIDs }
            if last == "theme" && command == "rec" { return roomIDs + ["none"] }
            if last == "to" && command == "rec" { return (state?.workshop.addressees ?? []).map(\.id) + ["none"] }
            if (last == "dots" || last == "max") && command == "vote" { return [] }
        }
        switch command {
        case "goto": return position == 1 ? slotIDs : []
        case "rooms":
            if position == 1 { return ["open", "close"] }
            if position == 2 && previous[1].lowercased() == "open" { return WorkshopDefinition.AssignmentMode.allCases.map(\.rawValue) }
            if position == 2 && previous[1].lowercased() == "close" { return ["now", "30", "60", "120"] }
            return []
        case "move", "facilitator":
            if position == 1 { return participantNames }
            return roomIDs + (command == "facilitator" ? ["none"] : [])
        case "announce": return position == 1 ? roomIDs.map { "room:" + $0 } : []
        case "vote":
            if position == 1 { return ["open", "close", "reveal"] }
            let verb = previous[1].lowercased()
            if verb == "open" {
                return position == 2 ? VoteScope.allCases.map(\.rawValue) : ["dots", "max", "hidden", "visible"]
            }
            return position == 2 ? (state?.voteOrder ?? []) : []
        case "promote": return position == 1 ? noteIDs + (state?.clusterOrder ?? []) : []
        case "demote": return position == 1 ? promotedIDs : []
        case "rec":
            if position == 1 { return ["draft", "edit", "order", "withdraw", "classify", "reserve", "unreserve"] }
            let verb = previous[1].lowercased()
            if ["edit", "withdraw", "classify", "reserve"].contains(verb) && position == 2 { return recommendationIDs }
            if verb == "unreserve" { return position == 2 ? (state?.reservations.map(\.id) ?? []) : [] }
            if verb == "classify" { return ["theme", "to"] }
            if verb == "order" { return recommendationIDs.filter { !previous.contains($0) } }
            if verb == "draft" || verb == "edit" { return ["from", "room"] }
            return []
        case "findings": return position == 1 ? roomIDs : (position == 2 ? ["clear"] : [])
        case "intro", "conclusion": return position == 1 ? ["clear"] : []
        case "quote", "unquote": return position == 1 ? noteIDs + (state?.commentOrder ?? []) : []
        case "export": return position == 1 ? TranscriptFiles.formats : []
        case "view": return position == 1 ? ConsoleView.allCases.map(\.rawValue) : []
        case "help": return position == 1 ? CommandCatalogue.all.map(\.name) : []
        default: return []
        }
    }

    private var slotIDs: [String] { state?.workshop.agenda.map(\.id) ?? [] }
    private var roomIDs: [String] { state?.workshop.rooms.map(\.id) ?? [] }
    private var noteIDs: [String] { state?.noteOrder ?? [] }
    private var promotedIDs: [String] { state?.promoted.map(\.id) ?? [] }
    private var recommendationIDs: [String] { state?.recommendationOrder ?? [] }

    /// Names of the participants (not moderators) who are still in the session, in join order.
    private var participantNames: [String] {
        guard let state else { return [] }
        return state.activeParticipants.filter { !$0.isModerator }.map { ConsoleText.sanitized($0.name) }
    }

    private func commonPrefix(_ a: String, _ b: String) -> String {
        var result = ""
        for (x, y) in zip(a, b) {
            guard x == y else { break }
            result.append(x)
        }
        return result
    }
}
