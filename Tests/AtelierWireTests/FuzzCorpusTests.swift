import AtelierFuzzing
import AtelierProtocol
import AtelierWire
import Foundation
import Testing

/// The fuzzers' seeds and every input that once crashed them, replayed on each test run
/// (`make fuzz` finds new ones; a crash found there is added to Tests/Fuzz/regressions/).
@Suite struct FuzzCorpusTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    @Test func everyWireSeedIsAValidClientMessage() throws {
        let directory = Self.path("Fuzz/wire")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }
        #expect(names.count >= 10)
        for name in names {
            let bytes = try #require(FileManager.default.contents(atPath: directory + "/" + name))
            #expect(throws: Never.self, "\(name)") { try ClientMessage.read(try JSONValue.parse(Array(bytes))) }
        }
    }

    @Test func wireSeedsAndRegressionsReplayWithoutACrash() {
        let count = FuzzTargets.replay([Self.path("Fuzz/wire"), Self.path("Fuzz/regressions/wire")], through: FuzzTargets.clientMessage)
        #expect(count >= 10)
    }

    @Test func workshopFilesAndRegressionsReplayWithoutACrash() {
        let workshops = Self.root.deletingLastPathComponent().appendingPathComponent("Workshops").path
        let count = FuzzTargets.replay([workshops, Self.path("Fuzz/regressions/workshop")], through: FuzzTargets.workshopFile)
        #expect(count >= 5)
    }
}
