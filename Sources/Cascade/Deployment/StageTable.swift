import ServingModel

/// The layout chosen for a stage: `replicas` data-parallel copies of one TP × PP layout.
public struct StageLayout: Sendable, Hashable {
    /// TP and PP of every replica.
    public var layout: ParallelLayout
    /// Data-parallel replicas.
    public var replicas: Int

    /// `replicas` copies of `layout`.
    public init(layout: ParallelLayout, replicas: Int) {
        self.layout = layout
        self.replicas = replicas
    }

    /// GPUs the replicas occupy (the stage's other GPUs, if any, stay idle).
    public var gpus: Int { layout.gpuCount * replicas }
}

/// The deployment level's per-stage table: for every GPU count f = 0…N the best homogeneous layout
/// (DP replicas of one TP × PP layout, at most f GPUs) and its value — the estimated p95 latency
/// l_i(f), or the highest stage arrival rate that keeps the p95 within a budget.
///
/// A stage's replicas all share one layout: that keeps the search linear in N per layout (the
/// paper lets replicas differ). Rates split evenly over replicas, as least-outstanding routing does.
public struct StageTable: Sendable {
    /// What the table's values are.
    public enum Metric: Sendable, Hashable {
        /// Estimated p95 latency (seconds) at the stage's arrival rate: lower is better.
        case p95Latency
        /// Highest stage arrival rate (requests per second) with p95 within the budget: higher is better.
        case maxRate(budget: Double)
    }

    /// The value per GPU count (index f); `.infinity` latency or 0 rate where nothing fits or serves.
    public var values: [Double]
    /// The best layout per GPU count, nil where nothing fits, at f = 0, and everywhere for a stage without traffic.
    public var layouts: [StageLayout?]
    /// The metric of `values`.
    public var metric: Metric

    /// Builds the table for a stage of `model` receiving `workload`, on up to `gpus` GPUs.
    /// - Parameter preferred: the layout (TP × PP) of a previous plan: a layout within 0.5 % of the
    ///   best value wins ties for it, so re-planning changes replicas only for a real gain.
    public init(
        options: [ReplicaOption], workload: StageWorkload, gpus: Int, engine: CascadeEngine, metric: Metric,
        preferred: ParallelLayout? = nil
    ) {
        self.metric = metric
        let lowerIsBetter = metric == .p95Latency
        let worst = lowerIsBetter ? Double.infinity : 0
        values = [Double](repeating: worst, count: gpus + 1)
        layouts = [StageLayout?](repeating: nil, count: gpus + 1)
        // A stage no request reaches is served by no GPUs, and only by none: GPUs it held would
        // idle while the stages with traffic could use them.
        if workload.arrivalRate == 0 {
            values[0] = lowerIsBetter ? 0 : .infinity
            return
        }
        // Per-replica figures: latency at rate λ / dp, or the max per-replica rate (dp scales it).
        var perReplicaRate: [Double] = []
        if case let .maxRate(budget) = metric {
            perReplicaRate = options.map { LatencyEstimator.maxRate(option: $0, workload: workload, budget: budget, engine: engine) }
        }
        var latencyCache: [[Double]] = options.map { [Double](repeating: -1, count: gpus / $0.gpus + 1) }
        for f in 1...max(1, gpus) where f <= gpus {
            var best = worst
            var bestLayout: StageLayout?
            var preferredCandidate: (Double, StageLayout)?
            for (index, option) in options.enumerated() where option.gpus <= f {
                let dp = f / option.gpus
                let value: Double
                if lowerIsBetter {
                    if latencyCache[index][dp] < 0 {
                        latencyCache[index][dp] = LatencyEstimator.p95(
                            option: option, workload: workload, rate: workload.arrivalRate / Double(dp), engine: engine)
                    }
                    value = latencyCache[index][dp]
                } else {
                    value = perReplicaRate[index] * Double(dp)
                }
                let candidate = StageLayout(layout: option.layout, replicas: dp)
                if option.layout == preferred { preferredCandidate = (value, candidate) }
                if bestLayout == nil || (lowerIsBetter ? value < best : value > best) {
                    best = value
                    bestLayout = candidate
                }
            }
            if let (value, candidate) = preferredCandidate, value.isFinite, best.isFinite,
               lowerIsBetter ? value <= best * 1.005 : value >= best * 0.995 {
                best = value
                bestLayout = candidate
            }
            values[f] = best
            layouts[f] = bestLayout
        }
    }

    /// True when `value` is strictly better than `other` under the table's metric.
    func isBetter(_ value: Double, than other: Double) -> Bool {
        metric == .p95Latency ? value < other : value > other
    }

    /// The only counts an optimal split needs when extra GPUs never hurt the stage, or nil when
    /// they may: `[0]` for a table that serves only 0 GPUs (a stage without traffic), else the
    /// smallest serving count m followed by every count whose value is strictly better than the
    /// count below it — provided every count from m to N serves and no count is worse than the
    /// count below it (`spare` is then true: the stage can take idle GPUs without losing value).
    /// Every count f ≥ m has the value of the largest of these counts at or below f.
    ///
    /// ```
    /// if let (counts, spare) = table.improvingCounts() { print(counts, spare) }
    /// ```
    public func improvingCounts() -> (counts: [Int], spare: Bool)? {
        guard let least = values.indices.first(where: serves) else { return nil }
        if least == 0 && !values.indices.dropFirst().contains(where: serves) { return ([0], false) }
        var counts = [least]
        for f in values.indices.dropFirst(least + 1) {
            guard serves(f), !isBetter(values[f - 1], than: values[f]) else { return nil }
            if isBetter(values[f], than: values[f - 1]) { counts.append(f) }
        }
        return (counts, true)
    }

    /// True when `f` GPUs can serve the stage (a layout fits and the value is usable).
    public func serves(_ f: Int) -> Bool {
        switch metric {
        case .p95Latency: return values[f].isFinite && (layouts[f] != nil || f == 0)
        case .maxRate: return values[f] > 0 && (layouts[f] != nil || f == 0)
        }
    }
}
