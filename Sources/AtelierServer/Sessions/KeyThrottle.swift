import AtelierCore

/// How often moderator keys are checked for `/export`, where there is no connection to close
/// after five wrong keys as the websocket does.
///
/// An address that gave `wrongKeysPerAddress` wrong keys has no key checked for
/// `pauseMilliseconds`; all addresses together have keys checked at most at `everyone`'s rate,
/// so guessing from many addresses is slow too. Only key checks are counted: participants behind
/// the same address (a venue's NAT) never use `/export`, and their websockets are not concerned.
struct KeyThrottle {
    static let wrongKeysPerAddress = 5
    static let pauseMilliseconds: Int64 = 60_000
    static let everyone = RateLimit(burst: 10, perSecond: 2)

    enum Verdict: Equatable {
        case check
        /// No key is checked now; whole seconds until one may be.
        case wait(seconds: Int)
    }

    private struct Address {
        var wrongKeys = 0
        var lastWrongKey: Timestamp
        var pausedUntil: Timestamp?
    }

    /// Addresses remembered before those quiet for a whole pause are forgotten.
    static let addressesKept = 1024

    private var addresses: [String: Address] = [:]
    /// Made on the first check: the bucket starts full at that time.
    private var checks: TokenBucket?

    /// Whether a key from `address` may be checked at `now`; a check counts against everyone's rate.
    mutating func admit(_ address: String, at now: Timestamp) -> Verdict {
        if let until = addresses[address]?.pausedUntil {
            let left = until.milliseconds(since: now)
            if left > 0 { return .wait(seconds: Int((left + 999) / 1000)) }
            addresses[address] = nil
        }
        var bucket = checks ?? TokenBucket(Self.everyone, now: now)
        defer { checks = bucket }
        return bucket.take(at: now) ? .check : .wait(seconds: 1)
    }

    /// Records a wrong key from `address`; true when that address is paused from now on.
    mutating func wrongKey(from address: String, at now: Timestamp) -> Bool {
        if addresses.count >= Self.addressesKept {
            addresses = addresses.filter { $0.value.lastWrongKey.adding(milliseconds: Self.pauseMilliseconds) > now }
        }
        var entry = addresses[address] ?? Address(lastWrongKey: now)
        entry.wrongKeys += 1
        entry.lastWrongKey = now
        if entry.wrongKeys >= Self.wrongKeysPerAddress {
            entry.pausedUntil = now.adding(milliseconds: Self.pauseMilliseconds)
        }
        addresses[address] = entry
        return entry.pausedUntil != nil
    }
}
