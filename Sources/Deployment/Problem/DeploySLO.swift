/// A model's latency targets: a percentile of TTFT, a percentile of TPOT, and the share of
/// requests that must meet both.
/// ```
/// let slo = DeploySLO(ttftQuantile: 0.9, ttftSeconds: 0.5, tpotQuantile: 0.9, tpotSeconds: 0.02)
/// print(slo.attainment)   // 0.9: by default the stricter of the two percentile levels
/// ```
public struct DeploySLO: Sendable, Hashable {
    public var ttftQuantile: Double
    public var ttftSeconds: Double
    public var tpotQuantile: Double
    public var tpotSeconds: Double
    /// Share of requests meeting both targets at once.
    public var attainment: Double

    public init(ttftQuantile: Double, ttftSeconds: Double, tpotQuantile: Double, tpotSeconds: Double, attainment: Double? = nil) {
        self.ttftQuantile = ttftQuantile
        self.ttftSeconds = ttftSeconds
        self.tpotQuantile = tpotQuantile
        self.tpotSeconds = tpotSeconds
        self.attainment = attainment ?? Swift.max(ttftQuantile, tpotQuantile)
    }

    /// The same SLO with the TTFT or TPOT target multiplied by `factor` (a what-if or a shadow price).
    public func scaled(_ target: SLOTarget, by factor: Double) -> DeploySLO {
        var copy = self
        switch target {
        case .ttft: copy.ttftSeconds *= factor
        case .tpot: copy.tpotSeconds *= factor
        }
        return copy
    }

    /// As the plan reports it.
    public var report: SLOReport {
        SLOReport(
            ttftQuantile: ttftQuantile, ttftSeconds: ttftSeconds, tpotQuantile: tpotQuantile, tpotSeconds: tpotSeconds,
            attainment: attainment)
    }
}

/// One of the two latency targets.
public enum SLOTarget: String, Sendable, Hashable, CaseIterable {
    case ttft, tpot
}
