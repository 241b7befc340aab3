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
        // (objective, changes from the previous plan).
        typealias Entry = (value: Double, changes: Int)
        func better(_ a: Entry, _ b: Entry) -> Bool {
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
        let found = AllocationDP.best(
            stages: tables.count, totalGPUs: n, start: (value: start, changes: 0),
            extend: { sofar, stage, f -> Entry? in
                guard tables[stage].serves(f) else { return nil }
                return (combine(sofar.value, stage, f), sofar.changes + (previous.map { $0[stage] != f ? 1 : 0 } ?? 0))
            },
            isBetter: better)
        guard let (gpus, final) = found, final.value.isFinite || maximise else { return nil }
        return DeploymentMILP.Solution(gpus: gpus, objective: final.value)
    }
}
