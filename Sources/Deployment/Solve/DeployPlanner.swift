import Foundation
import Planning
import Solver

/// `plan deploy`'s planner: the deployment MILP over replica patterns, verified in the simulator
/// and re-solved with each model's capacities corrected by what the simulation measured (a cut
/// loop), until the plan stops improving or `maxRounds` is reached.
///
/// Each round: columns (patterns and capacities, `ColumnBuilder`) → `DeployMILP` → groups →
/// `PlanVerifier.verify` per model at its demand, and its certified rate (`certifiedRate`: the
/// highest rate at which the groups meet the SLO in simulation). A model that misses has the
/// capacities of the columns its groups used multiplied by 0.99 × certified / planned (at most
/// 0.97, at least 0.5) for the next round — the cut, on those columns only, so a layout the
/// capacity model gets right keeps its figure. A model that verifies with more than 3 % to spare
/// has its used columns raised by 0.98 × certified / planned (at most 1.5): the capacity model is
/// conservative where the simulator's pooling carries more, so a cheaper plan may verify too. The reported plan is the
/// best one that met every SLO (`rounds[].accepted`); the loop stops when a plan repeats or the
/// factors settle. The plan reports every round, each model's certified rate, the MILP's bound and gap, and the
/// shadow prices of the binding constraints (`ShadowPrices`).
/// ```
/// let planner = DeployPlanner(verifier: DeploySimulator(problem: problem))
/// let planned = try planner.plan(problem, context: PlanningContext())
/// print(planned.plan.costPerHour ?? 0, planned.plan.certified, planned.solve.relativeGap ?? 0)
/// ```
public struct DeployPlanner: Planner {
    /// The simulator (or a stand-in); nil plans without verification (`--no-evaluate`).
    public var verifier: (any PlanVerifier)?
    /// The plan being re-planned: the new plan changes as few replicas as it can.
    public var current: DeployPlan?
    /// Whether to price the binding constraints (one LP and a few capacity evaluations).
    public var pricesConstraints: Bool

    public init(verifier: (any PlanVerifier)? = nil, current: DeployPlan? = nil, pricesConstraints: Bool = true) {
        self.verifier = verifier
        self.current = current
        self.pricesConstraints = pricesConstraints
    }

    /// A solved round: its plan, the MILP's solution and the columns it was solved over.
    struct Round {
        var plan: DeployPlan
        var solution: DeployMILP.Solution
        var columns: [PatternColumn]
    }

    public func plan(_ problem: DeployProblem, context: PlanningContext) throws(PlanningError) -> Planned<DeployPlan> {
        let watch = Stopwatch()
        context.progress.say("evaluating replica patterns of \(problem.models.count) models on \(problem.fleet.count) GPU types")
        let builder = ColumnBuilder(problem: problem)
        let base = try builder.columns(keeping: currentKeys(problem))
        // One capacity factor per column: a round corrects the columns its plan used.
        var factors = Array(repeating: 1.0, count: base.count)
        var planningSeconds = watch.seconds
        var rounds: [VerificationRound] = []
        var solves: [SolveSummary] = []
        var best: Round?
        var last: Round?
        var bestIndex: Int?
        var seen = Set<[String]>()  // the deployments simulated so far (groups without their capacities)
        let maxRounds = verifier == nil ? 1 : problem.settings.maxRounds
        for round in 1...maxRounds {
            let solveWatch = Stopwatch()
            let columns = base.indices.map { index -> PatternColumn in
                var copy = base[index]
                copy.capacityPerReplica = base[index].capacityPerReplica * factors[index]
                return copy
            }
            context.progress.say("round \(round): solving the deployment MILP over \(columns.count) pattern columns")
            let solution = try solve(problem, columns: columns, context: context)
            solves.append(SolveSummary(solution.result, wallSeconds: solveWatch.seconds))
            var plan = PlanAssembly(problem: problem).plan(
                name: "plan", groups: groups(solution, columns: columns, problem: problem), scale: solution.scale)
            planningSeconds += solveWatch.seconds
            guard let verifier else {
                last = Round(plan: plan, solution: solution, columns: columns)
                break
            }
            let shape = plan.groups.map { "\($0.model)|\($0.gpu)|\($0.tp)|\($0.pp)|\($0.role.rawValue)|\($0.maxBatch)|\($0.chunkTokens)|\($0.count)" }
            guard seen.insert(shape).inserted else {
                // The factors moved but the plan is one already simulated: nothing new to learn.
                break
            }
            var missed: [String] = []
            var next = factors
            var modelFactors = Array(repeating: 1.0, count: problem.models.count)
            for (m, outcome) in plan.models.enumerated() {
                let own = plan.groups.filter { $0.model == outcome.name }
                context.progress.say("round \(round): simulating \(outcome.name) at \(format(outcome.demandRate)) req/s")
                let verification = verifier.verify(model: m, groups: own, rate: outcome.demandRate)
                plan.models[m].verification = verification
                guard let verification else { continue }
                // The bisection's answer is within its 1 % tolerance; a plan that met the SLO at its
                // demand is certified at least there.
                let searched = verifier.certifiedRate(model: m, groups: own, upTo: 1.5 * max(outcome.demandRate, outcome.plannedRate))
                let certified = verification.meetsSLO ? max(searched, outcome.demandRate) : searched
                plan.models[m].certifiedRate = certified
                let ratio = certified / max(1e-9, outcome.plannedRate)
                if !verification.meetsSLO {
                    missed.append(outcome.name)
                    modelFactors[m] = min(0.97, max(0.5, 0.99 * ratio))
                } else if ratio > 1.03 {
                    modelFactors[m] = min(1.5, 0.98 * ratio)
                }
                for index in base.indices where base[index].pattern.model == m && solution.counts[index] > 0 {
                    next[index] = factors[index] * modelFactors[m]
                }
            }
            plan.certified = missed.isEmpty
            let current = Round(plan: plan, solution: solution, columns: columns)
            last = current
            rounds.append(VerificationRound(
                round: round, costPerHour: plan.costPerHour, gpus: plan.totalGPUs, scale: plan.scale, missed: missed,
                factors: modelFactors))
            if missed.isEmpty {
                if best.map({ isBetter(plan, than: $0.plan, objective: problem.objective) }) ?? true {
                    best = current
                    bestIndex = rounds.count - 1
                }
            }
            if next == factors { break }
            factors = next
        }
        guard let chosen = best ?? last else { throw .failure("deployment MILP: no round ran") }
        if let bestIndex { rounds[bestIndex].accepted = true }
        var plan = chosen.plan
        let solution = chosen.solution
        let columns = chosen.columns
        plan.rounds = rounds
        if verifier != nil, !plan.certified {
            plan.notes.append(
                "not certified: after \(rounds.count) rounds the simulation still misses the SLO for "
                    + (rounds.last?.missed.joined(separator: ", ") ?? "") + "; raise verification.maxRounds or relax the SLO")
        }
        for (m, outcome) in plan.models.enumerated() {
            let own = columns.indices.filter { columns[$0].pattern.model == m && solution.counts[$0] > 0 }
            let model = builder.capacityModel(model: m)
            if let prediction = predicted(model: model, columns: own.map { (columns[$0], solution.counts[$0]) }, rate: outcome.demandRate, problem: problem) {
                plan.models[m].predictedTTFT = prediction.ttft
                plan.models[m].predictedTPOT = prediction.tpot
            }
        }
        if pricesConstraints {
            let pricing = Stopwatch()
            plan.bindingConstraints = ShadowPrices(problem: problem, columns: columns, solution: solution, builder: builder)
                .binding(solver: context.solver)
            planningSeconds += pricing.seconds
        }
        if let current {
            let (changes, total) = diff(current: current, plan: plan)
            plan.changes = changes
            plan.changedReplicas = total
        }
        plan.planningSeconds = planningSeconds
        var summary = SolveSummary(solution.result, wallSeconds: watch.seconds)
        summary.solves = solves.count
        summary.solveSeconds = solves.reduce(0) { $0 + $1.solveSeconds }
        return Planned(plan: plan, solve: summary)
    }

    /// True when `plan` beats `other` on the objective (cost, GPUs, or the max-rate scale).
    func isBetter(_ plan: DeployPlan, than other: DeployPlan, objective: DeployObjective) -> Bool {
        switch objective {
        case .minCost: return (plan.costPerHour ?? .infinity) < (other.costPerHour ?? .infinity) - 1e-9
        case .minGPUs: return plan.totalGPUs < other.totalGPUs
        case .maxRate: return plan.scale > other.scale + 1e-9
        }
    }

    /// Solves the MILP (lexicographically under a re-plan: fewest changed replicas, then the
    /// objective among plans with that few), explaining an infeasible one.
    func solve(_ problem: DeployProblem, columns: [PatternColumn], context: PlanningContext) throws(PlanningError) -> DeployMILP.Solution {
        var milp = DeployMILP(problem: problem, columns: columns)
        if let current {
            milp.current = currentCounts(current, columns: columns, problem: problem)
            milp.minimisesChanges = true
            let first = try milp.solve(solver: context.solver)
            guard first.result.status.hasSolution else {
                throw try InfeasibilityExplanation(problem: problem, columns: columns).explain(solver: context.solver)
            }
            milp.minimisesChanges = false
            milp.maximumChanges = first.changes
        }
        let solution = try milp.solve(solver: context.solver)
        guard solution.result.status.hasSolution else {
            throw try InfeasibilityExplanation(problem: problem, columns: columns).explain(solver: context.solver)
        }
        return solution
    }

    /// The groups of a solution: one per column with replicas.
    func groups(_ solution: DeployMILP.Solution, columns: [PatternColumn], problem: DeployProblem) -> [DeploymentGroup] {
        columns.indices.compactMap { index in
            let count = solution.counts[index]
            guard count > 0 else { return nil }
            let pattern = columns[index].pattern
            return DeploymentGroup(
                model: problem.models[pattern.model].name, gpu: problem.fleet[pattern.pool].gpu.name,
                tp: pattern.layout.tensorParallel, pp: pattern.layout.pipelineParallel, role: pattern.role, count: count,
                maxBatch: pattern.maxBatch, chunkTokens: pattern.chunkTokens, memoryUtilization: pattern.memoryUtilization,
                kvCapacityTokens: pattern.kvCapacityTokens,
                capacityPerReplica: columns[index].capacityPerReplica)
        }
    }

    /// The capacity model's TTFT and TPOT percentiles at the demand, spread over the replicas in
    /// proportion to their capacity (the aggregated groups, or the prefill and decode pools).
    func predicted(model: CapacityModel, columns: [(PatternColumn, Int)], rate: Double, problem: DeployProblem)
        -> (ttft: LatencyPercentiles, tpot: LatencyPercentiles)?
    {
        let total = columns.reduce(0.0) { $0 + $1.0.capacityPerReplica * Double($1.1) }
        guard total > 0, let heaviest = columns.max(by: { $0.0.capacityPerReplica < $1.0.capacityPerReplica }) else { return nil }
        func at(_ column: PatternColumn, share: Double, quantile: Double) -> LoadPrediction? {
            var slo = model.slo
            slo.ttftQuantile = quantile
            slo.tpotQuantile = quantile
            let shifted = CapacityModel(slo: slo, profile: model.profile)
            return shifted.predict(column.pattern, rate: share, networkBandwidth: problem.fleet[column.pattern.pool].networkBandwidth)
        }
        let column = heaviest.0
        let pool = columns.filter { $0.0.pattern.role == column.pattern.role }.reduce(0.0) { $0 + $1.0.capacityPerReplica * Double($1.1) }
        let share = rate * column.capacityPerReplica / max(1e-9, pool)
        let levels = [0.5, 0.9, 0.99].map { at(column, share: share, quantile: $0) }
        var ttft = LatencyPercentiles(p50: levels[0]?.ttft, p90: levels[1]?.ttft, p99: levels[2]?.ttft)
        var tpot = LatencyPercentiles(p50: levels[0]?.tpot, p90: levels[1]?.tpot, p99: levels[2]?.tpot)
        if column.pattern.role == .decode || column.pattern.role == .prefill {
            let other: ServingRole = column.pattern.role == .decode ? .prefill : .decode
            if let partner = columns.filter({ $0.0.pattern.role == other }).max(by: { $0.0.capacityPerReplica < $1.0.capacityPerReplica }) {
                let partnerPool = columns.filter { $0.0.pattern.role == other }.reduce(0.0) { $0 + $1.0.capacityPerReplica * Double($1.1) }
                let partnerShare = rate * partner.0.capacityPerReplica / max(1e-9, partnerPool)
                let partnerLevels = [0.5, 0.9, 0.99].map { at(partner.0, share: partnerShare, quantile: $0) }
                if other == .prefill {
                    ttft = LatencyPercentiles(p50: partnerLevels[0]?.ttft, p90: partnerLevels[1]?.ttft, p99: partnerLevels[2]?.ttft)
                } else {
                    tpot = LatencyPercentiles(p50: partnerLevels[0]?.tpot, p90: partnerLevels[1]?.tpot, p99: partnerLevels[2]?.tpot)
                }
            }
        }
        return (ttft, tpot)
    }

    /// The keys of the current plan's groups (their patterns stay columns even when pruned).
    func currentKeys(_ problem: DeployProblem) throws(PlanningError) -> Set<GroupKey> {
        guard let current else { return [] }
        var keys = Set<GroupKey>()
        for group in current.groups {
            guard let m = problem.models.firstIndex(where: { $0.name == group.model }) else {
                throw .badInput("--current: the plan is for another scenario: model '\(group.model)' is not in this one")
            }
            guard let t = problem.fleet.firstIndex(where: { $0.gpu.name == group.gpu }) else {
                throw .badInput("--current: the plan is for another scenario: GPU type '\(group.gpu)' is not in this fleet")
            }
            keys.insert(GroupKey(model: m, pool: t, tp: group.tp, pp: group.pp, role: group.role, maxBatch: group.maxBatch, chunkTokens: group.chunkTokens))
        }
        return keys
    }

    /// Replicas of each column in the current plan.
    func currentCounts(_ current: DeployPlan, columns: [PatternColumn], problem: DeployProblem) -> [Int] {
        columns.map { column in
            current.groups.filter { group in
                group.model == problem.models[column.pattern.model].name && group.gpu == problem.fleet[column.pattern.pool].gpu.name
                    && group.tp == column.pattern.layout.tensorParallel && group.pp == column.pattern.layout.pipelineParallel
                    && group.role == column.pattern.role && group.maxBatch == column.pattern.maxBatch
                    && group.chunkTokens == column.pattern.chunkTokens
            }.reduce(0) { $0 + $1.count }
        }
    }

    /// The groups whose replica count changes, and the replicas started or stopped in all.
    func diff(current: DeployPlan, plan: DeployPlan) -> ([GroupChange], Int) {
        func key(_ g: DeploymentGroup) -> String { "\(g.model)|\(g.gpu)|\(g.tp)|\(g.pp)|\(g.role.rawValue)|\(g.maxBatch)|\(g.chunkTokens)" }
        let before = Dictionary(current.groups.map { (key($0), $0) }, uniquingKeysWith: { a, b in var c = a; c.count += b.count; return c })
        let after = Dictionary(plan.groups.map { (key($0), $0) }, uniquingKeysWith: { a, b in var c = a; c.count += b.count; return c })
        var changes: [GroupChange] = []
        for name in Set(before.keys).union(after.keys).sorted() {
            let old = before[name]?.count ?? 0, new = after[name]?.count ?? 0
            guard old != new, let group = after[name] ?? before[name] else { continue }
            changes.append(GroupChange(group: group, before: old, after: new))
        }
        return (changes, changes.reduce(0) { $0 + abs($1.after - $1.before) })
    }

    private func format(_ value: Double) -> String { String(format: "%.3g", value) }
}
