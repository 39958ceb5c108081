import AtelierLWS
import AtelierServer
import AtelierTestSupport
import Foundation
import Testing

/// The participants' link and its QR code that the presenter screen shows.
@Suite(.serialized) struct PresenterLinkTests {
    static let link = "https://atelier.example.org/?code=K7M2QX"

    /// The dark modules of qrencode's own drawing (`qrencode -t ASCII`, two characters a module).
    private func qrencodeModules(_ text: String) throws -> [Bool] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["qrencode", "-t", "ASCII", "-m", "0", "-l", "M", text]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "qrencode (Debian package qrencode) is needed")
        let rows = String(decoding: data, as: UTF8.self).split(separator: "\n")
        return rows.flatMap { row in stride(from: 0, to: row.count, by: 2).map { row.dropFirst($0).first == "#" } }
    }

    @Test func theQRCodesMatrixIsQrencodesOwn() throws {
        let code = try #require(QRCode(Self.link))
        #expect(code.size == 29, "a 39-byte link fits version 3 at level M")
        #expect(code.modules == (try qrencodeModules(Self.link)))
    }

    @Test func theSVGIsTheMatrixWithAQuietZoneOneUnitAModule() throws {
        let code = try #require(QRCode(Self.link))
        let svg = code.svg
        let side = code.size + 2 * QRCode.quietZone
        #expect(svg.contains(#"viewBox="0 0 \#(side) \#(side)""#))
        // Each run "M x y h n v1 h-n z" covers n dark modules of one row, shifted by the quiet zone.
        let path = try #require(svg.split(separator: "d=\"").last?.split(separator: "\"").first)
        var drawn = [Bool](repeating: false, count: code.size * code.size)
        for run in path.split(separator: "z") {
            let numbers = run.split(whereSeparator: { "Mhv ".contains($0) }).compactMap { Int($0) }
            let (x, y, length) = (numbers[0] - QRCode.quietZone, numbers[1] - QRCode.quietZone, numbers[2])
            for column in x..<x + length { drawn[y * code.size + column] = true }
        }
        #expect(drawn == code.modules)
    }

    @Test func theQRCodeCarriesThePublicURLWhateverAddressTheProjectorUsed() throws {
        let server = try LiveServer(publicURL: "https://atelier.example.org/")
        defer { server.stop() }
        let response = try httpRequest(port: server.server.port, path: "/qr.svg?code=\(server.code)")
        #expect(response.status == 200)
        #expect(response.header("content-type") == "image/svg+xml")
        #expect(response.header("x-content-type-options") == "nosniff")
        #expect(response.header("content-security-policy") != nil)
        let expected = try #require(QRCode("https://atelier.example.org/?code=\(server.code)"))
        #expect(response.text == expected.svg)
        let link = try httpRequest(port: server.server.port, path: "/join-link?code=\(server.code.lowercased())")
        #expect(link.text == #"{"link":"https://atelier.example.org/?code=\#(server.code)"}"#)
    }

    @Test func withoutAPublicURLTheLinkIsOnTheAddressTheServerListensOn() throws {
        let server = try LiveServer()
        defer { server.stop() }
        let link = try httpRequest(port: server.server.port, path: "/join-link?code=\(server.code)")
        #expect(link.text == #"{"link":"http://127.0.0.1:\#(server.server.port)/?code=\#(server.code)"}"#)
    }

    @Test func aCodeNoSessionHasGetsNoLink() throws {
        let server = try LiveServer()
        defer { server.stop() }
        #expect(try httpRequest(port: server.server.port, path: "/qr.svg?code=ZZZZZZ").status == 404)
        #expect(try httpRequest(port: server.server.port, path: "/join-link").status == 404)
    }

    @Test func theLinkIsOnTheLANAddressWhenTheServerListensEverywhere() {
        let base = JoinLink.base(publicURL: nil, host: nil, tls: false, port: 8080)
        #expect(base == "http://\(LANAddress.first() ?? "localhost"):8080")
        #expect(!base.contains("127.0.0.1"))
    }
}
