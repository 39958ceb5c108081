import Foundation
import Testing

/// What target dependencies cannot enforce: SwiftPM lets a target see the C modules of everything
/// it depends on, so any file could import one. The C libraries are wrapped by one module each.
@Suite struct LayeringTests {
    /// Each C module and the one target that may import it: libwebsockets (with OpenSSL), zlib,
    /// libqrencode and hiredis by the transport, json-c by the wire, the load generator's epoll shim by the bench.
    static let owners = [
        "CWebSockets": "AtelierLWS", "CZlib": "AtelierLWS", "CQREncode": "AtelierLWS", "CHiredis": "AtelierLWS",
        "CJSONC": "AtelierWire", "CBenchSystem": "AtelierBench",
    ]

    static let sources: URL = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources")
    }()

    @Test func everyCModuleOfThePackageHasAnOwner() throws {
        let targets = try FileManager.default.contentsOfDirectory(atPath: Self.sources.path)
        let cModules = targets.filter { target in
            let directory = Self.sources.appendingPathComponent(target)
            return FileManager.default.fileExists(atPath: directory.appendingPathComponent("module.modulemap").path)
                || FileManager.default.fileExists(atPath: directory.appendingPathComponent("include").path)
        }
        #expect(Set(cModules) == Set(Self.owners.keys))
    }

    @Test func onlyItsOwnerImportsACModule() throws {
        var strays: [String] = []
        let files = try #require(FileManager.default.enumerator(atPath: Self.sources.path))
        for case let file as String in files where file.hasSuffix(".swift") {
            let target = String(file.prefix { $0 != "/" })
            let text = try String(contentsOf: Self.sources.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") {
                // `import M`, `@testable import M`, `internal import M`, `import struct M.T`...
                guard let match = line.wholeMatch(of: /\s*(?:@\w+\s+)*(?:\w+\s+)?import\s+(?:\w+\s+)?(\w+)[\w.]*\s*(?:\/\/.*)?/),
                      let owner = Self.owners[String(match.1)], owner != target else { continue }
                strays.append("\(file): \(line.trimmingCharacters(in: .whitespaces))")
            }
        }
        #expect(strays == [])
    }

    /// The modules that hold the session's logic: no pointer into C memory reaches them (the
    /// transport hands them received messages as arrays). The console, the threads and the bench
    /// call the operating system themselves and are not among them.
    static let pointerFree = ["AtelierCore", "AtelierProtocol", "AtelierStore", "AtelierServer", "AtelierClient", "AtelierExport"]

    @Test func theSessionsModulesHoldNoUnsafePointer() throws {
        var strays: [String] = []
        for target in Self.pointerFree {
            let directory = Self.sources.appendingPathComponent(target)
            let files = try #require(FileManager.default.enumerator(atPath: directory.path))
            for case let file as String in files where file.hasSuffix(".swift") {
                let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
                for line in text.split(separator: "\n") where line.contains("Unsafe") {
                    strays.append("\(target)/\(file): \(line.trimmingCharacters(in: .whitespaces))")
                }
            }
        }
        #expect(strays == [])
    }
}
