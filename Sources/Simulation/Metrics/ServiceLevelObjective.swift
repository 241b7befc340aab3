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
