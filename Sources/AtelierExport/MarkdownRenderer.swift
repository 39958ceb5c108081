/// Writes a transcript as Markdown (CommonMark with GitHub tables), for reading and editing.
///
/// Every text that came from people is escaped, so a note reading `# Title` or `*urgent*`
/// stays the words it was; line breaks inside a text become `<br>`, the only HTML written. The prose
/// organisers write (findings, introduction, conclusion) keeps the marks of `Prose`, and only those.
struct MarkdownRenderer {
    let transcript: Transcript
    let words: Vocabulary
    /// The picture file of each vote's chart, by vote id, for a document made from the Markdown that can carry them.
    let charts: [String: String]

    init(_ transcript: Transcript, charts: [String: String] = [:]) {
        self.transcript = transcript
        self.charts = charts
        words = Vocabulary.for(transcript.language)
    }

    func render() -> String {
        var out: [String] = []
        header(&out)
        attendance(&out)
        agenda(&out)
        findings(&out)
        recommendations(&out)
        if let conclusion = transcript.conclusion { out += ["## \(words.conclusion)", "", prose(conclusion), ""] }
        out += ["## \(words.annex)", ""]
        roomNotes(&out)
        quotes(&out)
        votes(&out)
        return out.joined(separator: "\n") + "\n"
    }

    private func header(_ out: inout [String]) {
        let t = transcript
        out += ["# \(md(t.title))", ""]
        out += ["**\(words.organiser)**\(words.colon)\(md(t.organiser))  ", "**\(words.date)**\(words.colon)\(words.longDate(t.date))  ",
                "**\(words.session)**\(words.colon)\(md(t.joinCode))", ""]
        out += ["*\(words.privacy(t).joined(separator: " "))*", ""]
        guard t.description != nil || t.introduction != nil else { return }
        out += ["## \(words.context)", ""]
        if let description = t.description { out += [md(description), ""] }
        if let introduction = t.introduction { out += [prose(introduction), ""] }
    }

    private func attendance(_ out: inout [String]) {
        let a = transcript.attendance
        out += ["## \(words.participants)", "", words.participantCount(a.participants) + ".", ""]
        if !a.roles.isEmpty {
            out += ["| \(words.role) | \(words.participants) |", "|---|---:|"]
            out += a.roles.map { "| \(md($0.role.label)) | \($0.count) |" }
            out.append("")
        }
        if !a.organisations.isEmpty {
            out += ["### \(words.organisationsPresent)", ""]
            out += a.organisations.map { "- \(md($0.name))\($0.count > 1 ? " (\($0.count))" : "")" }
            out.append("")
        }
    }

    /// One row per slot, however many times it ran: each run's times, then the time in all.
    private func agenda(_ out: inout [String]) {
        out += ["## \(words.agenda)", "", "| \(words.slot) | \(words.planned) | \(words.actual) | \(words.delay) |",
                "|---|---|---|---:|"]
        for line in transcript.agenda {
            let planned = "\(line.plannedStart)–\(line.plannedEnd)"
            guard let first = line.runs.first else {
                out.append("| \(md(line.title)) | \(planned) | *\(words.notRun)* | |")
                continue
            }
            var actual = line.runs.map { run in
                "\(run.start)–\(run.end ?? "*\(words.stillRunning)*")"
                    + (run.extendedMinutes > 0 ? " (\(words.extended(run.extendedMinutes)))" : "")
            }.joined(separator: words.listSeparator)
            if let total = line.totalMinutes { actual += " (\(words.totalMinutes(total)))" }
            out.append("| \(md(line.title)) | \(planned) | \(actual) | \(signedMinutes(first.startDelay)) |")
        }
        out.append("")
    }

    private func findings(_ out: inout [String]) {
        out += ["## \(words.findings)", ""]
        if transcript.findings.isEmpty { out += [words.noNotes, ""] }
        for theme in transcript.findings {
            out += ["### \(md(theme.theme))", ""]
            if let text = theme.text {
                out += [prose(text), ""]
            } else {
                drawnFindings(theme, &out)
            }
            if !theme.quotes.isEmpty {
                out += ["**\(words.quotes)**", ""]
                for quote in theme.quotes {
                    out += ["> *\(md(quote.text))*" + (quote.attribution.map { " — \(md(words.signature($0)))" } ?? ""), ""]
                }
            }
        }
    }

    /// A theme's findings as the session left them, until someone writes them.
    private func drawnFindings(_ theme: Transcript.ThemeFindings, _ out: inout [String]) {
        out += ["*\(words.notYetEdited)*", ""]
        if !theme.mostVoted.isEmpty {
            out += ["**\(words.mostVoted)**", ""]
            out += theme.mostVoted.map { "- \(md($0.text)) — \(words.dotCount($0.dots))" }
            out.append("")
        }
        if !theme.groups.isEmpty {
            out += ["**\(words.groups)**", ""]
            out += theme.groups.map { "- \(md($0.name)) (\(words.noteCount($0.notes)))" }
            out.append("")
        }
    }

    /// The annex's first part: every board's questions, groups, notes, ranking and promoted items.
    private func roomNotes(_ out: inout [String]) {
        guard !transcript.boards.isEmpty else { return }
        out += ["### \(words.roomNotes)", ""]
        for board in transcript.boards {
            out += ["#### \(md(board.theme))", ""]
            if board.room != "plenary" { out += ["*\(md(board.slotTitle))*", ""] }
            if !board.prompts.isEmpty {
                out += ["**\(words.questions)**", ""]
                out += board.prompts.map { "\($0.number). \(md($0.text))" }
                out.append("")
            }
            for cluster in board.clusters {
                out += ["##### \(words.group)\(words.colon)\(cluster.name.map(md) ?? words.unnamedGroup)", ""]
                out += cluster.notes.flatMap(noteLines)
                out.append("")
            }
            for group in board.ungrouped {
                out += ["##### \(words.question(group.prompt.number))", ""]
                out += group.notes.flatMap(noteLines)
                out.append("")
            }
            for vote in board.votes where !vote.ranking.isEmpty {
                out += ["##### \(words.voteResults)", "", "| \(words.rank) | \(words.item) | \(words.dots) | \(words.voters) |",
                        "|---:|---|---:|---:|"]
                out += vote.ranking.map { "| \($0.rank) | \(md($0.text)) | \($0.dots) | \($0.voters) |" }
                out.append("")
            }
            if !board.promoted.isEmpty {
                out += ["##### \(words.promoted)", ""]
                out += board.promoted.map { "- \(md($0.text))" }
                out.append("")
            }
        }
    }

    /// A note as a list item: its text, who wrote it, its dots, then its comments indented below.
    private func noteLines(_ note: Transcript.NoteLine) -> [String] {
        var details: [String] = []
        if let attribution = note.attribution { details.append("*\(md(words.attribution(attribution)))*") }
        if note.anonymous { details.append("*\(words.anonymous)*") }
        if note.prefilled { details.append("*\(words.fromOrganiser)*") }
        if note.dots > 0 { details.append(words.dotCount(note.dots)) }
        if note.promoted { details.append("**\(words.promotedMark)**") }
        var lines = ["- " + md(note.text) + (details.isEmpty ? "" : " — " + details.joined(separator: " · "))]
        for comment in note.comments {
            let who = comment.attribution.map { " — *\(md(words.attribution($0)))*" } ?? ""
            lines.append("  - \(md(comment.text))\(who)")
        }
        return lines
    }

    private func quotes(_ out: inout [String]) {
        guard !transcript.quotes.isEmpty else { return }
        out += ["### \(words.comments)", ""]
        for quote in transcript.quotes {
            let who = quote.attribution.map { " — \(md(words.attribution($0)))" } ?? ""
            out += ["> *\(md(quote.text))*\(who)  ", "> \(words.about) \(words.quoted(md(quote.noteText))) (\(md(quote.theme)))", ""]
        }
    }

    /// Grouped by theme, the themes in the order of their best ranked recommendation.
    private func recommendations(_ out: inout [String]) {
        let list = transcript.recommendations
        guard !list.items.isEmpty else { return }
        out += ["## \(words.recommendations)", "", "*\(list.rankedBy == nil ? words.moderatorsOrder : words.rankedByVote)*", ""]
        for (theme, items) in list.byTheme {
            out += ["### \(theme.map(md) ?? words.otherRecommendations)", ""]
            // A workshop without addressees has no level for them.
            for (addressee, items) in list.addressees.isEmpty ? [(nil, items)] : list.byAddressee(items) {
                if !list.addressees.isEmpty { out += ["#### \(addressee.map { md($0.label) } ?? words.addresseeUnset)", ""] }
                out += items.flatMap { recommendation($0, ranked: list.rankedBy != nil) }
                out.append("")
            }
        }
    }

    /// A recommendation as a list item: its rank, text and dots, then its reservations and its sources.
    private func recommendation(_ item: Transcript.RecommendationLine, ranked: Bool) -> [String] {
        let dots = ranked ? " — \(words.dotCount(item.dots))" : ""
        // Not a Markdown ordered list, which would renumber tied ranks 1, 2, 3.
        var out = ["- **\(item.rank).** \(md(item.text))\(dots)"]
        out += item.reservations.map { "  - \(words.reservation)\(words.colon)\(md($0.text))" }
        let citations = item.citations.map { citation in
            words.quoted(citation.text.map(md) ?? words.removedSource) + (citation.theme.map { " (\(md($0)))" } ?? "")
        }
        if !citations.isEmpty { out.append("  - \(words.sources)\(words.colon)\(citations.joined(separator: words.listSeparator))") }
        return out
    }

    private func votes(_ out: inout [String]) {
        guard !transcript.votes.isEmpty else { return }
        out += ["### \(words.votesByRole)", ""]
        for vote in transcript.votes {
            let scope = words.scopes[vote.scope] ?? vote.scope
            out += ["#### \(md(vote.slotTitle)) — \(scope)", "",
                    "*\(words.statuses[vote.status] ?? vote.status) · \(words.voters)\(words.colon)\(vote.voters) · "
                    + "\(words.dotsEach(vote.dotsPerPerson))*", ""]
            if let chart = charts[vote.id] { out += ["![\(md(vote.slotTitle)) — \(scope)](\(chart))", ""] }
            // Beside a chart, roles are numbered as in its legend: eight full labels would not fit across a page.
            let roles = charts[vote.id] == nil
                ? vote.roles.map { "\(md($0.role.label)) (\($0.voters))" } : vote.roles.indices.map { "\($0 + 1)" }
            let rooms = vote.items.contains { $0.room != nil }
            out.append(row([words.rank, words.item] + (rooms ? [words.room] : []) + [words.total] + roles))
            out.append("|---:|---|" + (rooms ? "---|" : "") + "---:|" + String(repeating: "---:|", count: roles.count))
            for item in vote.items {
                out.append(row(["\(item.rank)", md(item.text)] + (rooms ? [md(item.room ?? "")] : []) + ["\(item.dots)"]
                               + item.byRole.map(String.init)))
            }
            out.append("")
            analysis(vote, &out)
        }
    }

    private func analysis(_ vote: Transcript.VoteSection, _ out: inout [String]) {
        let label = { (id: String) in vote.roles.first { $0.role.id == id }?.role.label ?? id }
        let text = { (id: String) in vote.items.first { $0.item == id }?.text ?? id }
        if !vote.topByRole.isEmpty {
            out += ["**\(words.topChoices)**", ""]
            out += vote.topByRole.map { choice in
                "- \(md(label(choice.role)))\(words.colon)" + choice.items.map { words.quoted(md(text($0))) }.joined(separator: ", ")
                    + " (\(words.dotCount(choice.dots)))"
            }
            out.append("")
        }
        guard vote.roles.count >= 2 else { return }
        out += ["**\(words.agreement)**", ""]
        out += vote.agreement.isEmpty ? ["- \(words.none)"] : vote.agreement.map { "- " + words.quoted(md(text($0))) }
        out += ["", "**\(words.divergence)**", ""]
        out += vote.divergence.isEmpty ? ["- \(words.none)"] : vote.divergence.map { split in
            "- \(words.quoted(md(text(split.item))))\(words.colon)\(words.favouredBy) " + split.favouredBy.map { md(label($0)) }.joined(separator: ", ")
                + "; \(words.noDotsFrom) " + split.ignoredBy.map { md(label($0)) }.joined(separator: ", ")
        }
        out.append("")
    }

    /// Organisers' prose, in the subset `Prose` allows.
    private func prose(_ text: String) -> String { Prose(text).markdown(escape: md) }

    /// A table row of already escaped cells.
    private func row(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |" }

    private func signedMinutes(_ minutes: Int) -> String {
        minutes == 0 ? "0" : (minutes > 0 ? "+\(minutes) min" : "−\(-minutes) min")
    }

    /// Escapes Markdown syntax in people's text and keeps line breaks visible.
    private func md(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "\\", "`", "*", "_", "[", "]", "<", "#", "|", "~": escaped += "\\\(character)"
            case "\n", "\r\n": escaped += "<br>"
            default: escaped.append(character)
            }
        }
        // A leading list, quote or heading marker would change the line's meaning.
        if let first = escaped.first, "-+=>".contains(first) { escaped = "\\" + escaped }
        if let digits = escaped.firstIndex(where: { !$0.isNumber }), digits != escaped.startIndex,
           escaped[digits] == "." || escaped[digits] == ")" {
            escaped.insert("\\", at: digits)
        }
        return escaped
    }

}
