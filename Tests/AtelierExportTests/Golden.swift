import Foundation
import Testing

/// Golden files: the expected bytes of each export of the fixture session, kept in `Golden/`.
///
/// After an intended change to the output, regenerate them with
/// `ATELIER_UPDATE_GOLDEN=1 swift test --filter AtelierExportTests` and review the diff.
enum Golden {
    static let folder = ExportFixture.folder.appendingPathComponent("Golden")

    static var updating: Bool { ProcessInfo.processInfo.environment["ATELIER_UPDATE_GOLDEN"] == "1" }

    /// Expects `bytes` to equal the golden file `name`, or rewrites it when updating.
    static func check(_ bytes: [UInt8], named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = folder.appendingPathComponent(name)
        if updating {
            try Data(bytes).write(to: url)
            return
        }
        guard let expected = FileManager.default.contents(atPath: url.path) else {
            Issue.record("Golden/\(name) is missing: run with ATELIER_UPDATE_GOLDEN=1", sourceLocation: sourceLocation)
            return
        }
        guard Array(expected) != bytes else { return }
        let wanted = String(decoding: expected, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let got = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let line = Array(zip(wanted, got)).firstIndex { $0 != $1 } ?? min(wanted.count, got.count)
        Issue.record("""
            \(name) differs from its golden file at line \(line + 1):
              expected: \(line < wanted.count ? String(wanted[line]) : "<end of file>")
              actual:   \(line < got.count ? String(got[line]) : "<end of file>")
            """, sourceLocation: sourceLocation)
    }
}
