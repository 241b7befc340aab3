import Planning
import ServingModel

/// Builds the MILP's columns: every model's replica patterns with their SLO capacity on that
/// model's workload (computed in parallel), keeping for each (model, GPU type, role, layout) the
/// engine limits with the highest capacity. Refuses, with the reason, a model that fits no GPU
/// in the fleet or whose SLO no layout meets even unloaded.
/// ```
/// let columns = try ColumnBuilder(problem: problem).columns()
/// ```
public struct ColumnBuilder: Sendable {
    public var problem: DeployProblem
    /// Capacities are multiplied by these per model (the verification loop's derating; 1 by default).
    public var derating: [Double]

    /// Requests in each model's length sample (what the capacity model averages over).
    public static let sampleSize = 2000

    public init(problem: DeployProblem, derating: [Double]? = nil) {
        self.problem = problem
        self.derating = derating ?? Array(repeating: 1, count: problem.models.count)
    }

    /// The capacity model of model `m`.
    public func capacityModel(model m: Int) -> CapacityModel {
        let demand = problem.models[m]
        return CapacityModel(slo: demand.slo, profile: WorkloadProfile(demand.workload.lengthSample(count: Self.sampleSize)))
    }

    /// Every pattern with its capacity (before pruning), model by model.
    public func evaluatedPatterns() -> [(pattern: ReplicaPattern, capacity: PatternCapacity)] {
        let enumerator = PatternEnumerator(problem: problem)
        let models = problem.models.indices.map { capacityModel(model: $0) }
        let patterns = problem.models.indices.flatMap { enumerator.patterns(model: $0) }
        let fleet = problem.fleet
        let capacities = parallelMap(patterns) { pattern in
            models[pattern.model].capacity(of: pattern, networkBandwidth: fleet[pattern.pool].networkBandwidth, upTo: 1)
        }
        return Array(zip(patterns, capacities))
    }

    /// The columns, pruned and derated, or bad input naming the model that cannot be served.
    /// Patterns whose key is in `keeping` (a current plan's groups) stay columns even when pruned.
    public func columns(keeping: Set<GroupKey> = []) throws(PlanningError) -> [PatternColumn] {
        let evaluated = evaluatedPatterns()
        try checkServable(evaluated)
        var best: [String: (pattern: ReplicaPattern, capacity: PatternCapacity)] = [:]
        for entry in evaluated where entry.capacity.single > 0 {
            let p = entry.pattern
            let layoutKey = "\(p.model)/\(p.pool)/\(p.role.rawValue)/\(p.layout.tensorParallel)/\(p.layout.pipelineParallel)"
            let column = PatternColumn(pattern: p, capacity: entry.capacity, costPerHour: nil)
            if keeping.contains(column.key) { best["\(layoutKey)/\(p.maxBatch)/\(p.chunkTokens)"] = entry }
            if let kept = best[layoutKey], kept.capacity.single >= entry.capacity.single { continue }
            best[layoutKey] = entry
        }
        var seen = Set<GroupKey>()
        let kept: [PatternColumn] = best.keys.sorted().compactMap { key in
            guard let entry = best[key] else { return nil }
            let column = PatternColumn(
                pattern: entry.pattern, capacity: entry.capacity,
                costPerHour: problem.cost(pool: entry.pattern.pool, gpus: entry.pattern.gpus))
            return seen.insert(column.key).inserted ? column : nil
        }
        // Pooling: each kept column's per-replica figure at the count that would carry its model's
        // whole demand on it alone (at most CapacityModel.pooledReplicas).
        let models = problem.models.indices.map { capacityModel(model: $0) }
        let fleet = problem.fleet
        let demands = problem.models.map(\.workload.arrivalRate)
        let derating = derating
        return parallelMap(kept) { column in
            var column = column
            let single = column.capacity.single
            let k = min(CapacityModel.pooledReplicas, max(1, Int((demands[column.pattern.model] / max(single, 1e-9)).rounded(.up))))
            let pooled = models[column.pattern.model].pooledCapacity(
                of: column.pattern, networkBandwidth: fleet[column.pattern.pool].networkBandwidth, replicas: k, single: single)
            column.pooledReplicas = k
            column.capacityPerReplica = pooled * derating[column.pattern.model]
            return column
        }
    }

    /// Bad input when a model has no pattern (fits no GPU) or no pattern meets its SLO unloaded.
    func checkServable(_ evaluated: [(pattern: ReplicaPattern, capacity: PatternCapacity)]) throws(PlanningError) {
        for (m, demand) in problem.models.enumerated() {
            let own = evaluated.filter { $0.pattern.model == m }
            if own.isEmpty {
                let types = problem.fleet.map { "\($0.gpu.name) (\($0.gpusPerNode) per node, \($0.count) in all)" }
                throw .badInput(
                    "models[\(m)] '\(demand.name)': fits no GPU in the fleet under vLLM's memory rule "
                        + "(\(Int((demand.model.parameterBytes / 1e9).rounded())) GB of weights; tried TP up to a node and PP up to "
                        + "\(problem.settings.pipelineParallel.max() ?? 1) on " + types.joined(separator: ", ") + ")")
            }
            guard !own.contains(where: { $0.capacity.single > 0 }) else { continue }
            let model = capacityModel(model: m)
            var bestTTFT: (Double, String) = (.infinity, "")
            var bestTPOT: (Double, String) = (.infinity, "")
            for entry in own {
                guard let unloaded = model.predict(entry.pattern, rate: 1e-3, networkBandwidth: problem.fleet[entry.pattern.pool].networkBandwidth)
                else { continue }
                let label = entry.pattern.label(gpuName: problem.fleet[entry.pattern.pool].gpu.name)
                if entry.pattern.role != .decode, unloaded.ttft < bestTTFT.0 { bestTTFT = (unloaded.ttft, label) }
                if entry.pattern.role != .prefill, unloaded.tpot < bestTPOT.0 { bestTPOT = (unloaded.tpot, label) }
            }
            let slo = demand.slo
            var reasons: [String] = []
            if bestTTFT.0 > slo.ttftSeconds {
                reasons.append(
                    "TTFT p\(percent(slo.ttftQuantile)) \(seconds(slo.ttftSeconds)) s is below the best unloaded "
                        + "\(seconds(bestTTFT.0)) s (\(bestTTFT.1))")
            }
            if bestTPOT.0 > slo.tpotSeconds {
                reasons.append(
                    "TPOT p\(percent(slo.tpotQuantile)) \(seconds(slo.tpotSeconds)) s is below the best unloaded "
                        + "\(seconds(bestTPOT.0)) s (\(bestTPOT.1))")
            }
            if reasons.isEmpty { reasons.append("no layout meets both targets at once, even unloaded") }
            throw .badInput("models[\(m)] '\(demand.name)'.slo: no layout meets it: " + reasons.joined(separator: "; "))
        }
    }

    private func percent(_ quantile: Double) -> String { String(format: "%g", quantile * 100) }
    private func seconds(_ value: Double) -> String { String(format: "%.4g", value) }
}
