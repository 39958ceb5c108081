#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Nanoseconds of the monotonic clock: for durations, which a change of the wall clock must not bend.
public func monotonicNanoseconds() -> Int64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
}

/// Milliseconds of the monotonic clock.
public func monotonicMilliseconds() -> Int64 { monotonicNanoseconds() / 1_000_000 }
