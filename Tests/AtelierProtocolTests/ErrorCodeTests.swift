import AtelierCore
import AtelierProtocol
import AtelierWire
import Foundation
import Testing

/// Error codes are written once, in the typed lists (`ErrorCode`, `Refusal.Code`, `WireError.Code`),
/// and every other file names them through those types.
@Suite struct ErrorCodeTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources")

    @Test func noSourceFileWritesAnErrorCodeAsAString() throws {
        var strays: [String] = []
        let files = try #require(FileManager.default.enumerator(atPath: Self.sources.path))
        for case let file as String in files where file.hasSuffix(".swift") {
            let text = try String(contentsOf: Self.sources.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") where line.contains(/code(: | == | != )"[a-z]+\.[A-Za-z]+"/) {
                strays.append("\(file): \(line.trimmingCharacters(in: .whitespaces))")
            }
        }
        #expect(strays == [])
    }

    @Test func anErrorMessageReadsItsCodeAsTheTypedCodeItNames() throws {
        let refusal = try ServerMessage.parse(#"{"error": 2, "code": "vote.budgetExhausted", "message": "No dots left.", "now": 5}"#)
        #expect(refusal == .error(.init(id: 2, code: .refusal(.voteBudgetExhausted), message: "No dots left.", now: Timestamp(milliseconds: 5))))
        let limited = try ServerMessage.parse(#"{"error": null, "code": "rate.limited", "message": "Slow down."}"#)
        #expect(limited == .error(.init(id: nil, code: .protocol(.rateLimited), message: "Slow down.")))
    }

    @Test func anErrorMessageIsWrittenWithItsCodesRawValue() throws {
        let written = ServerMessage.error(.init(id: 4, code: .protocol(.sessionUnknownCode), message: "No such session."))
        #expect(String(decoding: written.serializedBytes(), as: UTF8.self)
            == #"{"error":4,"code":"session.unknownCode","message":"No such session."}"#)
    }

    @Test func aCodeThatNoListKnowsIsKeptAsItCame() throws {
        guard case .error(let error) = try ServerMessage.parse(#"{"error": 3, "code": "later.added", "message": "New."}"#) else {
            Issue.record("not read as an error")
            return
        }
        #expect(error.code.rawValue == "later.added")
        #expect(!ErrorCode.allCases.map(\.rawValue).contains("later.added"))
    }
}
