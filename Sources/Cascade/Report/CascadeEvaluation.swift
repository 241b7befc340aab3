import Planning

/// The simulator's figures of one cascade (the plan or a baseline), pooled over the seeds: p95 and
/// p99 latency, SLO attainment over scales of the SLO, and (in `simulate cascade`) the sustainable rate.
public struct CascadeEvaluation: Sendable, Encodable {
    /// The share of requests finishing within `scale` × the SLO.
    public struct Attainment: Sendable, Hashable, Encodable {
        public var scale: Double
        public var attainment: Double
    }

    /// The cascade's name (`cascadia`, `single-model`, …).
    public var name: String
    /// Requests per second of the percentile and attainment figures.
    public var arrivalRate: Double
    /// The end-to-end p95 SLO that the scales multiply.
    public var sloSeconds: Double
    /// End-to-end latency percentiles (null when more than 5 % or 1 % of requests were dropped).
    public var p95LatencySeconds: Double
    public var p99LatencySeconds: Double
    /// Attainment per SLO scale.
    public var sloAttainment: [Attainment]
    /// The highest arrival rate (requests/s) at which 95 % of requests meet the SLO; null unless searched.
    @Nullable public var sustainableRate: Double?
}

extension CascadeEvaluator: Evaluator {
    /// Simulates `candidate` on `seeds` (the same arrivals and sampled requests for every
    /// candidate), searching its sustainable rate when `searchesRate`.
    /// ```
    /// let evaluation = try evaluator.evaluate(served.cascade, named: "cascadia", seeds: [1], progress: .silent)
    /// ```
    public func evaluate(
        _ candidate: CascadeConfiguration, named name: String, seeds: [UInt64], progress: ProgressReporter
    ) throws(PlanningError) -> CascadeEvaluation {
        var run = self
        run.seeds = seeds
        let metrics = run.metrics(candidate, searchRate: searchesRate)
        return CascadeEvaluation(
            name: name, arrivalRate: rate, sloSeconds: slo, p95LatencySeconds: metrics.p95, p99LatencySeconds: metrics.p99,
            sloAttainment: zip(scales, metrics.attainment).map { CascadeEvaluation.Attainment(scale: $0, attainment: $1) },
            sustainableRate: metrics.sustainableRate)
    }
}
