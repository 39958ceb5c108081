import AtelierThreads
import Testing

/// The FIFO of outbound frames and of connections waiting to be written.
@Suite struct RingTests {
    @Test func elementsComeOutInTheOrderTheyWentInAcrossGrowthAndWrapAround() {
        var ring = Ring<Int>()
        var expected: [Int] = []
        var taken: [Int] = []
        for round in 0..<5 {
            for value in 0..<(10 * round + 3) { ring.append(round * 100 + value); expected.append(round * 100 + value) }
            for _ in 0..<(5 * round + 1) { taken.append(ring.popFirst()!) }
        }
        while let value = ring.popFirst() { taken.append(value) }
        #expect(taken == expected)
        #expect(ring.isEmpty && ring.popFirst() == nil)
    }

    @Test func aRingGivesBackLargeStorageOnceDrainedSoAnIdleConnectionHoldsNone() {
        var ring = Ring<Int>()
        for value in 0..<1000 { ring.append(value) }
        while ring.popFirst() != nil {}
        #expect(ring.capacity == 0)
        // Small storage stays: a connection's few frames a turn do not allocate each time.
        for value in 0..<3 { ring.append(value) }
        while ring.popFirst() != nil {}
        #expect(ring.capacity == 4)
    }

    @Test func aRingThatKeepsItsStorageIsRefilledToTheSameSizeWithoutGrowingAgain() {
        // The server's connections waiting to be written: a fan-out to thousands every turn.
        var ring = Ring<Int>(keepsStorage: true)
        for value in 0..<5000 { ring.append(value) }
        let capacity = ring.capacity
        while ring.popFirst() != nil {}
        #expect(ring.capacity == capacity)
        for value in 0..<5000 { ring.append(value) }
        #expect(ring.capacity == capacity && ring.count == 5000 && ring.first == 0)
    }

    @Test func removeAllEmptiesTheRingAndItsStorage() {
        var ring = Ring<String>(keepsStorage: true)
        for value in ["a", "b", "c"] { ring.append(value) }
        ring.removeAll()
        #expect(ring.isEmpty && ring.capacity == 0 && ring.popFirst() == nil)
    }
}
