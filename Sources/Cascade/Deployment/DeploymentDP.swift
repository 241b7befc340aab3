/// The deployment problem solved exactly by dynamic programming over stages, as the research note
/// suggests: best[i][n] is the best objective of the first i stages on n GPUs, combined with stage
/// i's table entry by max (max-stage latency), sum (end-to-end latency) or min (throughput). Ties
/// are broken toward fewer GPU counts that differ from a previous plan, as the MILP's ε terms do,
/// then as `AllocationDP` breaks them (the same split). The threshold search calls it for every
/// candidate; the MILP solves the final one.
///
/// It is `AllocationDP` specialised to flat arrays (no closures or optionals in the inner loop;
/// throughput's min of rates runs as a max of negated rates, which is exact), and the last stage
/// only fills N GPUs: O((C − 1) · N²) steps, about 0.5 M per solve at 1,024 GPUs for three models.
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
        let sum = objective == .endToEndLatency, negated = objective == .throughput
        // Lowest (value, changes) of the stages so far per GPU count, lower being better (throughput
        // negated); +∞ marks a count no split of them fills (no reached value is +∞: latencies that
        // serve are finite, negated rates and the negated start are at most 0 or −∞).
        var value = [Double](repeating: .infinity, count: n + 1)
        var changes = [Int](repeating: 0, count: n + 1)
        value[0] = negated ? -.infinity : 0
        var choices: [[Int]] = []
        for (stage, table) in tables.enumerated() {
            // The stage's counts that serve (ascending; the last stage's only if it fills N GPUs), its
            // term per count, a change or not.
            let last = stage == tables.count - 1
            let served = (0...n).map { table.serves($0) }
            let term = (0...n).map { f -> Double in
                switch objective {
                case .maxStageLatency: return table.values[f]
                case .endToEndLatency: return weights[stage] * table.values[f]
                case .throughput: return weights[stage] > 0 ? -(table.values[f] / weights[stage]) : -.infinity
                }
            }
            let changed = (0...n).map { f in previous.map { $0[stage] != f ? 1 : 0 } ?? 0 }
            var nextValue = [Double](repeating: .infinity, count: n + 1)
            var nextChanges = [Int](repeating: 0, count: n + 1)
            var choice = [Int](repeating: -1, count: n + 1)
            let all = (0...n).filter { served[$0] }
            for used in 0...n where value[used] < .infinity {
                let sofar = value[used], sofarChanges = changes[used], room = n - used
                for f in last ? (served[room] ? [room] : []) : all {
                    if f > room { break }
                    let candidate = sum ? sofar + term[f] : max(sofar, term[f])
                    let candidateChanges = sofarChanges + changed[f]
                    let total = used + f
                    let current = nextValue[total]
                    if candidate > current || (candidate == current && candidateChanges >= nextChanges[total]) { continue }
                    nextValue[total] = candidate
                    nextChanges[total] = candidateChanges
                    choice[total] = f
                }
            }
            value = nextValue
            changes = nextChanges
            choices.append(choice)
        }
        guard value[n] < .infinity else { return nil }
        var gpus = [Int](repeating: 0, count: tables.count)
        var remaining = n
        for stage in tables.indices.reversed() {
            gpus[stage] = choices[stage][remaining]
            remaining -= gpus[stage]
        }
        return DeploymentMILP.Solution(gpus: gpus, objective: negated ? -value[n] : value[n])
    }
}
