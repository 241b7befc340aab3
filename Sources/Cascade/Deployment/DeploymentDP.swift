/// The deployment problem solved exactly by dynamic programming over stages (O(C · N²)), as the
/// research note suggests: best[i][n] is the best objective of the first i stages on n GPUs,
/// combined with stage i's table entry by max (max-stage latency), sum (end-to-end latency) or min
/// (throughput). Ties are broken toward fewer GPU counts that differ from a previous plan, as the
/// MILP's ε terms do. The threshold search calls it for every candidate; the MILP solves the final one.
public enum DeploymentDP {
    /// The optimum over `tables` for `totalGPUs`, or nil when no allocation serves every stage.
    public static func solve(
        tables: [StageTable], weights: [Double], totalGPUs: Int, objective: DeploymentObjective, previous: [Int]? = nil
    ) -> DeploymentMILP.Solution? {
        let n = totalGPUs
        let maximise = objective == .throughput
        // (objective, changes from the previous plan); nil = unreachable.
        typealias Entry = (value: Double, changes: Int)
        func better(_ a: Entry, _ b: Entry?) -> Bool {
            guard let b else { return true }
            if a.value != b.value { return maximise ? a.value > b.value : a.value < b.value }
            return a.changes < b.changes
        }
        func combine(_ sofar: Double, _ stage: Int, _ f: Int) -> Double {
            let value = tables[stage].values[f]
            switch objective {
            case .maxStageLatency: return max(sofar, value)
            case .endToEndLatency: return sofar + weights[stage] * value
            case .throughput: return weights[stage] > 0 ? min(sofar, value / weights[stage]) : sofar
            }
        }
        let start: Double = maximise ? .infinity : 0
        var best: [Entry?] = (0...n).map { $0 == 0 ? (start, 0) : nil }
        var choices: [[Int]] = []
        for stage in tables.indices {
            var next = [Entry?](repeating: nil, count: n + 1)
            var choice = [Int](repeating: -1, count: n + 1)
            for used in 0...n {
                guard let sofar = best[used] else { continue }
                for f in 0...(n - used) where tables[stage].serves(f) {
                    let entry = (combine(sofar.value, stage, f), sofar.changes + (previous.map { $0[stage] != f ? 1 : 0 } ?? 0))
                    if better(entry, next[used + f]) {
                        next[used + f] = entry
                        choice[used + f] = f
                    }
                }
            }
            best = next
            choices.append(choice)
        }
        guard let final = best[n], final.value.isFinite || maximise else { return nil }
        var gpus = [Int](repeating: 0, count: tables.count)
        var remaining = n
        for stage in tables.indices.reversed() {
            gpus[stage] = choices[stage][remaining]
            remaining -= gpus[stage]
        }
        return DeploymentMILP.Solution(gpus: gpus, objective: final.value)
    }
}
