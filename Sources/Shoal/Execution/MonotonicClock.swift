#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The monotonic clock (`CLOCK_MONOTONIC`), for durations: lock holds, maintenance passes, the
/// scan-cost measurements. Without Foundation.
enum MonotonicClock {
    /// Nanoseconds since an arbitrary fixed point. - Complexity: O(1).
    static func nanoseconds() -> Int {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Int(spec.tv_sec) * 1_000_000_000 + Int(spec.tv_nsec)
    }

    /// Seconds since the same point as ``nanoseconds()``. - Complexity: O(1).
    static func seconds() -> Double { Double(nanoseconds()) * 1e-9 }
}
