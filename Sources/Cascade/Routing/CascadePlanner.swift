import Foundation
import ServingModel
import Solver

/// The bi-level planner (Cascadia, after arXiv 2506.04203).
///
/// Routing level: coordinate descent over the thresholds on the grid 0, step, …, 100. It starts
/// from the best of every threshold at the grid value nearest q_min and a coarse grid of step 20
/// (`coarseStarts()`; a re-plan starts from the previous thresholds instead); a round tries every grid value for each
/// threshold in turn (others fixed) and keeps the best J; the search stops after the first round
/// that changes nothing (J stable for one round — each round is exhaustive per coordinate, so a
/// second stable round would repeat the same evaluations), or after 20 rounds.
///
/// Each candidate θ is replayed on the sample (reach, workloads, Q(θ)) and re-solves the
/// deployment level: per stage the `StageTable` (best layout per GPU count), then the exact
/// `DeploymentDP` (the same optimum as the MILP; at 256 GPUs HiGHS took 0.5–1.5 s per solve, 32–62 s
/// per plan, where the whole plan now takes 1–2 s); the chosen θ's deployment is solved once more with the
/// `DeploymentMILP`, which gives the reported plan. Stage tables depend only on the thresholds
/// before the stage, so they are cached by that prefix.
///
/// J(θ) = L(θ) + μ · max(0, (q_min − Q(θ)) / (z₁ − z₂)), where L is the MILP optimum in seconds
/// (1 / rate in throughput mode), z₁ the quality with every request on the largest model, z₂ on
/// the smallest.
public struct CascadePlanner: Sendable {
    /// The problem.
    public let problem: CascadeProblem
    /// Every fitting replica layout per model (within N GPUs).
    public let options: [[ReplicaOption]]
    /// Per model, the lowest estimated p95 over its layouts for a lone request drawn from the whole sample.
    public let unloadedP95: [Double]
    private let solver: any LinearSolver

    /// Checks the problem and enumerates the layouts (`check(_:)`), then each model's unloaded p95.
    public init(problem: CascadeProblem, solver: any LinearSolver = HighsSolver()) throws(CascadeError) {
        self.problem = problem
        self.solver = solver
        options = try Self.check(problem)
        let all = Array(problem.samples.requests.indices)
        unloadedP95 = options.indices.map { [options] i in
            let workload = StageWorkload(
                samples: problem.samples, indices: all, stage: i, arrivalRate: 1e-6, chunkSize: problem.engine.chunkSize)
            return options[i].map { LatencyEstimator.p95(option: $0, workload: workload, rate: 1e-6, engine: problem.engine) }
                .min() ?? .infinity
        }
    }

    /// The planner's checks, without building one: every fitting layout per model, or a `CascadeError`
    /// for models out of size order, a model that fits no layout of N GPUs, models that together
    /// need more than N GPUs, a throughput goal without an SLO above the judge latency, or a
    /// quality target no thresholds reach (naming the best achievable).
    public static func check(_ problem: CascadeProblem) throws(CascadeError) -> [[ReplicaOption]] {
        let models = problem.models
        guard let largest = models.last else { throw CascadeError("a cascade needs at least one model", at: "models") }
        for (small, large) in zip(models, models.dropFirst()) where !(small.parameterCount < large.parameterCount) {
            throw CascadeError(
                "models must be ordered smallest first: \(small.name) (\(Self.billions(small))) comes before "
                    + "\(large.name) (\(Self.billions(large)))", at: "models")
        }
        let options = models.map { ReplicaOption.enumerate(model: $0, engine: problem.engine, maxGPUs: problem.totalGPUs) }
        var needed: [Int] = []
        for (model, list) in zip(models, options) {
            guard let smallest = list.map(\.gpus).min() else {
                throw CascadeError(
                    "\(model.name) fits no layout of \(problem.totalGPUs) \(problem.engine.gpu.name) "
                        + "(TP up to \(problem.engine.gpusPerNode) per node, PP up to 8): its weights need "
                        + "\(Self.gigabytes(model.parameterBytes)) GB", at: "cluster.count")
            }
            needed.append(smallest)
        }
        if needed.reduce(0, +) > problem.totalGPUs {
            throw CascadeError(
                "the models need at least \(needed.reduce(0, +)) GPUs together (" + zip(models, needed).map { "\($0.name) \($1)" }
                    .joined(separator: ", ") + "), the cluster has \(problem.totalGPUs)", at: "cluster.count")
        }
        if problem.objective == .throughput {
            guard let slo = problem.sloP95 else { throw CascadeError("objective throughput needs slo.p95Latency", at: "slo") }
            let budget = slo - problem.judgeLatency * Double(models.count - 1)
            guard budget > 0 else {
                throw CascadeError(
                    "\(slo) s leaves no time after \(models.count - 1) judge calls of \(problem.judgeLatency) s", at: "slo.p95Latency")
            }
        }
        let best = bestAchievableQuality(problem)
        if problem.qualityTarget > best.quality + 1e-9 {
            throw CascadeError(
                "quality target \(Self.fixed(problem.qualityTarget)) is unreachable: the best achievable on this sample is "
                    + "\(Self.fixed(best.quality)) (thresholds " + best.thresholds.map { Self.fixed($0) }.joined(separator: ", ")
                    + "); all requests on \(largest.name) give \(Self.fixed(problem.samples.qualityAllOn(models.count - 1)))",
                at: "quality.target")
        }
        return options
    }

    /// The highest Q(θ) over the threshold grid, and thresholds reaching it.
    public func bestAchievableQuality() -> (quality: Double, thresholds: [Double]) { Self.bestAchievableQuality(problem) }

    /// The highest Q(θ) of `problem` over its threshold grid, and thresholds reaching it.
    static func bestAchievableQuality(_ problem: CascadeProblem) -> (quality: Double, thresholds: [Double]) {
        let stages = problem.models.count
        var best = (quality: problem.samples.qualityAllOn(stages - 1), thresholds: [Double](repeating: 100, count: stages - 1))
        guard stages > 1 else { return best }
        let grid = problem.thresholdGrid
        var index = [Int](repeating: 0, count: stages - 1)
        while true {
            let thresholds = index.map { grid[$0] }
            let quality = problem.samples.replay(thresholds).quality
            if quality > best.quality { best = (quality, thresholds) }
            var position = 0
            while position < index.count {
                index[position] += 1
                if index[position] < grid.count { break }
                index[position] = 0
                position += 1
            }
            if position == index.count { break }
        }
        return best
    }

    /// Plans: the threshold search with a deployment solve per candidate. With `previous`, the search
    /// starts from its thresholds and ties in layouts and GPU counts go to it (minimal change).
    public func plan(previous: CascadePlan? = nil) throws -> CascadePlan {
        var search = Search(planner: self, previous: previous)
        let stages = problem.models.count
        let grid = problem.thresholdGrid
        let start = grid.min { abs($0 - problem.qualityTarget) < abs($1 - problem.qualityTarget) } ?? 0
        var current = previous?.thresholds ?? [Double](repeating: start, count: stages - 1)
        var best = try search.evaluate(current)
        if previous == nil {
            for candidate in coarseStarts() {
                let evaluation = try search.evaluate(candidate)
                if evaluation.score < best.score - 1e-12 {
                    best = evaluation
                    current = candidate
                }
            }
        }
        var trajectory = [best.score]
        var rounds = 0
        while rounds < 20 && stages > 1 {
            rounds += 1
            var changed = false
            for coordinate in 0..<(stages - 1) {
                for value in grid where value != current[coordinate] {
                    var candidate = current
                    candidate[coordinate] = value
                    let evaluation = try search.evaluate(candidate)
                    if evaluation.score < best.score - 1e-12 {
                        best = evaluation
                        current = candidate
                        changed = true
                    }
                }
            }
            trajectory.append(best.score)
            if !changed { break }
        }
        guard best.score.isFinite, let chosen = best.gpus,
              let milp = try deployMILP(tables: best.tables, outcome: best.outcome, previous: previous?.gpus) else {
            throw CascadeError(
                "no thresholds and GPU split serve \(problem.arrivalRate) requests/s on \(problem.totalGPUs) GPUs "
                    + "(every stage would be overloaded); lower workload.arrivalRate or add GPUs")
        }
        // The MILP breaks ties in the tables its own way; scored end to end, keep the better allocation.
        var gpus = milp.gpus, objective = milp.objective
        if problem.objective == .throughput && problem.stageBudget == .search {
            objective = endToEndRate(estimate: endToEndEstimate(best.outcome), tables: best.tables, gpus: milp.gpus)
            if best.objective > objective {
                gpus = chosen
                objective = best.objective
            }
        }
        return CascadePlan(
            thresholds: current, quality: best.outcome.quality,
            stages: stagePlans(outcome: best.outcome, tables: best.tables, gpus: gpus),
            objectiveValue: objective, stageBudgets: best.budgets,
            score: score(latency: latencyTerm(objective: objective, outcome: best.outcome), quality: best.outcome.quality),
            iterations: rounds, trajectory: trajectory,
            evaluations: search.cache.count, deploymentSolveSeconds: milp.solveSeconds, deploymentNodes: milp.nodes)
    }

    /// The end-to-end estimate of every deployment under the routing `outcome`.
    func endToEndEstimate(_ outcome: RoutingOutcome) -> EndToEndEstimate {
        EndToEndEstimate(samples: problem.samples, outcome: outcome, engine: problem.engine, judgeLatency: problem.judgeLatency)
    }

    /// The end-to-end sustainable rate (`estimate`, built for the routing `tables` were made for) of
    /// the allocation `gpus`, laid out as `tables` choose, at the problem's SLO.
    func endToEndRate(estimate: EndToEndEstimate, tables: [StageTable], gpus: [Int]) -> Double {
        let stages = problem.models.indices.map { i -> EndToEndEstimate.Stage in
            guard let layout = tables[i].layouts[gpus[i]] else { return EndToEndEstimate.Stage(option: nil, replicas: 0) }
            return EndToEndEstimate.Stage(option: options[i].first { $0.layout == layout.layout }, replicas: layout.replicas)
        }
        return estimate.sustainableRate(of: stages, slo: problem.sloP95 ?? 0)
    }

    /// Extra starting points of the threshold search: every threshold vector on a grid of step 20
    /// (0, 20, …, 100), when there are at most 216 of them (four models or fewer). Coordinate
    /// descent moves one threshold at a time, so from a start where every candidate misses the SLO
    /// (J infinite) it cannot reach a good region that needs two thresholds to change at once.
    func coarseStarts() -> [[Double]] {
        let count = problem.models.count - 1
        let values = stride(from: 0.0, through: 100.0, by: 20.0).map { $0 }
        guard count > 0, pow(Double(values.count), Double(count)) <= 216 else { return [] }
        var starts: [[Double]] = [[]]
        for _ in 0..<count { starts = starts.flatMap { prefix in values.map { prefix + [$0] } } }
        return starts
    }

    /// The stage plans of an allocation: layout from the tables, latency from the estimator.
    func stagePlans(outcome: RoutingOutcome, tables: [StageTable], gpus: [Int]) -> [StagePlan] {
        problem.models.indices.map { i in
            let layout = tables[i].layouts[gpus[i]]
            return StagePlan(
                model: problem.models[i].name, gpus: gpus[i], layout: layout, reachFraction: outcome.reachFraction[i],
                arrivalRate: problem.arrivalRate * outcome.reachFraction[i],
                p95Latency: layout.map { estimatedP95(stage: i, outcome: outcome, layout: $0) } ?? 0)
        }
    }

    /// The estimator's p95 of stage `stage` laid out as `layout` under `outcome`.
    public func estimatedP95(stage: Int, outcome: RoutingOutcome, layout: StageLayout) -> Double {
        let workload = self.workload(stage: stage, outcome: outcome)
        guard let option = options[stage].first(where: { $0.layout == layout.layout }), layout.replicas > 0 else { return .infinity }
        return LatencyEstimator.p95(
            option: option, workload: workload, rate: workload.arrivalRate / Double(layout.replicas), engine: problem.engine)
    }

    /// The workload stage `stage` receives under `outcome`.
    public func workload(stage: Int, outcome: RoutingOutcome) -> StageWorkload {
        StageWorkload(
            samples: problem.samples, indices: outcome.reached[stage], stage: stage,
            arrivalRate: problem.arrivalRate * outcome.reachFraction[stage], chunkSize: problem.engine.chunkSize)
    }

    /// The candidate p95 budgets (seconds per stage) of throughput mode when the first `active`
    /// stages receive traffic (all of them by default), from the SLO T less the judge calls (see
    /// `StageBudget`): `whole` gives every stage T, although a request answered by the last stage
    /// pays every stage; `split` shares T over the active stages in proportion to the models' lowest
    /// unloaded p95s (`unloadedP95`) when they fit within it (otherwise the full path cannot meet
    /// the SLO even unloaded, and every stage gets T); `search` tries both and every split of T over
    /// the active stages on a 0.2 grid with each at least 0.2 T. Stages without traffic get T. A
    /// single empty candidate in the latency modes.
    func budgetCandidates(active: Int? = nil) -> [[Double]] {
        guard problem.objective == .throughput, let slo = problem.sloP95 else { return [[]] }
        let stages = problem.models.count
        let active = min(stages, max(1, active ?? stages))
        let total = slo - problem.judgeLatency * Double(stages - 1)
        let whole = [Double](repeating: total, count: stages)
        func padded(_ budgets: [Double]) -> [Double] { budgets + [Double](repeating: total, count: stages - budgets.count) }
        let unloaded = unloadedP95.prefix(active).reduce(0, +)
        let split = unloaded < total ? padded(unloadedP95.prefix(active).map { total * $0 / unloaded }) : whole
        switch problem.stageBudget {
        case .whole: return [whole]
        case .split: return [split]
        case .search:
            var candidates = [whole, split]
            func extend(_ prefix: [Int], left: Int) {
                if prefix.count == active - 1 {
                    if left >= 1 { candidates.append(padded((prefix + [left]).map { total * Double($0) / 5 })) }
                    return
                }
                for share in stride(from: 1, through: left - (active - prefix.count - 1), by: 1) {
                    extend(prefix + [share], left: left - share)
                }
            }
            if active > 1 { extend([], left: 5) }
            return candidates
        }
    }

    /// The table metric of stage `stage` under `budgets` (empty outside throughput mode).
    func metric(stage: Int, budgets: [Double]) -> StageTable.Metric {
        budgets.isEmpty ? .p95Latency : .maxRate(budget: budgets[stage])
    }

    /// The metric of one model answering alone within the whole SLO (the single-model baseline).
    var singleModelMetric: StageTable.Metric {
        guard problem.objective == .throughput, let slo = problem.sloP95 else { return .p95Latency }
        return .maxRate(budget: slo)
    }

    /// The stage table of stage `stage` under `outcome` and `budgets` (empty outside throughput mode).
    func table(stage: Int, outcome: RoutingOutcome, budgets: [Double], preferred: ParallelLayout?) -> StageTable {
        StageTable(
            options: options[stage], workload: workload(stage: stage, outcome: outcome), gpus: problem.totalGPUs,
            engine: problem.engine, metric: metric(stage: stage, budgets: budgets), preferred: preferred)
    }

    /// Solves the deployment level for `tables` exactly by dynamic programming (nil when no
    /// allocation serves every stage); the search calls this for every candidate.
    func deploy(tables: [StageTable], outcome: RoutingOutcome, previous: [Int]?) -> DeploymentMILP.Solution? {
        DeploymentDP.solve(
            tables: tables, weights: outcome.reachFraction, totalGPUs: problem.totalGPUs, objective: problem.objective,
            previous: previous)
    }

    /// Solves the deployment MILP for `tables` (nil when no allocation serves every stage).
    func deployMILP(tables: [StageTable], outcome: RoutingOutcome, previous: [Int]?) throws -> DeploymentMILP.Solution? {
        try DeploymentMILP.solve(
            tables: tables, weights: outcome.reachFraction, totalGPUs: problem.totalGPUs, objective: problem.objective,
            previous: previous, solver: solver)
    }

    /// L(θ) of a deployment objective value: seconds for the latency objectives (the end-to-end one
    /// with the judge calls added), seconds per request (1 / rate) for throughput.
    func latencyTerm(objective: Double, outcome: RoutingOutcome) -> Double {
        switch problem.objective {
        case .maxStageLatency: return objective
        case .endToEndLatency: return objective + problem.judgeLatency * outcome.reachFraction.dropLast().reduce(0, +)
        case .throughput: return objective > 0 ? 1 / objective : .infinity
        }
    }

    /// J(θ) for a latency term and a quality.
    public func score(latency: Double, quality: Double) -> Double {
        let stages = problem.models.count
        let range = problem.samples.qualityAllOn(stages - 1) - problem.samples.qualityAllOn(0)
        let shortfall = max(0, problem.qualityTarget - quality) / (range > 1e-9 ? range : 1)
        return latency + problem.penalty * shortfall
    }

    static func billions(_ model: ModelSpec) -> String { "\(fixed(model.parameterCount / 1e9))B parameters" }
    static func gigabytes(_ bytes: Double) -> String { fixed(bytes / 1e9) }
    static func fixed(_ value: Double) -> String { String(format: "%.1f", value) }
}

/// One threshold search: its evaluations, cached by thresholds, and stage tables cached by prefix
/// and budget.
struct Search {
    struct Evaluation {
        var outcome: RoutingOutcome
        var tables: [StageTable]
        var budgets: [Double]?
        var gpus: [Int]?
        var objective: Double
        var score: Double
    }

    let planner: CascadePlanner
    let previous: CascadePlan?
    /// Budget candidates by the number of stages with traffic.
    var budgetCandidates: [Int: [[Double]]] = [:]
    var cache: [[Double]: Evaluation] = [:]
    var tables: [[Double]: StageTable] = [:]

    init(planner: CascadePlanner, previous: CascadePlan?) {
        self.planner = planner
        self.previous = previous
    }

    /// J(θ): for every budget candidate, the stage tables and the exact deployment; the best
    /// candidate by J (scored end to end with `stageBudget: search`).
    mutating func evaluate(_ thresholds: [Double]) throws -> Evaluation {
        if let known = cache[thresholds] { return known }
        let outcome = planner.problem.samples.replay(thresholds)
        let throughput = planner.problem.objective == .throughput
        let estimate = throughput && planner.problem.stageBudget == .search ? planner.endToEndEstimate(outcome) : nil
        var best: Evaluation?
        let active = outcome.reachFraction.lastIndex { $0 > 0 }.map { $0 + 1 } ?? 1
        if budgetCandidates[active] == nil { budgetCandidates[active] = planner.budgetCandidates(active: active) }
        for budgets in budgetCandidates[active]! {
            var stageTables: [StageTable] = []
            for stage in planner.problem.models.indices {
                let key = [Double(stage)] + thresholds.prefix(stage) + (budgets.isEmpty ? [] : [budgets[stage]])
                if let table = tables[key] {
                    stageTables.append(table)
                } else {
                    let table = planner.table(
                        stage: stage, outcome: outcome, budgets: budgets, preferred: previous?.stages[stage].layout?.layout)
                    tables[key] = table
                    stageTables.append(table)
                }
            }
            let solution = planner.deploy(tables: stageTables, outcome: outcome, previous: previous?.gpus)
            var objective = solution?.objective ?? (throughput ? 0 : .infinity)
            if let estimate, let solution {
                objective = planner.endToEndRate(estimate: estimate, tables: stageTables, gpus: solution.gpus)
            }
            let latency = solution == nil ? .infinity : planner.latencyTerm(objective: objective, outcome: outcome)
            let evaluation = Evaluation(
                outcome: outcome, tables: stageTables, budgets: budgets.isEmpty ? nil : budgets, gpus: solution?.gpus,
                objective: objective, score: planner.score(latency: latency, quality: outcome.quality))
            if best == nil || evaluation.score < best!.score - 1e-12 { best = evaluation }
        }
        cache[thresholds] = best!
        return best!
    }
}
