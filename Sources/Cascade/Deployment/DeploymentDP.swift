/// The deployment problem solved exactly by dynamic programming over stages, as the research note
/// suggests: best[i][n] is the best objective of the first i stages on n GPUs, combined with stage
/// i's table entry by max (max-stage latency), sum (end-to-end latency) or min (throughput). Ties
/// are broken toward fewer GPU counts that differ from a previous plan, as the MILP's ε terms do,
/// then as `AllocationDP` breaks them (the same split). The threshold search calls it for every
/// candidate; the MILP solves the final one.
///
/// It is `AllocationDP` specialised to flat arrays (no closures or optionals in the inner loop),
/// and the last stage only fills N GPUs: O((C − 1) · N²) additions, about 0.5 M per solve at 1,024
/// GPUs for three models.
/// ```
/// let best = DeploymentDP.solve(tables: tables, weights: reach, totalGPUs: 32, objective: .maxStageLatency)
/// ```
public enum DeploymentDP {
    /// The optimum over `tables` for `totalGPUs`, or nil when no allocation serves every stage.
    public static func solve(
        tables: [StageTable], weights: [Double], totalGPUs: Int, objective: DeploymentObjective, previous: [Int]? = nil
    ) -> DeploymentMILP.Solution? {
        let n = totalGPUs
        guard n >= 0 else { return nil }
        let maximise = objective == .throughput
        let start: Double = maximise ? .infinity : 0
        // The best (value, changes) of the stages so far per GPU count; `reached` marks the counts
        // some split of them fills.
        var value = [Double](repeating: start, count: n + 1)
        var changes = [Int](repeating: 0, count: n + 1)
        var reached = [Bool](repeating: false, count: n + 1)
        reached[0] = true
        var choices: [[Int]] = []
        for (stage, table) in tables.enumerated() {
            // Stage `stage` at f GPUs: served or not, its term in the objective, a change or not.
            let served = (0...n).map { table.serves($0) }
            let term = (0...n).map { f -> Double in
                switch objective {
                case .maxStageLatency: return table.values[f]
                case .endToEndLatency: return weights[stage] * table.values[f]
                case .throughput: return weights[stage] > 0 ? table.values[f] / weights[stage] : .infinity
                }
            }
            let changed = (0...n).map { f in previous.map { $0[stage] != f ? 1 : 0 } ?? 0 }
            let rateless = objective == .throughput && !(weights[stage] > 0)
            var nextValue = [Double](repeating: start, count: n + 1)
            var nextChanges = [Int](repeating: 0, count: n + 1)
            var nextReached = [Bool](repeating: false, count: n + 1)
            var choice = [Int](repeating: -1, count: n + 1)
            let last = stage == tables.count - 1
            for used in 0...n where reached[used] {
                let sofar = value[used], sofarChanges = changes[used]
                for f in (last ? n - used : 0)...(n - used) where served[f] {
                    let candidate: Double
                    switch objective {
                    case .maxStageLatency: candidate = max(sofar, term[f])
                    case .endToEndLatency: candidate = sofar + term[f]
                    case .throughput: candidate = rateless ? sofar : min(sofar, term[f])
                    }
                    let candidateChanges = sofarChanges + changed[f]
                    let total = used + f
                    if nextReached[total] {
                        let current = nextValue[total]
                        let better = candidate != current
                            ? (maximise ? candidate > current : candidate < current)
                            : candidateChanges < nextChanges[total]
                        if !better { continue }
                    }
                    nextValue[total] = candidate
                    nextChanges[total] = candidateChanges
                    nextReached[total] = true
                    choice[total] = f
                }
            }
            value = nextValue
            changes = nextChanges
            reached = nextReached
            choices.append(choice)
        }
        guard reached[n], value[n].isFinite || maximise else { return nil }
        var gpus = [Int](repeating: 0, count: tables.count)
        var remaining = n
        for stage in tables.indices.reversed() {
            gpus[stage] = choices[stage][remaining]
            remaining -= gpus[stage]
        }
        return DeploymentMILP.Solution(gpus: gpus, objective: value[n])
    }
}
