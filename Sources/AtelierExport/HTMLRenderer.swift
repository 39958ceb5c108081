/// Writes a transcript as one self-contained HTML page: inline CSS with a print stylesheet and
/// inline SVG charts, nothing fetched from anywhere, so it opens offline and prints as the document.
///
/// Every text goes through `escape`, whatever its origin; organisers' prose is written through `Prose`,
/// which escapes it too and adds only paragraphs, lists, `<strong>` and `<em>`.
struct HTMLRenderer {
    let transcript: Transcript
    let words: Vocabulary

    init(_ transcript: Transcript) {
        self.transcript = transcript
        words = Vocabulary.for(transcript.language)
    }

    func render() -> String {
        var out = ""
        out += "<!DOCTYPE html>\n<html lang=\"\(escape(transcript.language))\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<title>\(escape(transcript.title))</title>\n<style>\n\(Self.stylesheet)</style>\n</head>\n<body>\n<main>\n"
        header(&out)
        attendance(&out)
        agenda(&out)
        findings(&out)
        recommendations(&out)
        if let conclusion = transcript.conclusion {
            out += "<section id=\"conclusion\">\n<h2>\(escape(words.conclusion))</h2>\n\(Prose(conclusion).html())</section>\n"
        }
        out += "<section id=\"annex\">\n<h2>\(escape(words.annex))</h2>\n"
        roomNotes(&out)
        quotes(&out)
        votes(&out)
        out += "</section>\n</main>\n</body>\n</html>\n"
        return out
    }

    private func header(_ out: inout String) {
        let t = transcript
        out += "<header>\n<h1>\(escape(t.title))</h1>\n<dl class=\"meta\">\n"
        out += "<dt>\(escape(words.organiser))</dt><dd>\(escape(t.organiser))</dd>\n"
        out += "<dt>\(escape(words.date))</dt><dd>\(escape(words.longDate(t.date)))</dd>\n"
        out += "<dt>\(escape(words.session))</dt><dd>\(escape(t.joinCode))</dd>\n</dl>\n"
        out += "<p class=\"privacy\">\(escape(words.privacy(t).joined(separator: " ")))</p>\n"
        out += "</header>\n"
        guard t.description != nil || t.introduction != nil else { return }
        out += "<section id=\"context\">\n<h2>\(escape(words.context))</h2>\n"
        if let description = t.description { out += "<p class=\"intro\">\(text(description))</p>\n" }
        if let introduction = t.introduction { out += Prose(introduction).html() }
        out += "</section>\n"
    }

    private func attendance(_ out: inout String) {
        let a = transcript.attendance
        out += "<section id=\"participants\">\n<h2>\(escape(words.participants))</h2>\n"
        out += "<p>\(escape(words.participantCount(a.participants))).</p>\n"
        if !a.roles.isEmpty {
            out += "<table class=\"compact\">\n<thead><tr><th>\(escape(words.role))</th><th class=\"num\">\(escape(words.participants))</th></tr></thead>\n<tbody>\n"
            for role in a.roles { out += "<tr><td>\(escape(role.role.label))</td><td class=\"num\">\(role.count)</td></tr>\n" }
            out += "</tbody>\n</table>\n"
        }
        if !a.organisations.isEmpty {
            out += "<h3>\(escape(words.organisationsPresent))</h3>\n<ul class=\"organisations\">\n"
            for organisation in a.organisations {
                let count = organisation.count > 1 ? " <span class=\"count\">(\(organisation.count))</span>" : ""
                out += "<li>\(escape(organisation.name))\(count)</li>\n"
            }
            out += "</ul>\n"
        }
        out += "</section>\n"
    }

    private func agenda(_ out: inout String) {
        out += "<section id=\"agenda\">\n<h2>\(escape(words.agenda))</h2>\n<table>\n<thead><tr><th>\(escape(words.slot))</th>"
        out += "<th>\(escape(words.planned))</th><th>\(escape(words.actual))</th><th class=\"num\">\(escape(words.delay))</th></tr></thead>\n<tbody>\n"
        for line in transcript.agenda {
            let title = "<td>\(escape(line.title)) <span class=\"kind\">\(escape(words.kinds[line.kind] ?? line.kind))</span></td>"
            let planned = "<td class=\"time\">\(line.plannedStart)–\(line.plannedEnd)</td>"
            guard let first = line.runs.first else {
                out += "<tr class=\"skipped\">\(title)\(planned)<td>\(escape(words.notRun))</td><td></td></tr>\n"
                continue
            }
            // One row per slot, however many times it ran: each run's times, then the time in all.
            var actual = line.runs.map { run in
                "\(run.start)–\(run.end ?? escape(words.stillRunning))"
                    + (run.extendedMinutes > 0 ? " <span class=\"note\">(\(escape(words.extended(run.extendedMinutes))))</span>" : "")
            }.joined(separator: escape(words.listSeparator))
            if let total = line.totalMinutes { actual += " <span class=\"note\">(\(escape(words.totalMinutes(total))))</span>" }
            let late = first.startDelay > 0 ? " late" : ""
            out += "<tr>\(title)\(planned)<td class=\"time\">\(actual)</td><td class=\"num\(late)\">\(signedMinutes(first.startDelay))</td></tr>\n"
        }
        out += "</tbody>\n</table>\n</section>\n"
    }

    private func findings(_ out: inout String) {
        out += "<section id=\"findings\">\n<h2>\(escape(words.findings))</h2>\n"
        if transcript.findings.isEmpty { out += "<p>\(escape(words.noNotes))</p>\n" }
        for theme in transcript.findings {
            out += "<article class=\"theme\">\n<h3>\(escape(theme.theme))</h3>\n"
            if let text = theme.text {
                out += Prose(text).html()
            } else {
                drawnFindings(theme, &out)
            }
            if !theme.quotes.isEmpty {
                out += "<h4>\(escape(words.quotes))</h4>\n"
                for quote in theme.quotes {
                    out += "<figure class=\"quote\">\n<blockquote>\(text(quote.text))</blockquote>\n"
                    if let attribution = quote.attribution { out += "<figcaption>— \(escape(words.signature(attribution)))</figcaption>\n" }
                    out += "</figure>\n"
                }
            }
            out += "</article>\n"
        }
        out += "</section>\n"
    }

    /// A theme's findings as the session left them, until someone writes them.
    private func drawnFindings(_ theme: Transcript.ThemeFindings, _ out: inout String) {
        out += "<p class=\"note\">\(escape(words.notYetEdited))</p>\n"
        if !theme.mostVoted.isEmpty {
            out += "<h4>\(escape(words.mostVoted))</h4>\n<ul>\n"
            for line in theme.mostVoted { out += "<li>\(text(line.text)) <span class=\"dots\">\(escape(words.dotCount(line.dots)))</span></li>\n" }
            out += "</ul>\n"
        }
        if !theme.groups.isEmpty {
            out += "<h4>\(escape(words.groups))</h4>\n<ul>\n"
            for group in theme.groups { out += "<li>\(escape(group.name)) <span class=\"count\">(\(escape(words.noteCount(group.notes))))</span></li>\n" }
            out += "</ul>\n"
        }
    }

    /// The annex's first part: every board's questions, groups, notes, ranking and promoted items.
    private func roomNotes(_ out: inout String) {
        guard !transcript.boards.isEmpty else { return }
        out += "<section id=\"room-notes\">\n<h3>\(escape(words.roomNotes))</h3>\n"
        for board in transcript.boards {
            out += "<article class=\"board\">\n<h4>\(escape(board.theme))</h4>\n"
            if board.room != "plenary" { out += "<p class=\"slot\">\(escape(board.slotTitle))</p>\n" }
            if !board.prompts.isEmpty {
                out += "<h5>\(escape(words.questions))</h5>\n<ol class=\"prompts\">\n"
                for prompt in board.prompts { out += "<li>\(text(prompt.text))</li>\n" }
                out += "</ol>\n"
            }
            for cluster in board.clusters {
                out += "<h5>\(escape(words.group))\(escape(words.colon))\(escape(cluster.name ?? words.unnamedGroup))</h5>\n"
                notes(cluster.notes, &out)
            }
            for group in board.ungrouped {
                out += "<h5>\(escape(words.question(group.prompt.number)))</h5>\n"
                notes(group.notes, &out)
            }
            for vote in board.votes where !vote.ranking.isEmpty {
                out += "<h5>\(escape(words.voteResults))</h5>\n<table class=\"ranking\">\n<thead><tr><th class=\"num\">\(escape(words.rank))</th>"
                out += "<th>\(escape(words.item))</th><th class=\"num\">\(escape(words.dots))</th><th class=\"num\">\(escape(words.voters))</th></tr></thead>\n<tbody>\n"
                for line in vote.ranking {
                    out += "<tr><td class=\"num\">\(line.rank)</td><td>\(text(line.text))</td><td class=\"num\">\(line.dots)</td><td class=\"num\">\(line.voters)</td></tr>\n"
                }
                out += "</tbody>\n</table>\n"
            }
            if !board.promoted.isEmpty {
                out += "<h5>\(escape(words.promoted))</h5>\n<ul class=\"promoted\">\n"
                for item in board.promoted { out += "<li>\(text(item.text))</li>\n" }
                out += "</ul>\n"
            }
            out += "</article>\n"
        }
        out += "</section>\n"
    }

    private func notes(_ notes: [Transcript.NoteLine], _ out: inout String) {
        out += "<ul class=\"notes\">\n"
        for note in notes {
            var details: [String] = []
            if let attribution = note.attribution { details.append("<span class=\"who\">\(escape(words.attribution(attribution)))</span>") }
            if note.anonymous { details.append("<span class=\"who\">\(escape(words.anonymous))</span>") }
            if note.prefilled { details.append("<span class=\"who\">\(escape(words.fromOrganiser))</span>") }
            if note.dots > 0 { details.append("<span class=\"dots\">\(escape(words.dotCount(note.dots)))</span>") }
            if note.promoted { details.append("<span class=\"badge\">\(escape(words.promotedMark))</span>") }
            out += "<li><span class=\"text\">\(text(note.text))</span>"
            if !details.isEmpty { out += " <span class=\"details\">" + details.joined(separator: " · ") + "</span>" }
            if !note.comments.isEmpty {
                out += "\n<ul class=\"comments\">\n"
                for comment in note.comments {
                    let who = comment.attribution.map { " <span class=\"who\">— \(escape(words.attribution($0)))</span>" } ?? ""
                    out += "<li>\(text(comment.text))\(who)</li>\n"
                }
                out += "</ul>\n"
            }
            out += "</li>\n"
        }
        out += "</ul>\n"
    }

    private func quotes(_ out: inout String) {
        guard !transcript.quotes.isEmpty else { return }
        out += "<section id=\"quotes\">\n<h3>\(escape(words.comments))</h3>\n"
        for quote in transcript.quotes {
            out += "<figure class=\"quote\">\n<blockquote>\(text(quote.text))</blockquote>\n<figcaption>"
            if let attribution = quote.attribution { out += "<span class=\"who\">\(escape(words.attribution(attribution)))</span> · " }
            out += "\(escape(words.about)) \(escape(words.quoted(quote.noteText))) <span class=\"theme\">(\(escape(quote.theme)))</span>"
            out += "</figcaption>\n</figure>\n"
        }
        out += "</section>\n"
    }

    private func recommendations(_ out: inout String) {
        let list = transcript.recommendations
        guard !list.items.isEmpty else { return }
        out += "<section id=\"recommendations\">\n<h2>\(escape(words.recommendations))</h2>\n"
        out += "<p class=\"note\">\(escape(list.rankedBy == nil ? words.moderatorsOrder : words.rankedByVote))</p>\n"
        for (theme, items) in list.byTheme {
            out += "<h3>\(escape(theme ?? words.otherRecommendations))</h3>\n"
            // A workshop without addressees has no level for them.
            for (addressee, items) in list.addressees.isEmpty ? [(nil, items)] : list.byAddressee(items) {
                if !list.addressees.isEmpty { out += "<h4>\(escape(addressee?.label ?? words.addresseeUnset))</h4>\n" }
                out += "<ol class=\"recommendations\">\n"
                for item in items { recommendation(item, ranked: list.rankedBy != nil, &out) }
                out += "</ol>\n"
            }
        }
        out += "</section>\n"
    }

    /// A recommendation as a list item: its text and dots, then its reservations and its sources.
    private func recommendation(_ item: Transcript.RecommendationLine, ranked: Bool, _ out: inout String) {
        let lang = item.language == transcript.language ? "" : " lang=\"\(escape(item.language))\""
        out += "<li value=\"\(item.rank)\"><p class=\"recommendation\"\(lang)>\(text(item.text))"
        if ranked { out += " <span class=\"dots\">\(escape(words.dotCount(item.dots)))</span>" }
        out += "</p>\n"
        for reservation in item.reservations {
            out += "<p class=\"reservation\">\(escape(words.reservation))\(escape(words.colon))\(text(reservation.text))</p>\n"
        }
        let citations = item.citations.map { citation in
            escape(words.quoted(citation.text ?? words.removedSource)) + (citation.theme.map { " <span class=\"theme\">(\(escape($0)))</span>" } ?? "")
        }
        if !citations.isEmpty {
            out += "<p class=\"sources\">\(escape(words.sources))\(escape(words.colon))\(citations.joined(separator: escape(words.listSeparator)))</p>\n"
        }
        out += "</li>\n"
    }

    private func votes(_ out: inout String) {
        guard !transcript.votes.isEmpty else { return }
        out += "<section id=\"votes\">\n<h3>\(escape(words.votesByRole))</h3>\n"
        for vote in transcript.votes {
            out += "<article class=\"vote\">\n<h4>\(escape(vote.slotTitle)) — \(escape(words.scopes[vote.scope] ?? vote.scope))</h4>\n"
            out += "<p class=\"note\">\(escape(words.statuses[vote.status] ?? vote.status)) · \(escape(words.voters))\(escape(words.colon))\(vote.voters) · \(escape(words.dotsEach(vote.dotsPerPerson)))</p>\n"
            out += VoteChart(vote: vote, words: words).svg()
            let rooms = vote.items.contains { $0.room != nil }
            out += "<table class=\"breakdown\">\n<thead><tr><th class=\"num\">\(escape(words.rank))</th><th>\(escape(words.item))</th>"
            if rooms { out += "<th>\(escape(words.room))</th>" }
            out += "<th class=\"num\">\(escape(words.total))</th>"
            for (index, role) in vote.roles.enumerated() {
                // Numbered like the chart's legend: eight full role labels would not fit across a page.
                out += "<th class=\"num\" title=\"\(escape(role.role.label))\"><span class=\"swatch\" style=\"background:\(VoteChart.colour(index))\"></span>\(index + 1)</th>"
            }
            out += "</tr></thead>\n<tbody>\n"
            for item in vote.items {
                out += "<tr><td class=\"num\">\(item.rank)</td><td>\(text(item.text))</td>"
                if rooms { out += "<td class=\"theme\">\(escape(item.room ?? ""))</td>" }
                out += "<td class=\"num\">\(item.dots)</td>"
                out += item.byRole.map { "<td class=\"num\(($0 == 0) ? " zero" : "")\">\($0)</td>" }.joined() + "</tr>\n"
            }
            out += "</tbody>\n</table>\n"
            analysis(vote, &out)
            out += "</article>\n"
        }
        out += "</section>\n"
    }

    private func analysis(_ vote: Transcript.VoteSection, _ out: inout String) {
        let label = { (id: String) in escape(vote.roles.first { $0.role.id == id }?.role.label ?? id) }
        let item = { (id: String) in escape(words.quoted(vote.items.first { $0.item == id }?.text ?? id)) }
        if !vote.topByRole.isEmpty {
            out += "<h5>\(escape(words.topChoices))</h5>\n<ul class=\"choices\">\n"
            for choice in vote.topByRole {
                out += "<li><strong>\(label(choice.role))</strong>\(escape(words.colon))"
                out += choice.items.map(item).joined(separator: ", ") + " (\(escape(words.dotCount(choice.dots))))</li>\n"
            }
            out += "</ul>\n"
        }
        guard vote.roles.count >= 2 else { return }
        out += "<div class=\"agree\">\n<h5>\(escape(words.agreement))</h5>\n<ul>\n"
        out += vote.agreement.isEmpty ? "<li>\(escape(words.none))</li>\n" : vote.agreement.map { "<li>\(item($0))</li>\n" }.joined()
        out += "</ul>\n</div>\n<div class=\"differ\">\n<h5>\(escape(words.divergence))</h5>\n<ul>\n"
        if vote.divergence.isEmpty { out += "<li>\(escape(words.none))</li>\n" }
        for split in vote.divergence {
            out += "<li>\(item(split.item))\(escape(words.colon))\(escape(words.favouredBy)) "
            out += split.favouredBy.map(label).joined(separator: ", ")
            out += "; \(escape(words.noDotsFrom)) " + split.ignoredBy.map(label).joined(separator: ", ") + "</li>\n"
        }
        out += "</ul>\n</div>\n"
    }

    private func signedMinutes(_ minutes: Int) -> String {
        minutes == 0 ? "0" : (minutes > 0 ? "+\(minutes) min" : "−\(-minutes) min")
    }

    /// People's text, escaped, with its line breaks kept.
    private func text(_ value: String) -> String {
        escape(value).split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "<br>")
    }

    static let stylesheet = """
        :root { --ink: #1d2430; --muted: #5b6472; --line: #d9dde3; --accent: #0b5d8c; --paper: #ffffff; --tint: #f3f5f8; }
        * { box-sizing: border-box; }
        body { margin: 0; background: var(--tint); color: var(--ink); font: 15px/1.5 "DejaVu Sans", "Liberation Sans", Arial, sans-serif; }
        main { max-width: 60rem; margin: 0 auto; padding: 2rem 2.5rem 4rem; background: var(--paper); }
        h1 { font-size: 1.9rem; line-height: 1.2; margin: 0 0 1rem; color: var(--accent); }
        h2 { font-size: 1.35rem; margin: 2.5rem 0 1rem; padding-bottom: .3rem; border-bottom: 2px solid var(--accent); text-transform: uppercase; letter-spacing: .04em; }
        h3 { font-size: 1.15rem; margin: 1.8rem 0 .4rem; }
        h4 { font-size: .95rem; margin: 1.2rem 0 .4rem; color: var(--accent); }
        h5 { font-size: .9rem; margin: 1rem 0 .3rem; }
        dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0 0 1rem; }
        dl.meta dt { font-weight: bold; } dl.meta dd { margin: 0; }
        .intro { color: var(--muted); }
        .privacy, .note, .slot, .kind, .theme { color: var(--muted); font-size: .88rem; }
        .slot { font-style: italic; margin-top: 0; }
        .kind { font-size: .8rem; }
        table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .9rem; }
        table.compact { width: auto; min-width: 20rem; }
        th, td { border-bottom: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
        th { background: var(--tint); font-weight: bold; }
        .num { text-align: right; white-space: nowrap; }
        td.time { white-space: nowrap; }
        table.breakdown { font-size: .8rem; }
        table.breakdown th { vertical-align: bottom; }
        td.late { color: #a04000; } td.zero { color: #b0b6bf; }
        tr.skipped td { color: var(--muted); font-style: italic; }
        ul.organisations { columns: 2; }
        ul.notes { list-style: none; padding-left: 0; }
        ul.notes > li { border-left: 4px solid #f2c744; background: #fffbea; margin: .4rem 0; padding: .35rem .6rem; }
        ul.comments { margin: .3rem 0 0; padding-left: 1.2rem; font-size: .88rem; }
        .details, .who { color: var(--muted); font-size: .85rem; font-style: italic; }
        .dots { font-weight: bold; color: var(--accent); font-size: .85rem; font-style: normal; }
        .badge { background: var(--accent); color: #fff; border-radius: .6rem; padding: 0 .45rem; font-size: .75rem; font-style: normal; }
        figure.quote { margin: 1rem 0; padding: .2rem 0 .2rem 1rem; border-left: 3px solid var(--accent); }
        figure.quote blockquote { margin: 0; font-style: italic; font-size: 1.05rem; }
        figure.quote figcaption { color: var(--muted); font-size: .85rem; }
        ol.recommendations > li { margin: .9rem 0; }
        p.recommendation { font-weight: bold; margin: 0; }
        p.sources { font-size: .88rem; color: var(--muted); }
        p.reservation { font-size: .88rem; margin: .2rem 0; padding-left: .6rem; border-left: 3px solid #a04000; }
        svg.chart { display: block; width: 100%; height: auto; margin: .5rem 0; }
        .swatch { display: inline-block; width: .7rem; height: .7rem; margin-right: .3rem; border-radius: 2px; }
        .agree h5 { color: #1b7a3a; } .differ h5 { color: #a04000; }
        @page { size: A4; margin: 16mm 14mm; }
        @media print {
          body { background: none; font-size: 10pt; }
          main { max-width: none; padding: 0; }
          h2 { break-after: avoid; } h3, h4, h5 { break-after: avoid; }
          article.board, article.vote { break-before: auto; }
          tr, li, figure, svg.chart { break-inside: avoid; }
          ul.notes > li { background: none; }
        }

        """
}

/// Escapes text for HTML content and double-quoted attributes (the only kind the renderers write).
func escape(_ text: String) -> String {
    var escaped = ""
    escaped.reserveCapacity(text.utf8.count)
    for character in text {
        switch character {
        case "&": escaped += "&amp;"
        case "<": escaped += "&lt;"
        case ">": escaped += "&gt;"
        case "\"": escaped += "&quot;"
        default: escaped.append(character)
        }
    }
    return escaped
}
