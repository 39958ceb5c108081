import AtelierCore

/// A piece of the synthesis written as prose, which the console opens in the moderator's editor.
public enum ProseTarget: Hashable, Sendable {
    /// A theme's (a room's) findings.
    case findings(RoomID)
    /// The introduction or the conclusion.
    case synthesis(SynthesisPart)
    /// A new reservation on a recommendation.
    case reservation(RecommendationID)

    /// What is being written, for the messages around the editor.
    public var title: String {
        switch self {
        case .findings(let room): return "the findings of \(room)"
        case .synthesis(let part): return "the \(part.rawValue)"
        case .reservation(let recommendation): return "a reservation on \(recommendation)"
        }
    }

    /// The line that clears the text, said when the editor's file comes back empty (a new
    /// reservation has nothing to clear).
    public var clearingLine: String? {
        switch self {
        case .findings(let room): return "findings \(room) clear"
        case .synthesis(let part): return "\(part == .introduction ? "intro" : "conclusion") clear"
        case .reservation: return nil
        }
    }

    /// The text the editor starts from: the current one in the workshop's first language (a new
    /// reservation starts empty).
    public func current(in state: SessionState?) -> String {
        guard let state, let text = stored(in: state) else { return "" }
        return text.text(in: state.workshop.primaryLanguage)
    }

    /// What the console does with the editor's text.
    public enum Outcome: Hashable, Sendable {
        /// The text is what it was: nothing is sent.
        case unchanged
        /// The file was left empty: nothing is sent, since clearing is said on the line (`… clear`).
        case empty
        /// The command that records the new text.
        case send(Command)
    }

    /// The outcome of the editor leaving `edited` in the file; the text replaces the one in the
    /// workshop's first language and keeps the translations.
    public func outcome(of edited: String, in state: SessionState?) -> Outcome {
        let text = edited.trimmingBlankLines()
        if text.isEmpty { return .empty }
        if text == current(in: state).trimmingBlankLines() { return .unchanged }
        let language = state?.workshop.primaryLanguage ?? ""
        var values = state.flatMap { stored(in: $0)?.values } ?? [:]
        values[state.flatMap { stored(in: $0)?.key(in: language) } ?? ""] = text
        return .send(command(LocalizedText(translations: values)))
    }

    func command(_ text: LocalizedText) -> Command {
        switch self {
        case .findings(let room): return .writeFindings(room: room, text: text)
        case .synthesis(let part): return .writeSynthesisText(part: part, text: text)
        case .reservation(let recommendation): return .addReservation(recommendation: recommendation, text: text)
        }
    }

    private func stored(in state: SessionState) -> LocalizedText? {
        switch self {
        case .findings(let room): return state.findings[room]
        case .synthesis(let part): return state.synthesisTexts[part]
        case .reservation: return nil
        }
    }
}

extension String {
    /// The text without the blank lines and spaces editors leave around it; inner lines stay.
    func trimmingBlankLines() -> String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}
