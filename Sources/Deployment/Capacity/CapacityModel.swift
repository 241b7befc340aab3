import Foundation
import ServingModel

/// The SLO capacity of a replica pattern on a model's workload: the highest Poisson arrival rate
/// at which one replica (or each of k sharing the traffic) meets the model's TTFT and TPOT
/// percentile targets.
///
/// The replica is modelled as the simulator's vLLM V1 rule runs it: every running request decodes
/// one token per iteration, prompt tokens fill the rest of the token budget. At per-replica rate
/// x the running requests n follow Little's law, n = x (TTFT + (Ō − 1) τ̄) (a fixed point, at
/// most `fixedPointSteps` steps), the iteration times come from the roofline, and the prompt
/// backlog is the Markov chain of `IterationChain` (its stationary law solved directly):
/// - TPOT: a decoding request sees itself and Poisson(n) others (M/G/∞); the chain runs with
///   1 + n + z √n streams, the others at the TPOT percentile (counting the request itself is what
///   makes a lone request's TPOT one decode iteration rather than none). A request's TPOT
///   averages its Ō − 1 iterations: its q-quantile is that of N(τ̄, σ² / (O − 1)) mixed over the
///   workload's output lengths;
/// - TTFT: the rest of the iteration a request arrives in, the iterations that clear the prompt
///   backlog ahead of it, and its own (`IterationChain.ttftSamples`), mixed over prompt lengths,
///   plus the wait for a batch slot: M/G/c with c the slots (the cap, or the KV cache over the
///   mean context), Erlang C for the chance to wait, an exponential tail scaled by Kingman's
///   2 / (1 + cv²) of the output lengths;
/// - a prefill replica has no decodes and adds the KV transfer (`transferSeconds`) to TTFT; a
///   decode replica has no prefills and puts its slot wait into TPOT (spread over Ō − 1 tokens).
/// Reading the batch at its percentile and the iteration noise at its own is deliberately
/// conservative: against the simulator's SLO capacity over 2 seeds × 4000 requests (the planner's
/// default) it lands within −1 % … +3.4 % on the agreement grid; shorter runs (1000 requests)
/// measure 3–6 % higher capacities because they rarely see the TPOT excursions near capacity.
///
/// Pooling (`PatternCapacity.perReplica[k − 1]`, k = 1 … `pooledReplicas`). Measured in the
/// simulator (2 seeds × 4000 requests, least-outstanding routing), k replicas carry more than
/// k × one replica's capacity: per replica +3–5 %, +6–10 %, +8–20 % at k = 2, 4, 8 (llama-3.1-8b
/// H100 TP1 batch 256: 15.5, 16.3, 16.7, 17.0 req/s; batch 64: 14.2, 15.0, 15.4, 15.6; TP4:
/// 53.2, 54.8, 58.6, 64.0). The router keeps the replicas' counts even, which narrows the batch
/// a request sees at the percentile, and a request waits for the first free slot of any replica.
/// The model takes exactly those two effects: the batch's spread z √n becomes z √(n / k), and the
/// slot wait is Erlang C over k·c slots at k·x. That recovers most of the gain (per replica +3–6 %
/// at k = 8), keeps `perReplica` increasing in k (total capacity convex in the replica count, as
/// the MILP's piecewise form expects) and errs low: 0 to −5 % against the simulator at k = 2 … 8,
/// −14 % for an 8 × TP4 group. No fitted factor makes up the rest; the plan's verification does.
/// ```
/// let model = CapacityModel(slo: slo, profile: WorkloadProfile(sample))
/// let capacity = model.capacity(of: pattern, networkBandwidth: 50e9)
/// print(capacity.single, capacity.total(replicas: 8), capacity.binding)
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

    /// The prediction for one replica of `pattern` at `rate` requests per second when `replicas`
    /// identical replicas behind the least-outstanding router share the traffic (`rate` is each
    /// one's share; see the pooling note on the type); nil when the replica cannot keep up
    /// (backlog or running requests without bound).
    public func predict(_ pattern: ReplicaPattern, rate x: Double, networkBandwidth: Double = 0, replicas k: Int = 1) -> LoadPrediction? {
        predict(pattern, rate: x, networkBandwidth: networkBandwidth, replicas: k, running: nil)
    }

    /// `predict`, its fixed point started from `running` requests (a nearby rate's answer) when given.
    func predict(_ pattern: ReplicaPattern, rate x: Double, networkBandwidth: Double, replicas k: Int, running: Double?) -> LoadPrediction? {
        guard x > 0 else { return nil }
        let pooled = Double(max(1, k))
        let zTPOT = Self.z(slo.tpotQuantile)
        let roofline = pattern.roofline
        let context = profile.meanDecodeContext
        let slots = min(Double(pattern.maxBatch), Double(pattern.kvCapacityTokens) * (1 - watermark) / max(1, context))
        func decodeOnly(_ streams: Double) -> Double {
            let n = max(1, Self.wholeStreams(streams))
            return roofline.iterationSeconds(
                BatchShape(decodeStreams: n, decodeContextTokens: Int(min(Double(n) * context, Self.maximumTokens))))
        }
        // A request decoding sees itself and the others in the batch: 1 + Poisson(n) (Palm; the
        // request itself is what makes a lone request's TPOT one decode iteration, not zero). Its
        // TPOT is read with the others at their TPOT-quantile count n + z √(n / k): k replicas
        // behind the least-outstanding router keep their counts even, so the spread shrinks by √k.
        func seen(_ n: Double) -> Double { 1 + n + zTPOT * (n / pooled).squareRoot() }
        switch pattern.role {
        case .decode:
            // n = x (Ō − 1) T(n): the map is increasing and concave in n, so iterating from the
            // lone-request point converges monotonically.
            var n = running ?? x * max(0, profile.meanOutput - 1) * decodeOnly(1)
            for _ in 0..<Self.fixedPointSteps {
                let next = x * max(0, profile.meanOutput - 1) * decodeOnly(min(1 + n, slots))
                guard next < slots else { return nil }
                if abs(next - n) < 1e-3 * max(1, n) { n = next; break }
                n = next
            }
            // Caches arriving at a full batch wait for a slot; the wait stretches the request's
            // decode, so it counts in its TPOT over its Ō − 1 tokens.
            guard let wait = slotWait(rate: x * pooled, running: n * pooled, slots: slots * pooled, quantile: slo.tpotQuantile)
            else { return nil }
            let tpot = decodeOnly(min(seen(n), slots)) + wait / max(1, profile.meanOutput - 1)
            return LoadPrediction(rate: x, ttft: 0, tpot: tpot, runningRequests: n, meanIterationSeconds: decodeOnly(n))
        case .aggregated, .prefill:
            // Fixed point on the mean running count n; the chain runs with the 1 + n streams a
            // decoding request sees (none on a prefill replica).
            var n = pattern.role == .prefill ? 0 : running ?? x * max(0, profile.meanOutput - 1) * decodeOnly(1)
            var settled: (step: Step, running: Double, wait: Double)?
            for _ in 0..<Self.fixedPointSteps {
                let streams = pattern.role == .prefill ? 0 : min(seen(n), slots)
                guard let step = aggregatedStep(pattern, rate: x, streams: streams, pooled: pooled, networkBandwidth: networkBandwidth)
                else { return nil }
                let decoding = pattern.role == .prefill ? 0 : max(0, profile.meanOutput - 1) * step.chainMean
                let next = x * (step.meanTTFT + decoding)
                // Requests beyond the batch cap wait for a slot: M/G/c with c = the slots.
                var wait = 0.0
                if pattern.role == .aggregated {
                    guard let waiting = slotWait(
                        rate: x * pooled, running: next * pooled, slots: slots * pooled, quantile: slo.ttftQuantile)
                    else { return nil }
                    wait = waiting
                }
                settled = (step, next, wait)
                if pattern.role == .prefill || abs(next - n) < 5e-3 * max(1, n) { break }
                n = next
            }
            guard let settled else { return nil }
            let step = settled.step
            let ttft = weightedQuantile(step.samples, slo.ttftQuantile) + step.transfer + settled.wait
            let tpot = pattern.role == .aggregated
                ? tpotQuantile(mean: step.chainMean, sd: step.chainSD) : 0
            return LoadPrediction(
                rate: x, ttft: ttft, tpot: tpot, runningRequests: settled.running, meanIterationSeconds: step.chainMean)
        }
    }

    /// The `quantile` wait for one of `slots` batch slots when `running` requests hold one on
    /// average at `rate` arrivals per second (each for running / rate seconds): Erlang C for the
    /// chance to wait, an exponential tail at rate (c − a) / S, scaled by 2 / (1 + cv²) of the
    /// output lengths (Kingman: deterministic service halves the M/M/c waits). nil when a ≥ c.
    func slotWait(rate x: Double, running a: Double, slots: Double, quantile: Double) -> Double? {
        let c = max(1, Int(slots.rounded(.down)))
        // Erlang B's recursion, stable for any c.
        guard a < Double(c) else { return nil }
        guard a > 0 else { return 0 }
        var blocking = 1.0
        for k in 1...c { blocking = a * blocking / (Double(k) + a * blocking) }
        let waits = blocking / (1 - a / Double(c) * (1 - blocking))
        let tail = 1 - quantile
        guard waits > tail else { return 0 }
        let service = a / x
        let decay = (Double(c) - a) / service * 2 / (1 + profile.outputVariation)
        return log(waits / tail) / decay
    }

    /// Most fixed-point steps on the running count.
    static let fixedPointSteps = 12

    /// One chain evaluation: the TTFT samples (their quantile is read once the fixed point has
    /// settled), the KV transfer, the mean TTFT and the iteration-time mean and spread.
    private struct Step {
        var samples: [(seconds: Double, weight: Double)]
        var transfer: Double
        var meanTTFT: Double
        var chainMean: Double
        var chainSD: Double
    }

    /// One evaluation of the chain at `streams` decoding streams.
    private func aggregatedStep(
        _ pattern: ReplicaPattern, rate x: Double, streams: Double, pooled: Double, networkBandwidth: Double
    ) -> Step? {
        let n = Self.wholeStreams(streams)
        let context = Int(min(Double(n) * profile.meanDecodeContext, Self.maximumTokens))
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
        var unitCounts: [Int: Int] = [:]
        for length in profile.promptQuantiles {
            unitCounts[max(1, Int((Double(length) / chain.unit).rounded(.up))), default: 0] += 1
        }
        for (units, count) in unitCounts.sorted(by: { $0.key < $1.key }) {
            for sample in chain.ttftSamples(promptUnits: units, rate: x) {
                samples.append((sample.seconds, sample.weight * Double(count)))
            }
        }
        let transfer = profile.meanPrompt * pattern.kvBytesPerToken / max(1, networkBandwidth * Double(pattern.gpus))
        let extra = pattern.role == .prefill && networkBandwidth > 0 ? transfer : 0
        let total = samples.reduce(0) { $0 + $1.weight }
        let meanTTFT = (total > 0 ? samples.reduce(0) { $0 + $1.seconds * $1.weight } / total : 0) + extra
        return Step(
            samples: samples, transfer: extra, meanTTFT: meanTTFT, chainMean: chain.meanSeconds,
            chainSD: chain.sdSeconds / pooled.squareRoot())
    }

    /// The q-quantile over requests of N(mean, sd² / (O − 1)), O from the workload's outputs.
    func tpotQuantile(mean: Double, sd: Double) -> Double {
        let lengths = profile.decodeLengths
        guard !lengths.isEmpty, sd > 0 else { return mean }
        let q = slo.tpotQuantile
        func cdf(_ t: Double) -> Double {
            lengths.reduce(0.0) { total, entry in
                let spread = sd / Double(entry.length - 1).squareRoot()
                return total + entry.weight * 0.5 * erfc(-(t - mean) / (spread * 2.squareRoot()))
            }
        }
        var low = mean, high = mean + 8 * sd
        for _ in 0..<30 {
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

    /// Most replicas whose pooling `capacity(of:)` models (`PatternCapacity.perReplica`).
    public static let pooledReplicas = 8
    /// Most streams and context tokens a prediction converts to whole numbers (far beyond any
    /// batch; a fixed point that runs past them is overloaded anyway, and the cap keeps the
    /// conversion from trapping).
    static let maximumStreams = 1e7
    static let maximumTokens = 1e15

    /// `streams` as a whole, non-negative count, capped at `maximumStreams` (NaN counts as the cap).
    static func wholeStreams(_ streams: Double) -> Int {
        guard streams.isFinite else { return Int(maximumStreams) }
        return Int(min(max(0, streams), maximumStreams).rounded())
    }

    /// The SLO capacity of `pattern`, per replica for 1 … `pooledReplicas` replicas sharing the
    /// traffic: bisection on the rate to 0.2 % below the replica's throughput bound
    /// (`saturation`), which brackets it; each k starts from the k − 1 figure (pooling never
    /// lowers a replica's share).
    public func capacity(of pattern: ReplicaPattern, networkBandwidth: Double = 0) -> PatternCapacity {
        capacity(of: pattern, networkBandwidth: networkBandwidth, upTo: Self.pooledReplicas)
    }

    /// `capacity(of:networkBandwidth:)` with pooled figures for k = 1 … `upTo` only (1: one
    /// replica's capacity, the cheapest evaluation; what the search ranks patterns by).
    public func capacity(of pattern: ReplicaPattern, networkBandwidth: Double = 0, upTo: Int) -> PatternCapacity {
        let ceiling = saturation(pattern)
        var perReplica: [Double] = []
        var floor = ceiling * 1e-4
        for k in 1...max(1, min(upTo, Self.pooledReplicas)) {
            let single = capacity(of: pattern, networkBandwidth: networkBandwidth, replicas: k, from: floor, ceiling: ceiling)
            guard single > 0 else { break }
            perReplica.append(single)
            floor = single
        }
        guard let single = perReplica.first else {
            return PatternCapacity(perReplica: [0], binding: "unloaded", atCapacity: nil)
        }
        let at = predict(pattern, rate: single, networkBandwidth: networkBandwidth)
        return PatternCapacity(
            perReplica: perReplica, binding: binding(pattern, above: single * 1.002, networkBandwidth: networkBandwidth), atCapacity: at)
    }

    /// One replica's share at capacity when `k` replicas share the traffic, searched upwards from
    /// `single` (one replica's capacity; pooling only adds); 0 when `single` is 0.
    public func pooledCapacity(of pattern: ReplicaPattern, networkBandwidth: Double = 0, replicas k: Int, single: Double) -> Double {
        guard k > 1, single > 0 else { return single }
        return max(single, capacity(
            of: pattern, networkBandwidth: networkBandwidth, replicas: min(k, Self.pooledReplicas), from: single,
            ceiling: saturation(pattern)))
    }

    /// One replica's share at capacity when `k` share the traffic, searched in [from, ceiling];
    /// 0 when even `from` misses the SLO.
    private func capacity(of pattern: ReplicaPattern, networkBandwidth: Double, replicas k: Int, from: Double, ceiling: Double) -> Double {
        // Each fixed point starts from the last answer's running count, scaled to the new rate.
        var last: LoadPrediction?
        func meets(_ rate: Double) -> Bool {
            let start = last.map { $0.runningRequests * rate / $0.rate }
            guard let prediction = predict(pattern, rate: rate, networkBandwidth: networkBandwidth, replicas: k, running: start)
            else { return false }
            last = prediction
            return self.meets(prediction, role: pattern.role)
        }
        guard ceiling > 0, from > 0, meets(from) else { return 0 }
        var low = from, high = ceiling
        var probe = from * 1.02
        // Pooling adds a few per cent: upwards from the k − 1 figure by 2 % steps.
        if probe < ceiling, k > 1 {
            while probe < ceiling, meets(probe) { low = probe; probe *= 1.02 }
            high = min(ceiling, probe)
        } else {
            probe = ceiling / 2
            while probe > low {
                if meets(probe) { low = probe; break }
                high = probe
                probe /= 2
            }
        }
        while high - low > Self.tolerance * low {
            let mid = (low + high) / 2
            if meets(mid) { low = mid } else { high = mid }
        }
        return low
    }

    /// Relative width at which the capacity bisection stops.
    static let tolerance = 2e-3

    /// Requests per second the replica could not exceed even without an SLO: its batch of decodes
    /// at the cap (or the KV bound) for Ō − 1 iterations each, and its prompt tokens at a full
    /// token budget per iteration.
    func saturation(_ pattern: ReplicaPattern) -> Double {
        let roofline = pattern.roofline
        let context = profile.meanDecodeContext
        let slots = max(1, Int(min(Double(pattern.maxBatch), Double(pattern.kvCapacityTokens) * (1 - watermark) / max(1, context))))
        var bound = Double.infinity
        if pattern.role != .prefill, profile.meanOutput > 1 {
            let iteration = roofline.iterationSeconds(BatchShape(decodeStreams: slots, decodeContextTokens: Int(Double(slots) * context)))
            bound = min(bound, Double(slots) / ((profile.meanOutput - 1) * iteration))
        }
        if pattern.role != .decode {
            let chunk = max(1, min(pattern.chunkTokens, Int(profile.meanPrompt.rounded(.up))))
            var batch = BatchShape()
            batch.addPrefillChunk(tokens: chunk, context: 0)
            let perToken = roofline.iterationSeconds(batch) / Double(chunk)
            bound = min(bound, 1 / (profile.meanPrompt * perToken))
        }
        return bound.isFinite ? bound * 1.05 : 0
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
