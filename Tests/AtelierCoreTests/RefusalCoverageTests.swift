@testable import AtelierCore
import Testing

@Suite("Refusal codes")
struct RefusalCoverageTests {
    /// For each refusal code, the rule test that specifies it; written as references so the compiler checks they exist.
    private let specifiedBy: [Refusal.Code: Any] = [
        .workshopInvalid: SessionCreationTests.invalidWorkshopRefused,
        .sessionNotStarted: AgendaRulesTests.agendaNeedsStart,
        .sessionAlreadyStarted: AgendaRulesTests.startOnce,
        .sessionNotRunning: AgendaRulesTests.pauseNeedsRunning,
        .sessionNotPaused: AgendaRulesTests.resumeNeedsPause,
        .sessionEnded: AgendaRulesTests.endedRefusesEverything,
        .authNotJoined: ParticipantRulesTests.notJoinedRefused,
        .authAlreadyJoined: ParticipantRulesTests.joinedConnectionCannotJoin,
        .authModeratorOnly: AgendaRulesTests.startIsModeratorOnly,
        .authFacilitatorOnly: ClusterRulesTests.groupingIsForFacilitators,
        .authUnknownToken: ParticipantRulesTests.rejoinUnknownToken,
        .participantUnknown: ParticipantRulesTests.appointUnknownParticipant,
        .participantUnknownRole: ParticipantRulesTests.unknownRoleListsChoices,
        .participantUnknownLanguage: ParticipantRulesTests.unknownLanguageRefused,
        .participantIsModerator: ParticipantRulesTests.moderatorIsNotFacilitator,
        .textEmpty: ParticipantRulesTests.emptyNameRefused,
        .textTooLong: ParticipantRulesTests.longNameRefused,
        .textControlCharacters: ParticipantRulesTests.controlCharactersRefused,
        .textBidiControl: TextRulesTests.bidiControlsRefused,
        .textUnknownLanguage: AnnouncementRulesTests.translationsMustBeInWorkshopLanguages,
        .agendaNoNextSlot: AgendaRulesTests.noNextSlot,
        .agendaNoPreviousSlot: AgendaRulesTests.noPreviousSlot,
        .agendaUnknownSlot: AgendaRulesTests.goToUnknownSlot,
        .agendaAlreadyThere: AgendaRulesTests.goToCurrentSlot,
        .agendaInvalidExtension: AgendaRulesTests.extensionBounds,
        .agendaTimeNotUp: AgendaRulesTests.expireBeforeEnd,
        .roomsNotBreakout: RoomRulesTests.openNeedsBreakout,
        .roomsAlreadyOpen: RoomRulesTests.openTwice,
        .roomsNotOpen: RoomRulesTests.roomsMustBeOpen,
        .roomsUnknownRoom: RoomRulesTests.chooseUnknownRoom,
        .roomsSelfSelectionOff: RoomRulesTests.chooseNeedsSelfMode,
        .roomsInvalidDelay: RoomRulesTests.warningBounds,
        .boardUnknown: NoteRulesTests.unknownBoard,
        .boardClosed: NoteRulesTests.closedBoardsRefuseNotes,
        .boardNotYourRoom: NoteRulesTests.writeOnlyOwnRoom,
        .boardUnknownPrompt: NoteRulesTests.promptMustBelongToBoard,
        .noteUnknown: IsolationRulesTests.otherRoomNotesAreUnknown,
        .noteNotAuthor: NoteRulesTests.editOnlyOwnNote,
        .noteHasVotes: VoteRulesTests.countedNoteStays,
        .noteNothingToChange: NoteRulesTests.editNeedsChange,
        .commentUnknown: NoteRulesTests.deleteComment,
        .commentNotAuthor: NoteRulesTests.deleteComment,
        .clusterUnknown: ClusterRulesTests.unknownCluster,
        .clusterNeedsNotes: ClusterRulesTests.groupNeedsNotes,
        .clusterMixedBoards: ClusterRulesTests.mixedBoardsRefused,
        .clusterUnnamed: SynthesisRulesTests.unnamedClusterNeedsText,
        .noteNotGrouped: ClusterRulesTests.ungroupNeedsGroup,
        .voteUnknown: VoteRulesTests.unknownRoundOrItem,
        .voteAlreadyOpen: VoteRulesTests.overlappingRounds,
        .voteNotOpen: VoteRulesTests.closeRound,
        .voteAlreadyRevealed: VoteRulesTests.revealClosedRoundOnce,
        .voteInvalidSettings: VoteRulesTests.invalidSettings,
        .voteNothingToVoteOn: VoteRulesTests.nothingToVoteOn,
        .voteBudgetExhausted: VoteRulesTests.budgetExhausted,
        .voteMaxPerItem: VoteRulesTests.placeDots,
        .voteNoDotToRemove: VoteRulesTests.removeDot,
        .voteUnknownItem: VoteRulesTests.unknownRoundOrItem,
        .synthesisAlreadyPromoted: SynthesisRulesTests.noDuplicates,
        .synthesisUnknownItem: SynthesisRulesTests.demote,
        .recommendationUnknown: SynthesisRulesTests.unknownRecommendation,
        .recommendationUnknownSource: SynthesisRulesTests.unknownSources,
        .recommendationBadOrder: SynthesisRulesTests.orderRecommendations,
        .recommendationUnknownAddressee: CurationRulesTests.classify,
        .quoteAlreadyFeatured: CurationRulesTests.featureOnce,
        .quoteNotFeatured: CurationRulesTests.featureOnce,
        .reservationUnknown: CurationRulesTests.reservations,
    ]

    @Test("Every refusal code is specified by a rule test")
    func everyCodeIsSpecified() {
        for code in Refusal.Code.allCases {
            #expect(specifiedBy[code] != nil, "\(code.rawValue) has no rule test")
        }
    }

    @Test("Refusal codes are written feature.reason on the wire")
    func codeShape() {
        for code in Refusal.Code.allCases {
            let parts = code.rawValue.split(separator: ".", omittingEmptySubsequences: false)
            let wellFormed = parts.count == 2 && parts.allSatisfy { $0.first?.isLowercase == true }
            #expect(wellFormed, "\(code.rawValue)")
        }
        #expect(Refusal.Code.voteBudgetExhausted.rawValue == "vote.budgetExhausted")
    }

    @Test("A refusal describes itself as its code and message")
    func refusalDescription() {
        #expect(Refusal(.voteBudgetExhausted, "You have used your 3 dots.").description
            == "vote.budgetExhausted: You have used your 3 dots.")
    }
}
