#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Seconds on the monotonic clock (what breakers, queue deadlines and latencies are measured in).
enum MonotonicClock {
    /// Now, in seconds since an arbitrary fixed point.
    @inline(__always)
    static func seconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }
}
