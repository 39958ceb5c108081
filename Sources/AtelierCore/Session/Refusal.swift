/// Why a command was refused: a stable machine code and a sentence for people.
///
/// A refused command changes nothing. Clients show `message`; tests and scripts match `code`.
public struct Refusal: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable identifier such as `vote.budgetExhausted`.
    public var code: Code
    /// What went wrong, in plain English, addressed to the person who tried.
    public var message: String

    /// A refusal with its code and sentence.
    public init(_ code: Code, _ message: String) { self.code = code; self.message = message }

    public var description: String { "\(code.rawValue): \(message)" }

    /// Every refusal code the engine can give; the raw values are part of the protocol.
    public enum Code: String, Hashable, Sendable, CaseIterable, Codable {
        case workshopInvalid = "workshop.invalid"
        case sessionNotStarted = "session.notStarted"
        case sessionAlreadyStarted = "session.alreadyStarted"
        case sessionNotRunning = "session.notRunning"
        case sessionNotPaused = "session.notPaused"
        case sessionEnded = "session.ended"
        case authNotJoined = "auth.notJoined"
        case authAlreadyJoined = "auth.alreadyJoined"
        case authModeratorOnly = "auth.moderatorOnly"
        case authFacilitatorOnly = "auth.facilitatorOnly"
        case authUnknownToken = "auth.unknownToken"
        case participantUnknown = "participant.unknown"
        case participantUnknownRole = "participant.unknownRole"
        case participantUnknownLanguage = "participant.unknownLanguage"
        case participantIsModerator = "participant.isModerator"
        case textEmpty = "text.empty"
        case textTooLong = "text.tooLong"
        case textControlCharacters = "text.controlCharacters"
        case textBidiControl = "text.bidiControl"
        case textUnknownLanguage = "text.unknownLanguage"
        case agendaNoNextSlot = "agenda.noNextSlot"
        case agendaNoPreviousSlot = "agenda.noPreviousSlot"
        case agendaUnknownSlot = "agenda.unknownSlot"
        case agendaAlreadyThere = "agenda.alreadyThere"
        case agendaInvalidExtension = "agenda.invalidExtension"
        case agendaTimeNotUp = "agenda.timeNotUp"
        case roomsNotBreakout = "rooms.notBreakout"
        case roomsAlreadyOpen = "rooms.alreadyOpen"
        case roomsNotOpen = "rooms.notOpen"
        case roomsUnknownRoom = "rooms.unknownRoom"
        case roomsSelfSelectionOff = "rooms.selfSelectionOff"
        case roomsInvalidDelay = "rooms.invalidDelay"
        case boardUnknown = "board.unknown"
        case boardClosed = "board.closed"
        case boardNotYourRoom = "board.notYourRoom"
        case boardUnknownPrompt = "board.unknownPrompt"
        case noteUnknown = "note.unknown"
        case noteNotAuthor = "note.notAuthor"
        case noteHasVotes = "note.hasVotes"
        case noteNothingToChange = "note.nothingToChange"
        case commentUnknown = "comment.unknown"
        case commentNotAuthor = "comment.notAuthor"
        case clusterUnknown = "cluster.unknown"
        case clusterNeedsNotes = "cluster.needsNotes"
        case clusterMixedBoards = "cluster.mixedBoards"
        case clusterUnnamed = "cluster.unnamed"
        case noteNotGrouped = "note.notGrouped"
        case voteUnknown = "vote.unknown"
        case voteAlreadyOpen = "vote.alreadyOpen"
        case voteNotOpen = "vote.notOpen"
        case voteAlreadyRevealed = "vote.alreadyRevealed"
        case voteInvalidSettings = "vote.invalidSettings"
        case voteNothingToVoteOn = "vote.nothingToVoteOn"
        case voteBudgetExhausted = "vote.budgetExhausted"
        case voteMaxPerItem = "vote.maxPerItem"
        case voteNoDotToRemove = "vote.noDotToRemove"
        case voteUnknownItem = "vote.unknownItem"
        case synthesisAlreadyPromoted = "synthesis.alreadyPromoted"
        case synthesisUnknownItem = "synthesis.unknownItem"
        case recommendationUnknown = "recommendation.unknown"
        case recommendationUnknownSource = "recommendation.unknownSource"
        case recommendationBadOrder = "recommendation.badOrder"
        case recommendationUnknownAddressee = "recommendation.unknownAddressee"
        case quoteAlreadyFeatured = "quote.alreadyFeatured"
        case quoteNotFeatured = "quote.notFeatured"
        case reservationUnknown = "reservation.unknown"
    }
}
