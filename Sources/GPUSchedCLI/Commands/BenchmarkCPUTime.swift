#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// CPU seconds used by the calling thread or by the whole process: on a shared machine, where other
/// processes stretch the wall clock, the cost of work is measured in these as well.
///
/// ```swift
/// let before = BenchmarkCPUTime.threadSeconds()
/// work()
/// let cpu = BenchmarkCPUTime.threadSeconds() - before
/// ```
enum BenchmarkCPUTime {
    /// The calling thread's CPU seconds (NaN if the clock cannot be read).
    static func threadSeconds() -> Double { seconds(CLOCK_THREAD_CPUTIME_ID) }

    /// CPU seconds of every thread of the process together.
    static func processSeconds() -> Double { seconds(CLOCK_PROCESS_CPUTIME_ID) }

    private static func seconds(_ clock: clockid_t) -> Double {
        var time = timespec()
        guard clock_gettime(clock, &time) == 0 else { return .nan }
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }
}
