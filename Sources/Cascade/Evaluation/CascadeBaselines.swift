import ServingModel

/// The plan as a simulatable cascade, and the baselines it is compared with (Cascadia §5).
///
/// - `single-model`: the smallest model whose quality alone meets q_min (the largest if none
///   does), with the best layout on all N GPUs for the whole workload.
/// - `uniform-gpus`: the plan's thresholds, N / C GPUs per stage with traffic (the remainder to the last
///   stages), best layout per stage.
/// - `uniform-layout`: the plan's thresholds and GPU counts, but one layout rule for every stage
///   instead of a choice per workload: the model's smallest fitting layout, as many replicas as fit.
/// - `proportional-gpus`: the plan's thresholds, GPUs split in proportion to each stage's load —
///   reach × mean output tokens × GPU-seconds per token of the model's smallest layout at a full
///   batch — at least each model's smallest layout, best layout per stage.
///
/// Stages the plan's thresholds send no traffic get no GPUs in any of them.
public enum CascadeBaselines {
    /// The plan as a cascade named `cascadia`. Stages the plan gives no GPUs receive no requests
    /// (their reach is 0, and so is every later stage's); they are left out with their thresholds.
    public static func cascade(of plan: CascadePlan, planner: CascadePlanner) -> CascadeConfiguration {
        let stages = plan.stages.enumerated().prefix { $0.element.layout != nil }.map { i, stage in
            CascadeStage(model: planner.problem.models[i], sampleColumn: i, layout: stage.layout!, gpus: stage.gpus)
        }
        return CascadeConfiguration(name: "cascadia", stages: stages, thresholds: Array(plan.thresholds.prefix(stages.count - 1)))
    }

    /// Every baseline that can be deployed, with a reason for each that cannot.
    public static func all(plan: CascadePlan, planner: CascadePlanner) -> (baselines: [CascadeConfiguration], skipped: [String: String]) {
        var baselines: [CascadeConfiguration] = [singleModel(planner: planner)]
        var skipped: [String: String] = [:]
        let outcome = planner.problem.samples.replay(plan.thresholds)
        let n = planner.problem.totalGPUs
        // Stages without traffic get no GPUs; the others share N evenly.
        let c = outcome.reachFraction.filter { $0 > 0 }.count
        let even = planner.problem.models.indices.map { $0 < c ? n / c + ($0 >= c - n % c ? 1 : 0) : 0 }
        if let uniform = withCounts("uniform-gpus", counts: even, plan: plan, outcome: outcome, planner: planner) {
            baselines.append(uniform)
        } else {
            skipped["uniform-gpus"] = "some model fits no layout of its \(n / c) GPUs"
        }
        baselines.append(uniformLayout(plan: plan, planner: planner))
        let proportional = proportionalCounts(outcome: outcome, planner: planner)
        if let configuration = withCounts("proportional-gpus", counts: proportional, plan: plan, outcome: outcome, planner: planner) {
            baselines.append(configuration)
        } else {
            skipped["proportional-gpus"] = "no layout for the proportional split " + proportional.map(String.init).joined(separator: "/")
        }
        return (baselines, skipped)
    }

    /// The smallest model meeting q_min alone, best layout on all N GPUs.
    public static func singleModel(planner: CascadePlanner) -> CascadeConfiguration {
        let problem = planner.problem
        let samples = problem.samples
        let index = problem.models.indices.first { samples.qualityAllOn($0) >= problem.qualityTarget } ?? problem.models.count - 1
        let workload = StageWorkload(
            samples: samples, indices: Array(samples.requests.indices), stage: index, arrivalRate: problem.arrivalRate,
            chunkSize: problem.engine.chunkSize)
        let table = StageTable(
            options: planner.options[index], workload: workload, gpus: problem.totalGPUs, engine: problem.engine,
            metric: planner.singleModelMetric)
        let layout = table.layouts[problem.totalGPUs]!
        return CascadeConfiguration(
            name: "single-model",
            stages: [CascadeStage(model: problem.models[index], sampleColumn: index, layout: layout, gpus: problem.totalGPUs)],
            thresholds: [])
    }

    /// The plan's thresholds with `counts` GPUs per stage, best layout each; nil when one does not
    /// fit. Stages given no GPUs (those without traffic) are left out with their thresholds.
    static func withCounts(
        _ name: String, counts: [Int], plan: CascadePlan, outcome: RoutingOutcome, planner: CascadePlanner
    ) -> CascadeConfiguration? {
        var stages: [CascadeStage] = []
        for (i, f) in counts.enumerated() where f > 0 {
            let table = planner.table(stage: i, outcome: outcome, budgets: plan.stageBudgets ?? [], preferred: nil)
            guard let layout = table.layouts[f] else { return nil }
            stages.append(CascadeStage(model: planner.problem.models[i], sampleColumn: i, layout: layout, gpus: f))
        }
        return trimmed(name, stages: stages, thresholds: plan.thresholds)
    }

    /// A configuration of `stages` (the first stages of the cascade) with their thresholds.
    static func trimmed(_ name: String, stages: [CascadeStage], thresholds: [Double]) -> CascadeConfiguration {
        CascadeConfiguration(name: name, stages: stages, thresholds: Array(thresholds.prefix(stages.count - 1)))
    }

    /// The plan's thresholds and GPU counts; every stage uses its model's smallest fitting layout
    /// (most TP among equals) with as many replicas as fit: one layout rule instead of a per-stage choice.
    static func uniformLayout(plan: CascadePlan, planner: CascadePlanner) -> CascadeConfiguration {
        let stages = plan.stages.enumerated().filter { $0.element.gpus > 0 }.map { i, stage in
            let option = planner.options[i][0]
            return CascadeStage(
                model: planner.problem.models[i], sampleColumn: i,
                layout: StageLayout(layout: option.layout, replicas: stage.gpus / option.gpus), gpus: stage.gpus)
        }
        return trimmed("uniform-layout", stages: stages, thresholds: plan.thresholds)
    }

    /// GPU counts proportional to each stage's load, at least each model's smallest layout, summing to N.
    static func proportionalCounts(outcome: RoutingOutcome, planner: CascadePlanner) -> [Int] {
        let problem = planner.problem
        let loads = problem.models.indices.map { i -> Double in
            let workload = planner.workload(stage: i, outcome: outcome)
            let option = planner.options[i][0]
            let batch = problem.engine.batchSize
            let context = Int(workload.meanPrompt + workload.meanOutput / 2)
            let seconds = option.roofline.iterationSeconds(BatchShape(decodeStreams: batch, decodeContextTokens: batch * context))
            return outcome.reachFraction[i] * workload.meanOutput * Double(option.gpus) * seconds / Double(batch)
        }
        let total = loads.reduce(0, +)
        let n = problem.totalGPUs
        let ideal = loads.map { total > 0 ? Double(n) * $0 / total : Double(n) / Double(loads.count) }
        let minimum = planner.options.indices.map { outcome.reachFraction[$0] > 0 ? planner.options[$0][0].gpus : 0 }
        var counts = zip(ideal, minimum).map { max($1, Int($0.rounded(.down))) }
        while counts.reduce(0, +) < n {
            let i = counts.indices.max { ideal[$0] - Double(counts[$0]) < ideal[$1] - Double(counts[$1]) }!
            counts[i] += 1
        }
        while counts.reduce(0, +) > n {
            guard let i = counts.indices.filter({ counts[$0] > minimum[$0] })
                .max(by: { Double(counts[$0]) - ideal[$0] < Double(counts[$1]) - ideal[$1] }) else { break }
            counts[i] -= 1
        }
        return counts
    }
}
