import AtelierConsole
import Foundation
import Testing

@Suite struct ModeratorIdentityTests {
    @Test func oneFilePerSessionAndServerWithASafeName() {
        let page = ModeratorIdentity(folder: "/state", url: "http://192.168.1.20:8080/?code=k7m2qx", code: "k7m2qx")
        let socket = ModeratorIdentity(folder: "/state", url: "ws://192.168.1.20:8080/ws", code: "K7M2QX")
        #expect(page.path == "/state/K7M2QX@192.168.1.20_8080")
        #expect(socket == page)
        let other = ModeratorIdentity(folder: "/state", url: "wss://[::1]:9443/ws", code: "K7M2QX")
        #expect(other.path == "/state/K7M2QX@___1__9443")
    }

    @Test func aSavedTokenIsLoadedBackAndKeptPrivate() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("identity-\(UUID().uuidString)/a/b").path
        let identity = ModeratorIdentity(folder: folder, url: "ws://127.0.0.1:8080/ws", code: "ABCDEF")
        #expect(identity.load() == nil)
        identity.save("9f0c2a")
        #expect(identity.load() == "9f0c2a")
        let mode = try FileManager.default.attributesOfItem(atPath: identity.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }
}
