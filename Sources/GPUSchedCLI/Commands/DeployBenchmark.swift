import Deployment
import Foundation
import Planning
import Solver

/// `gpusched bench deploy`: wall time of `DeployPlanner(verifier: nil)` (replica patterns and
/// their SLO capacities, the deployment MILP, the shadow prices; no simulation) on seeded
/// synthetic fleets (`DeployProblem.synthetic`): 3 models × 3 GPU types × 100 GPUs (target 2 s)
/// and 20 models × 5 GPU types × 10,000 GPUs (target 30 s at a MILP gap ≤ 1 %), both serving modes.
///
/// Each instance's columns (`ColumnBuilder.columns`: every pattern's capacity, then pruning) are
/// built `repeats` times on their own, the MILP is built once for its size, and the whole plan runs
/// `repeats` times (median and range); the MILP's share is its solves' time inside the plan.
struct DeployBenchmark: Encodable {
    /// One synthetic instance and its timings.
    struct Instance: Encodable {
        var name: String
        var models: Int
        var gpuTypes: Int
        var gpus: Int
        var objectiveName: String
        var modes: [String]
        /// Replica patterns whose capacity was evaluated, and the MILP columns kept of them.
        var patterns: Int
        var columns: Int
        /// The MILP's size as built (`DeployMILP.build().model`).
        var variables: Int
        var constraints: Int
        var integerVariables: Int
        /// The last plan's solve (status, objective, bound, relative gap).
        var solve: SolveSummary
        /// The plan's cost per hour and GPUs (null cost when the fleet has no prices).
        @Nullable var costPerHour: Double?
        var plannedGPUs: Int
        /// Wall seconds of the whole plan.
        var planSeconds: BenchmarkSpread
        /// Wall seconds of building the columns: every pattern's capacity, then pruning (timed alone).
        var capacitySeconds: BenchmarkSpread
        /// Seconds in the MILP solves of each plan.
        var milpSeconds: BenchmarkSpread
        /// Medians over the plan's median: capacity evaluation, MILP, and the rest (column
        /// pruning, model building, shadow prices, assembly).
        var capacityShare: Double
        var milpShare: Double
        var targetSeconds: Double
        var meetsTarget: Bool
    }

    var repeats: Int
    var instances: [Instance]

    /// The relative MILP gap the large instance must reach.
    static let targetGap = 0.01

    /// The instances: name, models, GPU types, GPUs, objective and the time target.
    static let cases: [(name: String, models: Int, types: Int, gpus: Int, objective: DeployObjective, target: Double)] = [
        ("small", 3, 3, 100, .minCost, 2),
        ("small", 3, 3, 100, .maxRate, 2),
        ("large", 20, 5, 10_000, .minCost, 30),
    ]

    /// Plans every instance `repeats` times, announcing each to `progress`.
    static func measure(repeats: Int, sizes: Set<String>, progress: ProgressReporter, solver: any LinearSolver) throws -> DeployBenchmark {
        var instances: [Instance] = []
        for entry in cases where sizes.contains(entry.name) {
            let problem = try DeployProblem.synthetic(
                models: entry.models, gpuTypes: entry.types, gpus: entry.gpus, seed: 1, objective: entry.objective)
            progress.say("\(entry.name) (\(entry.models) models, \(entry.types) GPU types, \(entry.gpus) GPUs, "
                + "\(entry.objective.rawValue)): planning \(repeats) times")
            instances.append(try instance(entry.name, problem: problem, target: entry.target, repeats: repeats, progress: progress, solver: solver))
        }
        return DeployBenchmark(repeats: repeats, instances: instances)
    }

    static func instance(_ name: String, problem: DeployProblem, target: Double, repeats: Int, progress: ProgressReporter, solver: any LinearSolver) throws -> Instance {
        let builder = ColumnBuilder(problem: problem)
        let enumerator = PatternEnumerator(problem: problem)
        let patterns = problem.models.indices.reduce(0) { $0 + enumerator.patterns(model: $1).count }
        var capacity: [Double] = []
        var columns: [PatternColumn] = []
        for _ in 0..<repeats {
            let watch = Stopwatch()
            columns = try builder.columns()
            capacity.append(watch.seconds)
        }
        let capacitySpread = BenchmarkSpread(capacity)
        let milpProblem = DeployMILP(problem: problem, columns: columns)
        let model = milpProblem.build().model
        let integers = model.columnKind.filter { $0 != .continuous }.count
        let alone = try milpProblem.solve(solver: solver)
        progress.say("  \(patterns) patterns evaluated in \(capacitySpread.text(2)) s -> \(columns.count) columns; MILP "
            + "\(model.variableCount) variables (\(integers) integer), \(model.constraintCount) rows: "
            + "\(alone.result.status) in \(Format.fixed(alone.result.solveSeconds, 2)) s, gap "
            + (alone.result.relativeGap.map { Format.fixed($0 * 100, 3) + " %" } ?? "-"))
        let context = PlanningContext(solver: solver)
        var wall: [Double] = [], milp: [Double] = []
        var last: Planned<DeployPlan>?
        for _ in 0..<repeats {
            let watch = Stopwatch()
            let planned = try DeployPlanner(verifier: nil).plan(problem, context: context)
            wall.append(watch.seconds)
            milp.append(planned.solve.solveSeconds)
            last = planned
        }
        guard let planned = last else { throw PlanningError.failure("bench deploy: no plan ran") }
        let planSpread = BenchmarkSpread(wall), milpSpread = BenchmarkSpread(milp)
        progress.say("  planned in \(planSpread.text(2)) s (MILP \(milpSpread.text(2)) s)")
        let gapMet = name == "small" || (planned.solve.relativeGap ?? .infinity) <= targetGap + 1e-9
        return Instance(
            name: name, models: problem.models.count, gpuTypes: problem.fleet.count,
            gpus: problem.fleet.reduce(0) { $0 + $1.count }, objectiveName: problem.objective.rawValue,
            modes: problem.modes.map(\.rawValue).sorted(), patterns: patterns, columns: columns.count,
            variables: model.variableCount, constraints: model.constraintCount, integerVariables: integers, solve: planned.solve,
            costPerHour: planned.plan.costPerHour, plannedGPUs: planned.plan.totalGPUs, planSeconds: planSpread,
            capacitySeconds: capacitySpread, milpSeconds: milpSpread,
            capacityShare: capacitySpread.median / max(planSpread.median, 1e-9),
            milpShare: milpSpread.median / max(planSpread.median, 1e-9), targetSeconds: target,
            meetsTarget: planSpread.median < target && [.optimal, .timeLimitFeasible].contains(planned.solve.status) && gapMet)
    }

    func render() -> String {
        var table = TextTable([
            "instance", "models×types×GPUs", "objective", "patterns", "columns", "vars/rows/int", "status", "gap", "plan s",
            "capacity", "MILP", "target",
        ])
        for row in instances {
            table.add([
                row.name, "\(row.models)×\(row.gpuTypes)×\(Format.grouped(row.gpus))", row.objectiveName, "\(row.patterns)",
                "\(row.columns)", "\(row.variables)/\(row.constraints)/\(row.integerVariables)", row.solve.status.rawValue,
                row.solve.relativeGap.map { Format.fixed($0 * 100, 2) + " %" } ?? "-", row.planSeconds.text(2),
                Format.fixed(row.capacityShare * 100, 0) + " %", Format.fixed(row.milpShare * 100, 0) + " %",
                "< \(Format.fixed(row.targetSeconds, 0)) s: " + (row.meetsTarget ? "met" : "MISSED"),
            ])
        }
        return table.render() + "\n"
            + "plan s = wall time of DeployPlanner(verifier: nil), median (min–max) of \(repeats); capacity = evaluating every "
            + "pattern's SLO capacity (timed alone) and MILP = the solves, as shares of that median; modes aggregated + "
            + "disaggregated; the large instance must also reach a MILP gap ≤ \(Format.fixed(Self.targetGap * 100, 0)) %"
    }
}
