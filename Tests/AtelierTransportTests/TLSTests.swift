import AtelierLWS
import Synchronization
import Testing

/// The fixtures' self-signed certificate for 127.0.0.1 and its key.
let fixtureTLS = TLSConfiguration(
    certificatePath: fixtureDirectory + "tls/cert.pem", privateKeyPath: fixtureDirectory + "tls/key.pem")

@Suite(.serialized)
struct TLSTests {
    /// The end-of-turn write over TLS: a fan-out queued when the turn ends goes out without waiting
    /// for POLLOUT, and what OpenSSL cannot take at once waits in lws' buffer, so every client still
    /// gets every message whole, in order, grouped where it waited, and the large one in fragments.
    @Test func aFanOutAtTheEndOfATurnReachesEveryTLSClientWholeAndInOrder() throws {
        let delegate = TestDelegate()
        let burst = Mutex(false)
        let pad = String(repeating: "p", count: 4000)
        let large = String(repeating: "f", count: 100_000)
        delegate.onMessage = { _, _, text in if text == "burst" { burst.withLock { $0 = true } } }
        delegate.onTurnEnd = { server in
            guard burst.withLock({ asked in defer { asked = false }; return asked }) else { return }
            for seq in 0..<300 {
                let event = #"{"seq":\#(seq),"pad":"\#(pad)"}"#
                server.broadcast(seq % 50 == 49 ? OutboundFrame(text: event) : OutboundFrame(bytes: Array(event.utf8), groupable: true))
            }
            server.broadcast(OutboundFrame(text: large))
        }
        let server = try startServer(delegate: delegate) { $0.tls = fixtureTLS }
        defer { stopServer(server) }
        let loop = try ClientLoop(configuration: .init(enableTLS: true))
        defer { loop.shutdown() }
        let options = WebSocketClient.Options(
            host: "127.0.0.1", port: server.port, useTLS: true, allowSelfSignedCertificates: true)
        let clients = try (0..<4).map { _ in try WebSocketClient(options: options, loop: loop) }
        for client in clients { client.connect() }
        for client in clients { #expect(client.waitForOpen(timeout: 15)) }
        #expect(eventually { delegate.openedCount == clients.count })

        #expect(clients[0].send("burst"))
        for client in clients {
            var seqs: [Int] = []
            var messages = 0
            while seqs.count < 300, let text = client.receive(timeout: 15) {
                messages += 1
                for match in text.matches(of: /"seq":(\d+)/) { seqs.append(Int(match.1)!) }
            }
            #expect(seqs == Array(0..<300))
            #expect(messages < 300)  // what waited went out grouped
            #expect(client.receive(timeout: 15) == large)
        }
        #expect(server.statistics.slowConsumerDrops == 0)
        #expect(delegate.closedCount == 0)
    }
}
