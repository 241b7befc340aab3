import Planning

/// Latency targets a request must meet to count towards goodput.
public struct ServiceLevelObjective: Sendable, Hashable, Codable {
    /// Time to first token, seconds.
    public var ttft: Double?
    /// Time per output token after the first, seconds.
    public var tpot: Double?

    public init(ttft: Double? = nil, tpot: Double? = nil) {
        self.ttft = ttft
        self.tpot = tpot
    }

    /// True when both given targets hold (a request with one output token has no TPOT).
    public func isMet(ttft measuredTTFT: Double, tpot measuredTPOT: Double?) -> Bool {
        if let ttft, measuredTTFT > ttft { return false }
        if let tpot, let measuredTPOT, measuredTPOT > tpot { return false }
        return true
    }
}

/// The latency targets a class's `sloAttainment` and `goodput` were judged against, in seconds
/// (null where the objective sets none).
public struct SLOTargets: Sendable, Codable, Hashable {
    @Nullable public var ttftSeconds: Double?
    @Nullable public var tpotSeconds: Double?
    /// End-to-end latency target: a `kind: simulate` objective has none, so it is always null
    /// here; the key keeps the shape every report reads alike.
    @Nullable public var e2eSeconds: Double?
}

extension ServiceLevelObjective {
    /// The targets as reported; nil when the objective sets none (every request meets it).
    public var targets: SLOTargets? {
        guard ttft != nil || tpot != nil else { return nil }
        return SLOTargets(ttftSeconds: ttft, tpotSeconds: tpot, e2eSeconds: nil)
    }
}
