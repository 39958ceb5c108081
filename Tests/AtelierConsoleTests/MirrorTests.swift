import AtelierClient
import AtelierCore
import AtelierProtocol
import Testing

/// A scripted breakout and hidden vote, recorded as frames.
func breakoutRecording() throws -> (Recording, anne: ParticipantID, bob: ParticipantID) {
    var recording = try Recording()
    let anne = try recording.join("Anne Dupont", role: "elected-official", organisation: "Ville de Liège")
    let bob = try recording.join("Bob", role: "police-officer")
    try recording.run(.start)
    recording.wait(seconds: 60)
    try recording.run(.nextSlot)
    try recording.run(.openRooms(mode: .moderator))
    try recording.run(.assign(participant: anne, room: "night-economy"))
    try recording.run(.assign(participant: bob, room: "public-space"))
    try recording.run(.addNote(board: nil, prompt: "friction", text: "More night buses", colour: .green, anonymous: false),
                      by: .participant(anne))
    return (recording, anne, bob)
}

@Suite("The session mirror folds the frames a moderator receives")
struct MirrorTests {
    @Test("Folding every recorded frame gives the state the server has")
    func foldingGivesTheServersState() throws {
        let (recording, anne, _) = try breakoutRecording()
        let mirror = try mirror(of: recording)
        #expect(mirror.state == recording.state)
        #expect(mirror.lastSeq == Int64(recording.frames.count))
        #expect(mirror.isSynced)
        #expect(mirror.token == "9f0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e")
        #expect(mirror.me == "p1")
        #expect(mirror.state?.participants[anne]?.room == "night-economy")
        #expect(mirror.clockOffset == 900)
    }

    @Test("A grouped catch-up applies its events one by one")
    func groupedEvents() throws {
        let (recording, _, _) = try breakoutRecording()
        var mirror = SessionMirror()
        mirror.receive(try ServerMessage.parse(welcomeFrame()), localNow: 0)
        let changes = mirror.receive(try ServerMessage.parse(#"{"events":[\#(recording.frames.joined(separator: ","))]}"#), localNow: 0)
        #expect(changes.count == recording.frames.count)
        #expect(mirror.state == recording.state)
    }

    @Test("A rejoin without reset keeps the state and the token; a reset forgets the state")
    func rejoinAndReset() throws {
        var (recording, _, _) = try breakoutRecording()
        var mirror = try mirror(of: recording)
        let before = recording.frames.count
        try recording.run(.announce(text: "Ten minutes left", room: nil))
        mirror.receive(try ServerMessage.parse(welcomeFrame(id: 9, reset: false, token: nil)), localNow: 0)
        #expect(!mirror.isSynced)
        for frame in recording.frames[before...] { mirror.receive(try ServerMessage.parse(frame), localNow: 0) }
        #expect(mirror.state == recording.state)
        #expect(mirror.token == "9f0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e")

        mirror.receive(try ServerMessage.parse(welcomeFrame(id: 10, reset: true, token: nil)), localNow: 0)
        #expect(mirror.state == nil)
        #expect(mirror.lastSeq == 0)
        #expect(mirror.token == "9f0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e")
    }

    @Test("Hidden dots show who voted, not on what; totals come with voteRevealed")
    func hiddenVote() throws {
        var (recording, anne, bob) = try breakoutRecording()
        try recording.run(.nextSlot)
        let opened = try recording.run(.openVote(on: .boards, dotsPerPerson: nil, maxDotsPerItem: nil, hidden: nil))
        guard case let .voteOpened(vote, _, _, _, _, _, hidden, _) = opened[0] else { Issue.record("no vote"); return }
        #expect(hidden)
        try recording.run(.placeDot(vote: vote, item: "n1"), by: .participant(anne))
        try recording.run(.placeDot(vote: vote, item: "n2"), by: .participant(anne))
        var mirror = try mirror(of: recording)
        let round = try #require(mirror.state?.votes[vote])
        #expect(round.dotsUsed(by: anne) == 2)
        #expect(round.dotsUsed(by: bob) == 0)
        #expect(round.totals.keys.sorted() == [""])

        let reveal = #"{"seq":\#(recording.frames.count + 1),"at":1763712100000,"event":{"voteRevealed":{"id":"\#(vote)","at":1763712100000}},"results":[{"item":"n1","dots":1,"rank":1},{"item":"n2","dots":1,"rank":1}]}"#
        let changes = mirror.receive(try ServerMessage.parse(reveal), localNow: 0)
        guard case .applied(let message) = changes.first else { Issue.record("not applied"); return }
        #expect(message.results?.count == 2)
        #expect(mirror.results[vote]?.first == RankedItem(item: "n1", dots: 1, rank: 1))
        #expect(mirror.state?.votes[vote]?.status == .revealed)
    }

    @Test("Acks, errors and synced are read with their fields; unknown fields are ignored")
    func serverMessages() throws {
        #expect(try ServerMessage.parse(#"{"ack":2,"now":5,"seq":58,"later":true}"#)
                == .ack(.init(id: 2, now: Timestamp(milliseconds: 5), seq: 58)))
        #expect(try ServerMessage.parse(#"{"error":null,"code":"json.syntax","message":"Bad JSON.","now":7}"#)
                == .error(.init(id: nil, code: .wire(.syntax), message: "Bad JSON.", now: Timestamp(milliseconds: 7))))
        #expect(try ServerMessage.parse(#"{"error":3,"code":"field.missing","message":"m","path":"command.addNote.text"}"#)
                == .error(.init(id: 3, code: .wire(.missingField), message: "m", path: "command.addNote.text")))
        #expect(try ServerMessage.parse(#"{"synced":58,"now":9}"#) == .synced(seq: 58, now: Timestamp(milliseconds: 9)))
        #expect(throws: ServerMessage.ReadError.self) { try ServerMessage.parse(#"{"hello":1}"#) }
        #expect(throws: ServerMessage.ReadError.self) { try ServerMessage.parse(#"{"seq":1,"at":2,"event":{"noSuchEvent":{}}}"#) }
    }

    @Test("A transcript's parts join into its files; a missing part leaves no file to trust")
    func transcriptParts() throws {
        let frames = [
            #"{"transcriptPart":4,"index":0,"total":3,"name":"s-notes.csv","mediaType":"text/csv","text":"a,"}"#,
            #"{"transcriptPart":4,"index":1,"total":3,"name":"s-notes.csv","mediaType":"text/csv","text":"b\n"}"#,
            #"{"transcriptPart":4,"index":2,"total":3,"name":"s-votes.csv","mediaType":"text/csv","text":"v","later":1}"#,
        ]
        let parts = try frames.map { frame -> ServerMessage.TranscriptPart in
            guard case .transcriptPart(let part) = try ServerMessage.parse(frame) else { throw Recording.Unexpected() }
            return part
        }
        #expect(try ServerMessage.parse(#"{"ack":4,"now":5,"transcript":{"parts":3}}"#) == .ack(.init(id: 4, now: Timestamp(milliseconds: 5),
                                                                                                     transcriptParts: 3)))
        #expect(ServerMessage.TranscriptPart.files(from: parts, expected: 3)
                == [.init(name: "s-notes.csv", mediaType: "text/csv", text: "a,b\n"), .init(name: "s-votes.csv", mediaType: "text/csv", text: "v")])
        #expect(ServerMessage.TranscriptPart.files(from: [parts[0], parts[2]], expected: 3) == nil)
        #expect(ServerMessage.TranscriptPart.files(from: parts, expected: 4) == nil)
    }

    @Test("Addresses: page and http links become the websocket address")
    func addresses() {
        #expect(SessionConnection.websocketURL("http://127.0.0.1:8080/?code=K7M2QX") == "ws://127.0.0.1:8080/ws")
        #expect(SessionConnection.websocketURL("https://atelier.example.org") == "wss://atelier.example.org/ws")
        #expect(SessionConnection.websocketURL("ws://127.0.0.1:9000/ws") == "ws://127.0.0.1:9000/ws")
        #expect(SessionConnection.websocketURL("127.0.0.1:9000") == "ws://127.0.0.1:9000/ws")
    }
}
