import Foundation
import ServingModel

/// The SLO capacity of a replica pattern on a model's workload: the highest Poisson arrival rate
/// at which one replica meets the model's TTFT and TPOT percentile targets.
///
/// The replica is modelled as the simulator's vLLM V1 rule runs it: every running request decodes
/// one token per iteration, prompt tokens fill the rest of the token budget. At per-replica rate
/// x, the running requests n follow Little's law, n = x (TTFT + (Ō − 1) τ̄), the iteration times
/// come from the roofline, and the prompt backlog is the Markov chain of `IterationChain`:
/// - TPOT of a request with O outputs averages O − 1 iterations: its q-quantile over requests is
///   that of N(τ̄, σ² / (O − 1)) mixed over the workload's outputs, τ̄ evaluated at the batch's
///   q-quantile n + z_q √n (the running count is Poisson, as in an M/G/∞ system);
/// - TTFT: the rest of the iteration a request arrives in, the iterations that clear the prompt
///   backlog ahead of it, and its own (`IterationChain.ttftSamples`), mixed over prompt lengths;
/// - the batch cap and the KV cache bound n + z √n (beyond them requests queue without bound).
/// A prefill replica has no decodes and adds the KV transfer to TTFT; a decode replica has no
/// prefills (TPOT only).
/// ```
/// let model = CapacityModel(slo: slo, profile: WorkloadProfile(sample))
/// let capacity = model.capacity(of: pattern, networkBandwidth: 50e9)
/// print(capacity.single, capacity.binding)
/// ```
public struct CapacityModel: Sendable {
    public var slo: DeploySLO
    public var profile: WorkloadProfile
    /// KV blocks vLLM keeps free on admission (its watermark).
    public var watermark: Double

    public init(slo: DeploySLO, profile: WorkloadProfile, watermark: Double = 0.01) {
        self.slo = slo
        self.profile = profile
        self.watermark = watermark
    }

    /// z-score of the standard normal at `q`.
    static func z(_ q: Double) -> Double {
        // Acklam's rational approximation is overkill here; bisection on erf is exact enough.
        var low = -8.0, high = 8.0
        for _ in 0..<60 {
            let mid = (low + high) / 2
            if 0.5 * erfc(-mid / 2.squareRoot()) < q { low = mid } else { high = mid }
        }
        return (low + high) / 2
    }

    /// Seconds to move one mean prompt's KV cache from a prefill replica (0 for other roles).
    public func transferSeconds(_ pattern: ReplicaPattern, networkBandwidth: Double) -> Double {
        guard pattern.role == .prefill, networkBandwidth > 0 else { return 0 }
        return profile.meanPrompt * pattern.kvBytesPerToken / (networkBandwidth * Double(pattern.gpus))
    }

    /// The prediction for one replica of `pattern` at `rate` requests per second; nil when the
    /// replica cannot keep up (backlog or running requests without bound).
    public func predict(_ pattern: ReplicaPattern, rate x: Double, networkBandwidth: Double = 0) -> LoadPrediction? {
        guard x > 0 else { return nil }
        let zTPOT = Self.z(slo.tpotQuantile)
        let roofline = pattern.roofline
        let context = profile.meanDecodeContext
        let slots = min(Double(pattern.maxBatch), Double(pattern.kvCapacityTokens) * (1 - watermark) / max(1, context))
        func decodeOnly(_ streams: Double) -> Double {
            let n = max(1, Int(streams.rounded()))
            return roofline.iterationSeconds(BatchShape(decodeStreams: n, decodeContextTokens: Int(Double(n) * context)))
        }
        switch pattern.role {
        case .decode:
            var n = 1.0
            for _ in 0..<40 {
                let next = x * max(0, profile.meanOutput - 1) * decodeOnly(n)
                if abs(next - n) < 1e-3 { n = next; break }
                n = 0.5 * n + 0.5 * next
            }
            let high = n + zTPOT * n.squareRoot()
            guard high <= slots else { return nil }
            let tpot = decodeOnly(high)
            return LoadPrediction(rate: x, ttft: 0, tpot: tpot, runningRequests: n, meanIterationSeconds: decodeOnly(n))
        case .aggregated, .prefill:
            // Fixed point on the mean running count n; the chain runs at the batch's upper
            // quantile n + z √n, which is what a request's TPOT and TTFT see at the percentile.
            var n = 0.0
            var result: LoadPrediction?
            for _ in 0..<30 {
                let streams = pattern.role == .prefill ? 0 : n + zTPOT * n.squareRoot()
                guard streams <= slots,
                      let step = aggregatedStep(pattern, rate: x, streams: streams, networkBandwidth: networkBandwidth)
                else { return nil }
                let decoding = pattern.role == .prefill ? 0 : max(0, profile.meanOutput - 1) * step.chainMean
                let next = x * (step.meanTTFT + decoding)
                result = LoadPrediction(
                    rate: x, ttft: step.ttft, tpot: step.tpot, runningRequests: next, meanIterationSeconds: step.chainMean)
                if abs(next - n) < 1e-2 * max(1, n) { break }
                n = 0.5 * n + 0.5 * next
            }
            return result
        }
    }

    private struct Step {
        var ttft: Double
        var meanTTFT: Double
        var tpot: Double
        var chainMean: Double
    }

    /// One evaluation of the chain at `streams` decoding streams.
    private func aggregatedStep(_ pattern: ReplicaPattern, rate x: Double, streams: Double, networkBandwidth: Double) -> Step? {
        let n = max(0, Int(streams.rounded()))
        let context = Int(Double(n) * profile.meanDecodeContext)
        let budget = Double(pattern.chunkTokens - n)
        guard budget >= 1 else { return nil }
        let roofline = pattern.roofline
        let prompt = profile.meanPrompt
        let unit = min(prompt, budget)
        let chain = IterationChain(rate: x, meanPrompt: prompt, budget: budget) { units in
            var batch = BatchShape(decodeStreams: n, decodeContextTokens: context)
            if units > 0 {
                let tokens = Double(units) * unit
                // whole prompts when a unit is a prompt; chunks of one long prompt otherwise
                let chunks = unit >= prompt ? max(1, units) : 1
                let perChunk = Int((tokens / Double(chunks)).rounded())
                let cached = unit >= prompt ? 0 : Int(max(0, prompt - unit) / 2)
                for _ in 0..<chunks { batch.addPrefillChunk(tokens: perChunk, context: cached) }
            }
            return batch.isEmpty ? 0 : roofline.iterationSeconds(batch)
        }
        guard chain.overflow < 1e-4 else { return nil }
        var samples: [(seconds: Double, weight: Double)] = []
        for length in profile.promptQuantiles {
            let units = max(1, Int((Double(length) / chain.unit).rounded(.up)))
            samples += chain.ttftSamples(promptUnits: units, rate: x)
        }
        let transfer = profile.meanPrompt * pattern.kvBytesPerToken / max(1, networkBandwidth * Double(pattern.gpus))
        let extra = pattern.role == .prefill && networkBandwidth > 0 ? transfer : 0
        let ttft = weightedQuantile(samples, slo.ttftQuantile) + extra
        let total = samples.reduce(0) { $0 + $1.weight }
        let meanTTFT = (total > 0 ? samples.reduce(0) { $0 + $1.seconds * $1.weight } / total : 0) + extra
        var tpot = 0.0
        if pattern.role == .aggregated {
            tpot = tpotQuantile(mean: chain.meanSeconds, sd: chain.sdSeconds)
        }
        return Step(ttft: ttft, meanTTFT: meanTTFT, tpot: tpot, chainMean: chain.meanSeconds)
    }

    /// The q-quantile over requests of N(mean, sd² / (O − 1)), O from the workload's outputs.
    func tpotQuantile(mean: Double, sd: Double) -> Double {
        let outputs = profile.outputs.filter { $0 > 1 }
        guard !outputs.isEmpty, sd > 0 else { return mean }
        let q = slo.tpotQuantile
        func cdf(_ t: Double) -> Double {
            outputs.reduce(0.0) { total, o in
                let spread = sd / Double(o - 1).squareRoot()
                return total + 0.5 * erfc(-(t - mean) / (spread * 2.squareRoot()))
            } / Double(outputs.count)
        }
        var low = mean, high = mean + 8 * sd
        for _ in 0..<40 {
            let mid = (low + high) / 2
            if cdf(mid) < q { low = mid } else { high = mid }
        }
        return high
    }

    /// True when the prediction meets the pattern's share of the SLO.
    func meets(_ prediction: LoadPrediction, role: ServingRole) -> Bool {
        switch role {
        case .aggregated: return prediction.ttft <= slo.ttftSeconds && prediction.tpot <= slo.tpotSeconds
        case .prefill: return prediction.ttft <= slo.ttftSeconds
        case .decode: return prediction.tpot <= slo.tpotSeconds
        }
    }

    /// The SLO capacity of `pattern` (bisection on the rate to 0.2 %).
    public func capacity(of pattern: ReplicaPattern, networkBandwidth: Double = 0) -> PatternCapacity {
        let tiny = 1e-3
        guard let unloaded = predict(pattern, rate: tiny, networkBandwidth: networkBandwidth), meets(unloaded, role: pattern.role) else {
            return PatternCapacity(perReplica: [0], binding: "unloaded", atCapacity: nil)
        }
        var low = tiny, high = 1.0
        while high < 1e6, let p = predict(pattern, rate: high, networkBandwidth: networkBandwidth), meets(p, role: pattern.role) {
            low = high
            high *= 2
        }
        while high - low > 2e-3 * low {
            let mid = (low + high) / 2
            if let p = predict(pattern, rate: mid, networkBandwidth: networkBandwidth), meets(p, role: pattern.role) { low = mid } else { high = mid }
        }
        let at = predict(pattern, rate: low, networkBandwidth: networkBandwidth)
        return PatternCapacity(perReplica: [low], binding: binding(pattern, above: high, networkBandwidth: networkBandwidth), atCapacity: at)
    }

    /// What fails just above the capacity.
    private func binding(_ pattern: ReplicaPattern, above rate: Double, networkBandwidth: Double) -> String {
        guard let p = predict(pattern, rate: rate * 1.01, networkBandwidth: networkBandwidth) else {
            let context = profile.meanDecodeContext
            return Double(pattern.maxBatch) * context <= Double(pattern.kvCapacityTokens) ? "batch" : "kv"
        }
        if pattern.role != .decode, p.ttft > slo.ttftSeconds { return "ttft" }
        return "tpot"
    }
}
