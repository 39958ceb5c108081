import AtelierConsole
import Testing

@Suite("Keys from raw terminal bytes")
struct KeyDecoderTests {
    func keys(_ text: String) -> [Key] {
        var decoder = KeyDecoder()
        return decoder.feed(Array(text.utf8))
    }

    @Test("Text, Enter, Tab, Backspace and control keys")
    func plain() {
        #expect(keys("next\r") == [.text("next"), .enter])
        #expect(keys("é\t\u{7F}") == [.text("é"), .tab, .backspace])
        #expect(keys("\u{03}\u{04}") == [.control("c"), .control("d")])
    }

    @Test("Arrows, paging and function keys in xterm, tmux, rxvt and Linux console forms")
    func sequences() {
        #expect(keys("\u{1B}[A\u{1B}[B\u{1B}OC\u{1B}[1;5D") == [.up, .down, .right, .left])
        #expect(keys("\u{1B}[5~\u{1B}[6~\u{1B}[3~\u{1B}[H\u{1B}[4~") == [.pageUp, .pageDown, .delete, .home, .end])
        #expect(keys("\u{1B}OP\u{1B}OS\u{1B}[15~\u{1B}[21~\u{1B}[11~\u{1B}[[B") == [.function(1), .function(4), .function(5), .function(10), .function(1), .function(2)])
        #expect(keys("\u{1B}") == [.escape])
    }

    @Test("Sequences and characters split across reads wait for the rest")
    func split() {
        var decoder = KeyDecoder()
        #expect(decoder.feed(Array("ab\u{1B}[1".utf8)) == [.text("ab")])
        #expect(decoder.feed(Array("5~".utf8)) == [.function(5)])
        let bytes = Array("Liège".utf8)
        #expect(decoder.feed(bytes[0..<3]) == [.text("Li")])
        #expect(decoder.feed(bytes[3...]) == [.text("ège")])
    }
}
