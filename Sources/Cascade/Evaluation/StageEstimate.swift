/// The estimator's view of a configuration's stages: reach, rate and p95 of each stage.
public struct StageEstimate: Sendable, Hashable {
    /// Share of requests the stage runs.
    public var reachFraction: Double
    /// Requests per second it runs.
    public var arrivalRate: Double
    /// Estimated p95 latency of the stage (seconds).
    public var p95Latency: Double

    /// One estimate per stage of `cascade` at `rate`, using `planner`'s layouts and engine.
    public static func of(_ cascade: CascadeConfiguration, planner: CascadePlanner, rate: Double) -> [StageEstimate] {
        let samples = planner.problem.samples
        let reached = cascade.replay(samples).reached
        let count = Double(max(1, samples.requests.count))
        return cascade.stages.enumerated().map { i, stage in
            let reach = Double(reached[i].count) / count
            let workload = StageWorkload(
                samples: samples, indices: reached[i], stage: stage.sampleColumn, arrivalRate: rate * reach,
                chunkSize: planner.problem.engine.chunkSize)
            let option = planner.options[stage.sampleColumn].first { $0.layout == stage.layout.layout }
            let p95 = option.map {
                LatencyEstimator.p95(
                    option: $0, workload: workload, rate: workload.arrivalRate / Double(max(1, stage.layout.replicas)),
                    engine: planner.problem.engine)
            } ?? .infinity
            return StageEstimate(reachFraction: reach, arrivalRate: workload.arrivalRate, p95Latency: p95)
        }
    }
}
