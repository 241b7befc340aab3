import Foundation
import ServingModel

/// The end-to-end SLO attainment of a whole cascade deployment, estimated request by request on the
/// quality sample; what throughput mode maximises.
///
/// A per-stage p95 budget ignores that a request answered by stage k pays every stage before it and
/// k judge calls, and that the SLO's 95 % is over the mix of paths. This estimate replays every
/// sample request on its own path: with each stage's steady state from `LatencyEstimator.load`
/// (decode interval τ̄ᵢ, chunk iteration τ_m,i, prefill-slot utilisation ψᵢ), a request r answered
/// by stage f spends
///
///     Dᵣ = Σ_{i ≤ f} [(kᵣ + Oᵢ,ᵣ − 1) τ̄ᵢ + kᵣ (τ_m,i − τ̄ᵢ)⁺] + judge calls × judge latency
///
/// in batches (its own prompt chunks kᵣ and output lengths Oᵢ,ᵣ on each model), plus the waits for
/// the prefill slots. Each wait is M/M/1-like: zero with probability 1 − ψᵢ, else exponential of
/// mean k̄ᵢ τ_m,i / (1 − ψᵢ). Their sum along the path is approximated by one such variable with the
/// same probability of waiting at all, p = 1 − Π(1 − ψᵢ), and the same mean, so
///
///     P(latency ≤ S) = 1 − p · exp(−(S − Dᵣ) / (mean wait / p))   when Dᵣ ≤ S, else 0,
///
/// and the attainment is its average over the sample. Judge calls: one per stage a request leaves
/// and one to accept an answer from a non-final stage, as in `CascadeSimulator`.
public struct EndToEndEstimate: Sendable {
    /// One stage as deployed: its replica option and replica count (nil / 0 for a stage without traffic).
    public struct Stage: Sendable {
        public var option: ReplicaOption?
        public var replicas: Int

        /// A deployed stage.
        public init(option: ReplicaOption?, replicas: Int) {
            self.option = option
            self.replicas = replicas
        }
    }

    private let workloads: [StageWorkload]
    private let reach: [Double]
    private let engine: CascadeEngine
    private let judgeLatency: Double
    /// Per sample request: final stage, prompt chunks, output tokens per stage it visits.
    private let paths: [(final: Int, chunks: Double, outputs: [Double])]

    /// The estimate under the routing `outcome` of `samples`: each stage's workload and each sample
    /// request's path, built once for every deployment scored under that routing.
    public init(samples: QualitySamples, outcome: RoutingOutcome, engine: CascadeEngine, judgeLatency: Double) {
        self.engine = engine
        self.judgeLatency = judgeLatency
        reach = outcome.reachFraction
        workloads = outcome.reached.indices.map { i in
            StageWorkload(samples: samples, indices: outcome.reached[i], stage: i, arrivalRate: 1, chunkSize: engine.chunkSize)
        }
        let chunk = engine.chunkSize
        paths = samples.requests.indices.map { index in
            let request = samples.requests[index]
            let final = outcome.finalStage[index]
            return (final, Double((request.promptTokens + chunk - 1) / chunk), (0...final).map { Double(request.outputTokens[$0]) })
        }
    }

    /// Share of requests expected to finish within `slo` seconds at `rate` requests per second when
    /// the cascade is deployed as `stages` (one per model); 0 when a stage with traffic is
    /// overloaded or has no replica.
    public func attainment(of stages: [Stage], rate: Double, slo: Double) -> Double {
        var loads: [LatencyEstimator.ReplicaLoad?] = []
        for (i, stage) in stages.enumerated() {
            guard reach[i] > 0 else {
                loads.append(nil)
                continue
            }
            guard let option = stage.option, stage.replicas > 0,
                  let load = LatencyEstimator.load(
                    option: option, workload: workloads[i], rate: rate * reach[i] / Double(stage.replicas), engine: engine)
            else { return 0 }
            loads.append(load)
        }
        // Wait parameters per final stage: probability of waiting at all and the mean wait.
        var waits: [(probability: Double, mean: Double)] = []
        var none = 1.0, mean = 0.0
        for load in loads {
            if let load {
                none *= 1 - load.waitProbability
                mean += load.waitProbability * load.waitScale
            }
            waits.append((1 - none, mean))
        }
        let last = stages.count - 1
        var met = 0.0
        for path in paths {
            var busy = Double(path.final < last ? path.final + 1 : path.final) * judgeLatency
            for i in 0...path.final {
                busy += loads[i]!.serviceSeconds(prefillIterations: path.chunks, outputTokens: path.outputs[i])
            }
            guard busy <= slo else { continue }
            let wait = waits[path.final]
            met += wait.probability > 0 && wait.mean > 0
                ? 1 - wait.probability * exp(-(slo - busy) * wait.probability / wait.mean) : 1
        }
        return met / Double(max(1, paths.count))
    }

    /// The highest rate whose estimated attainment of `slo` is at least `target` (bisection to
    /// 0.5 %); 0 when even a trickle misses it.
    public func sustainableRate(of stages: [Stage], slo: Double, target: Double = 0.95) -> Double {
        RateSearch.highest(start: 1, tolerance: 5e-3) { attainment(of: stages, rate: $0, slo: slo) >= target }
    }
}
