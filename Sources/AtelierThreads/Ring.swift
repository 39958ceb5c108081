/// The FIFO both service loops keep their outbound messages in (and the server its connections
/// waiting to be written): a growable ring that starts
/// with no storage (an idle connection costs nothing) and gives its storage back when it drains
/// after having grown large, unless made with `keepsStorage` (the server's connections waiting to
/// be written fill it to the hall's size every fan-out: growing it again each time cost a copy,
/// retain and release of every connection, most of a relay's own work per delivery).
///
/// Inlinable, so the server's fan-out gets it specialized for its frames.
public struct Ring<Element> {
    @usableFromInline var slots: [Element?] = []
    @usableFromInline var head = 0
    @usableFromInline var used = 0
    @usableFromInline let keepsStorage: Bool

    @inlinable public var count: Int { used }

    /// The slots it holds now, used or not.
    @inlinable public var capacity: Int { slots.count }

    @inlinable public init(keepsStorage: Bool = false) { self.keepsStorage = keepsStorage }

    @inlinable public var isEmpty: Bool { used == 0 }

    @inlinable public var first: Element? { used == 0 ? nil : slots[head] }

    /// The element `index` places from the head.
    @inlinable public subscript(index: Int) -> Element {
        precondition(index < used)
        return slots[(head + index) & (slots.count - 1)]!
    }

    @inlinable public mutating func append(_ element: Element) {
        if used == slots.count { grow() }
        slots[(head + used) & (slots.count - 1)] = element
        used += 1
    }

    @inlinable @discardableResult
    public mutating func popFirst() -> Element? {
        guard used > 0 else { return nil }
        let element = slots[head]
        slots[head] = nil
        head = (head + 1) & (slots.count - 1)
        used -= 1
        if used == 0 {
            head = 0
            if slots.count > 64 && !keepsStorage { slots = [] }
        }
        return element
    }

    @inlinable public mutating func removeAll() {
        slots = []
        head = 0
        used = 0
    }

    @usableFromInline mutating func grow() {
        let capacity = max(4, slots.count * 2)  // always a power of two
        var grown = [Element?](repeating: nil, count: capacity)
        for i in 0..<used { grown[i] = slots[(head + i) & (slots.count - 1)] }
        slots = grown
        head = 0
    }
}
