import Foundation

/// Bounds on the work one command may start, checked against an estimate before the work begins.
///
/// Every verb estimates what it is about to do (simulated requests, expected peak memory) and
/// refuses work beyond these limits with one line naming the estimate, the limit and the flag that
/// raises it. The defaults keep a run on a 2-core, 24 GiB machine to minutes and a few GiB:
/// ```swift
/// let limits = WorkLimits.default
/// try limits.check(requests: 40 * 1e6, what: "arrivals (rate × horizon × seeds)", at: "horizon")
/// // throws: horizon: about 4e7 arrivals (rate × horizon × seeds), over the limit of 5000000; …
/// ```
public struct WorkLimits: Sendable, Hashable {
    /// Most requests (or CTMC/geo request events) one command may simulate, over all seeds and runs.
    public var maxRequests: Double
    /// Most memory, in bytes, a command's estimate may reach.
    public var maxMemoryBytes: Double
    /// Lifts both limits (`--allow-large`).
    public var allowLarge: Bool

    /// 5 million requests and 8 GiB.
    public static let `default` = WorkLimits()

    /// Default most requests: 5 million (about 30 s of simulation with the roofline on one core).
    public static let defaultMaxRequests = 5e6
    /// Default most memory: 8 GiB.
    public static let defaultMaxMemoryBytes = 8.0 * 1_073_741_824

    /// Limits with the given bounds.
    public init(
        maxRequests: Double = WorkLimits.defaultMaxRequests,
        maxMemoryBytes: Double = WorkLimits.defaultMaxMemoryBytes,
        allowLarge: Bool = false
    ) {
        self.maxRequests = maxRequests
        self.maxMemoryBytes = maxMemoryBytes
        self.allowLarge = allowLarge
    }

    /// Throws when `estimate` requests exceed the limit; `what` says what was counted and `path`
    /// names the key (or flag) that drives the estimate.
    public func check(requests estimate: Double, what: String, at path: String) throws(ScenarioError) {
        guard !allowLarge, !(estimate <= maxRequests) else { return }
        throw ScenarioError(path: path, "about \(Self.format(estimate)) \(what), over the limit of "
            + "\(Self.format(maxRequests)); raise it with --max-requests N or --allow-large")
    }

    /// Throws when `estimate` bytes exceed the memory limit.
    public func check(memoryBytes estimate: Double, what: String, at path: String) throws(ScenarioError) {
        guard !allowLarge, !(estimate <= maxMemoryBytes) else { return }
        throw ScenarioError(path: path, "\(what) needs about \(Self.gibibytes(estimate)) GiB of memory, over the "
            + "limit of \(Self.gibibytes(maxMemoryBytes)) GiB; raise it with --max-memory GIB or --allow-large")
    }

    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        return value < 1e9 ? String(Int(value.rounded())) : String(format: "%.2g", value)
    }

    static func gibibytes(_ bytes: Double) -> String {
        guard bytes.isFinite else { return "\(bytes)" }
        let value = bytes / 1_073_741_824
        return value >= 10 ? String(Int(value.rounded())) : String(format: "%.1f", value)
    }
}
