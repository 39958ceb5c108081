/// A FIFO of shared frames for one connection: a growable ring that starts
/// with no storage (an idle connection costs nothing) and gives its storage
/// back when it drains after having grown large.
///
/// Service-thread only (it lives inside a `ServerConnection`).
struct FrameQueue {
    private var slots: [OutboundFrame?] = []
    private var head = 0
    private(set) var count = 0
    /// Sum of the payload sizes of the queued frames.
    private(set) var bytes = 0

    var isEmpty: Bool { count == 0 }

    var first: OutboundFrame? { count == 0 ? nil : slots[head] }

    /// The frame `index` places from the head.
    subscript(index: Int) -> OutboundFrame {
        precondition(index < count)
        return slots[(head + index) & (slots.count - 1)]!
    }

    mutating func append(_ frame: OutboundFrame) {
        if count == slots.count { grow() }
        slots[(head + count) & (slots.count - 1)] = frame
        count += 1
        bytes += frame.count
    }

    @discardableResult
    mutating func removeFirst() -> OutboundFrame {
        precondition(count > 0)
        let frame = slots[head]!
        slots[head] = nil
        head = (head + 1) & (slots.count - 1)
        count -= 1
        bytes -= frame.count
        if count == 0 {
            head = 0
            if slots.count > 64 { slots = [] }
        }
        return frame
    }

    mutating func removeAll() {
        slots = []
        head = 0
        count = 0
        bytes = 0
    }

    private mutating func grow() {
        let newCapacity = max(4, slots.count * 2)  // always a power of two
        var newSlots = [OutboundFrame?](repeating: nil, count: newCapacity)
        for i in 0..<count {
            newSlots[i] = slots[(head + i) & (slots.count - 1)]
        }
        slots = newSlots
        head = 0
    }
}
