#if canImport(Glibc)
import Glibc
#endif

/// One websocket connection of the load generator, read and written without a library: the
/// client under test must not be the bottleneck, so frames are parsed in place and only
/// scanned for the few fields the bench needs (see `FrameScanner`).
///
/// Owned by the `EpollLoop` thread that created it.
final class LeanSocket {
    /// What the connection is to the scenario.
    enum Stage { case connecting, open, joined, closed }

    let fd: Int32
    let index: Int
    var stage: Stage = .connecting
    /// Bytes read but not yet a whole frame.
    var pending: [UInt8] = []
    /// The id of the next message this connection sends.
    var nextID: Int64 = 1
    /// The participant id the welcome gave, and the reconnect token when it gave one.
    var participant: String?
    var token: String?
    /// Send times (monotonic ns) of the messages whose ack is timed, by message id.
    var sentAt: [Int64: Int64] = [:]
    /// Acks and errors this connection received, and its acks but welcomes.
    var answers = 0
    var accepted = 0
    /// The highest `seq` of the events received, for a `rejoin` after it.
    var lastSeq: Int64 = 0
    /// Whether the catch-up after the welcome has ended (`synced`).
    var synced = false
    /// Room chosen in a rooms scenario (index into the workshop's rooms).
    var room: Int = 0
    /// Latest note id seen on this connection's boards, and the dotted item if any.
    var lastNote: String?
    var dotted: String?

    init(fd: Int32, index: Int) {
        self.fd = fd
        self.index = index
    }

    /// Opens a TCP connection to 127.0.0.1:`port` and sends the websocket upgrade.
    static func connect(port: Int, path: String, subprotocol: String, index: Int) -> LeanSocket? {
        guard let fd = connectRaw(port: port) else { return nil }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        // The kernel stamps each segment as it reaches this socket (`Arrival`).
        setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS_OLD, &one, socklen_t(MemoryLayout<Int32>.size))
        let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            + "Sec-WebSocket-Protocol: \(subprotocol)\r\n\r\n"
        let socket = LeanSocket(fd: fd, index: index)
        guard socket.writeAll(Array(request.utf8)) else {
            close(fd)
            return nil
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        return socket
    }

    /// Opens a blocking TCP connection to 127.0.0.1:`port`.
    static func connectRaw(port: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(0x7f00_0001).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(fd)
            return nil
        }
        return fd
    }

    /// Sends one masked text frame (mask key zero: the payload goes as is). Small frames only.
    @discardableResult
    func sendText(_ text: String) -> Bool {
        let payload = Array(text.utf8)
        var frame: [UInt8] = [0x81]
        if payload.count < 126 {
            frame.append(0x80 | UInt8(payload.count))
        } else {
            frame.append(0x80 | 126)
            frame.append(UInt8(payload.count >> 8))
            frame.append(UInt8(payload.count & 0xff))
        }
        frame.append(contentsOf: [0, 0, 0, 0])
        frame.append(contentsOf: payload)
        return writeAll(frame)
    }

    /// Writes every byte, waiting briefly when the socket is full (messages here are tiny).
    func writeAll(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written > 0 {
                offset += written
            } else if written < 0 && (errno == EAGAIN || errno == EINTR) {
                var pollfd = Glibc.pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&pollfd, 1, 100)
            } else {
                return false
            }
        }
        return true
    }

    /// Reads what is waiting into `buffer` with the kernel's arrival stamp of the last segment read
    /// (`control` holds its control message): the byte count (0 at the end, -1 with `errno`), and
    /// the arrival on the monotonic clock, or nil when the kernel gave no stamp.
    func receive(into buffer: UnsafeMutableRawBufferPointer, control: UnsafeMutableRawBufferPointer) -> (count: Int, arrival: Int64?) {
        var vector = iovec(iov_base: buffer.baseAddress, iov_len: buffer.count)
        return withUnsafeMutablePointer(to: &vector) { vector in
            var header = msghdr(msg_name: nil, msg_namelen: 0, msg_iov: vector, msg_iovlen: 1,
                                msg_control: control.baseAddress, msg_controllen: control.count, msg_flags: 0)
            let count = recvmsg(fd, &header, 0)
            let headerSize = MemoryLayout<cmsghdr>.size
            guard count > 0, header.msg_controllen >= headerSize + MemoryLayout<timespec>.size else { return (count, nil) }
            let message = control.load(as: cmsghdr.self)
            guard message.cmsg_level == SOL_SOCKET, message.cmsg_type == SCM_TIMESTAMPNS else { return (count, nil) }
            let stamp = control.loadUnaligned(fromByteOffset: headerSize, as: timespec.self)
            return (count, Int64(stamp.tv_sec) * 1_000_000_000 + Int64(stamp.tv_nsec) - ReceiveTime.realtimeOffset)
        }
    }

    /// Ends the connection but keeps the descriptor until `deinit`, so a later connection
    /// cannot take its number while this object still writes to it.
    func shutDown() {
        if stage != .closed { shutdown(fd, Int32(SHUT_RDWR)) }
        stage = .closed
    }

    deinit { close(fd) }
}

/// When received bytes reached the member: `read`, when the load generator read them, and
/// `arrival`, when the kernel put them in the socket's receive queue (`SO_TIMESTAMPNS`, taken as the
/// sender's `send()` delivers them over loopback), both on the monotonic clock.
///
/// A single-threaded load generator reads 10,000 sockets one after the other, so at read the last
/// of a fan-out also waits for the reader to get to it (BENCHMARKS.md, "A relayed plenary"): at
/// arrival is what a member with a processor of its own would see.
struct ReceiveTime {
    var read: Int64
    var arrival: Int64
    /// Whether the kernel gave the arrival (when not, it is the read).
    var stamped: Bool

    /// CLOCK_REALTIME minus CLOCK_MONOTONIC, taken once: the kernel's stamps are on the first, the
    /// bench's send times on the second (a clock step during a run would show as an outlier).
    static let realtimeOffset: Int64 = {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec) - monotonicNanoseconds()
    }()
}

/// The monotonic clock in nanoseconds, shared by senders and receivers of one process.
@inline(__always)
func monotonicNanoseconds() -> Int64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
}
