import Foundation
import ServingModel

/// A fast estimate of one replica's p95 request latency under Poisson arrivals, built on the
/// roofline iteration times. It is what the deployment level calls thousands of times per
/// threshold candidate instead of the simulator; `CascadeTests` checks it against the simulator.
///
/// The replica runs the simulator's scheduler: continuous batching with one prefill chunk of up to
/// C tokens per iteration. Seen from one tagged request (arrival rate x per replica; mean prompt
/// P̄, output Ō, prefill iterations k̄ = E⌈P/C⌉ of the stage's workload):
/// - it decodes alongside n others, n = x · (Ō − 1) · τ̄ (Little's law), in a cache of mean
///   context P̄ + Ō/2 per stream: a decode-only iteration takes τ_d = roofline(1 + n streams), an
///   iteration carrying a prefill chunk of P̄/k̄ tokens τ_m;
/// - chunks arrive at x · k̄ per second and occupy a share ψ = x · k̄ · τ_m of the time, so its
///   decode iterations come at rate x · k̄ + (1 − ψ) / τ_d and last τ̄ = 1 / that on average;
/// - n is solved as a damped fixed point of n = x · (Ō − 1) · τ̄(n);
/// - prefill chunks are served one at a time: the wait for the prefill slot is that of an M/M/1
///   queue of utilisation ψ and mean service k̄ · τ_m, whose 95th percentile is
///   k̄ τ_m · ln(ψ / 0.05) / (1 − ψ) when ψ > 0.05 (else 0).
///
/// p95 ≈ (prefill wait p95) + (p95 over requests of ⌈P/C⌉ + O − 1) · τ̄ + k̄ · (τ_m − τ̄)⁺.
/// The replica is unstable (infinite latency) when ψ ≥ 1 or the 1 + n streams exceed the batch
/// size or the KV cache at the mean context. Summing two 95th percentiles overstates the p95 of
/// the sum; this leans conservative near saturation.
public enum LatencyEstimator {
    /// The steady state of one replica under load, from the fixed point described above.
    public struct ReplicaLoad: Sendable, Hashable {
        /// Mean prefill iterations per request, k̄.
        public var prefillIterations: Double
        /// τ̄: mean interval between a stream's decode iterations.
        public var decodeInterval: Double
        /// τ_m: an iteration carrying a prefill chunk.
        public var mixedSeconds: Double
        /// ψ: share of time the prefill slot is busy.
        public var prefillBusy: Double

        /// Mean service of a request's prefill, k̄ · τ_m (the M/M/1 queue's service time).
        public var prefillService: Double { prefillIterations * mixedSeconds }
        /// Probability that a request waits for the prefill slot at all (ψ; 0 below 5 % busy, as the p95 takes it).
        public var waitProbability: Double { prefillBusy > 0.05 ? prefillBusy : 0 }
        /// Mean wait of a request that waits: k̄ τ_m / (1 − ψ).
        public var waitScale: Double { prefillService / (1 - prefillBusy) }

        /// Seconds a request with `prefillIterations` chunks and `outputTokens` output tokens spends
        /// in the batch once admitted: (k + O − 1) τ̄ + k (τ_m − τ̄)⁺.
        public func serviceSeconds(prefillIterations k: Double, outputTokens: Double) -> Double {
            (k + outputTokens - 1) * decodeInterval + k * max(0, mixedSeconds - decodeInterval)
        }
    }

    /// The steady state of a replica laid out as `option` at `rate` requests per second drawn from
    /// `workload`; nil when the replica is overloaded or has no traffic.
    public static func load(option: ReplicaOption, workload: StageWorkload, rate: Double, engine: CascadeEngine) -> ReplicaLoad? {
        guard rate > 0, workload.sampleCount > 0 else { return nil }
        let k = workload.meanPrefillIterations
        let chunk = Int((workload.meanPrompt / k).rounded())
        let chunkContext = Int(max(0, workload.meanPrompt - Double(chunk)) / 2)
        let context = workload.meanPrompt + workload.meanOutput / 2
        let slots = min(Double(engine.batchSize), Double(option.kvCapacityTokens) / context)
        func times(_ streams: Double) -> (decode: Double, mixed: Double) {
            let count = max(1, Int(streams.rounded()))
            let decodeContext = Int(Double(count) * context)
            let decode = option.roofline.iterationSeconds(BatchShape(decodeStreams: count, decodeContextTokens: decodeContext))
            let mixed = option.roofline.iterationSeconds(BatchShape(
                prefillTokens: chunk, prefillContextTokens: chunkContext, decodeStreams: count - 1,
                decodeContextTokens: Int(Double(count - 1) * context)))
            return (decode, mixed)
        }
        var others = 0.0
        var mean = 0.0, mixed = 0.0, busy = 0.0
        for _ in 0..<60 {
            let t = times(1 + others)
            mixed = t.mixed
            busy = rate * k * mixed
            guard busy < 1 else { return nil }
            mean = 1 / (rate * k + (1 - busy) / t.decode)
            let next = rate * max(0, workload.meanOutput - 1) * mean
            if 1 + next > slots { return nil }
            let updated = 0.5 * others + 0.5 * next
            if abs(updated - others) < 1e-3 {
                others = updated
                break
            }
            others = updated
        }
        return ReplicaLoad(prefillIterations: k, decodeInterval: mean, mixedSeconds: mixed, prefillBusy: busy)
    }

    /// Estimated p95 latency in seconds of a replica laid out as `option` at `rate` requests per
    /// second drawn from `workload`; 0 without traffic, `.infinity` when the replica is overloaded.
    public static func p95(option: ReplicaOption, workload: StageWorkload, rate: Double, engine: CascadeEngine) -> Double {
        guard rate > 0, workload.sampleCount > 0 else { return 0 }
        guard let load = load(option: option, workload: workload, rate: rate, engine: engine) else { return .infinity }
        let busy = load.prefillBusy
        let wait = busy > 0.05 ? load.prefillService * log(busy / 0.05) / (1 - busy) : 0
        return wait + workload.p95Iterations * load.decodeInterval
            + load.prefillIterations * max(0, load.mixedSeconds - load.decodeInterval)
    }

    /// The highest per-replica arrival rate whose estimated p95 stays within `budget` seconds
    /// (bisection to 0.1 %); 0 when even a lone request exceeds it.
    public static func maxRate(option: ReplicaOption, workload: StageWorkload, budget: Double, engine: CascadeEngine) -> Double {
        RateSearch.highest(start: 0.01, tolerance: 1e-3) { p95(option: option, workload: workload, rate: $0, engine: engine) <= budget }
    }
}
