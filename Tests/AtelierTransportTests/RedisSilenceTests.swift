@testable import AtelierLWS
import Testing

/// When a connection to Redis counts as silent: its oldest outstanding command has waited past the
/// bound, plus the time it asked Redis to block.
@Suite struct RedisSilenceTests {
    private let bound: Int64 = 5_000

    @Test func aConnectionWithNothingOutstandingIsNeverSilent() {
        var silence = RedisSilence(boundMilliseconds: bound)
        #expect(!silence.isSilent(at: 1_000_000))
        silence.sent(at: 0)
        silence.answered(at: 10)
        #expect(!silence.isSilent(at: 1_000_000))
    }

    @Test func aCommandUnansweredPastTheBoundMakesItSilentAndNotBefore() {
        var silence = RedisSilence(boundMilliseconds: bound)
        silence.sent(at: 1_000)
        #expect(!silence.isSilent(at: 1_000 + bound))
        #expect(silence.isSilent(at: 1_000 + bound + 1))
    }

    @Test func aLongPipelineAnsweredSteadilyIsNeverSilent() {
        var silence = RedisSilence(boundMilliseconds: bound)
        for _ in 0..<10 { silence.sent(at: 0) }
        // Each answer restarts the wait of the next: Redis answers a connection's commands in order.
        for answer in 1...9 {
            silence.answered(at: Int64(answer) * 4_000)
            #expect(!silence.isSilent(at: Int64(answer) * 4_000 + bound))
        }
        #expect(silence.isSilent(at: 9 * 4_000 + bound + 1))
    }

    @Test func aCommandSentAfterAQuietSpellIsDueFromWhenItWasSent() {
        var silence = RedisSilence(boundMilliseconds: bound)
        silence.sent(at: 0)
        silence.answered(at: 1)
        silence.sent(at: 60_000)
        #expect(!silence.isSilent(at: 60_000 + bound))
        #expect(silence.isSilent(at: 60_000 + bound + 1))
    }

    @Test func aBlockingReadMayWaitItsBlockTimePlusTheBound() {
        var silence = RedisSilence(boundMilliseconds: bound)
        silence.sent(at: 0, blockingFor: 10_000)
        #expect(!silence.isSilent(at: 10_000 + bound))
        #expect(silence.isSilent(at: 10_000 + bound + 1))
    }

    @Test func commandsQueuedBehindABlockingReadAreDueOnceItIsAnswered() {
        var silence = RedisSilence(boundMilliseconds: bound)
        silence.sent(at: 0, blockingFor: 10_000)
        silence.sent(at: 100)
        // The read's own allowance holds while it is the oldest...
        #expect(!silence.isSilent(at: 10_000 + bound))
        silence.answered(at: 10_000)
        // ...and the command after it has the bound alone, from that answer on.
        #expect(!silence.isSilent(at: 10_000 + bound))
        #expect(silence.isSilent(at: 10_000 + bound + 1))
    }

    @Test func aBlockingReadBehindAnotherCommandHasItsAllowanceOnlyOnceItIsTheOldest() {
        var silence = RedisSilence(boundMilliseconds: bound)
        silence.sent(at: 0)
        silence.sent(at: 0, blockingFor: 10_000)
        #expect(silence.isSilent(at: bound + 1))
        silence.answered(at: 1)
        #expect(!silence.isSilent(at: 1 + 10_000 + bound))
        #expect(silence.isSilent(at: 1 + 10_000 + bound + 1))
    }

    @Test func anAnswerWithNothingOutstandingIsIgnored() {
        var silence = RedisSilence(boundMilliseconds: bound)
        silence.answered(at: 0)
        silence.sent(at: 100)
        #expect(!silence.isSilent(at: 100 + bound))
        #expect(silence.isSilent(at: 100 + bound + 1))
    }
}
