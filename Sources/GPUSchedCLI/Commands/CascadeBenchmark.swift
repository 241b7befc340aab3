import Cascade
import Planning
import Solver

/// `gpusched bench cascade`: wall time of the whole bi-level plan (threshold search, every stage
/// table, every MILP) for the DeepSeek cascade on 32, 256, 512 and 1,024 H100s, arrival rate 4 requests/s per
/// 32 GPUs, each quality target and objective.
struct CascadeBenchmark: Encodable {
    struct Row: Encodable {
        var gpus: Int
        var arrivalRate: Double
        var qualityTarget: Double
        var objectiveName: String
        /// The plan's solve; `wallSeconds` is the measured planning time.
        var solve: SolveSummary
        var iterations: Int
        var thresholdsEvaluated: Int
        var gpusPerStage: [Int]
        var thresholds: [Double]
    }

    var rows: [Row]

    /// Plans every case, in order, announcing each to `progress`.
    static func measure(progress: ProgressReporter, solver: any LinearSolver) throws -> CascadeBenchmark {
        var rows: [Row] = []
        for gpus in [32, 256, 512, 1024] {
            for target in [85.0, 90.0] {
                for objective in [DeploymentObjective.maxStageLatency, .throughput] {
                    let rate = 4.0 * Double(gpus) / 32
                    progress.say("planning \(gpus) GPUs, quality \(target), \(objective.rawValue)")
                    let problem = try CascadeProblem.deepseek(gpus: gpus, rate: rate, target: target, objective: objective)
                    let planned = try CascadeServingPlanner().plan(problem, context: PlanningContext(solver: solver))
                    let plan = planned.plan.plan
                    rows.append(Row(
                        gpus: gpus, arrivalRate: rate, qualityTarget: target, objectiveName: objective.rawValue,
                        solve: planned.solve, iterations: plan.iterations, thresholdsEvaluated: plan.evaluations,
                        gpusPerStage: plan.gpus, thresholds: plan.thresholds))
                }
            }
        }
        return CascadeBenchmark(rows: rows)
    }

    func render() -> String {
        var table = TextTable(["GPUs", "rate /s", "q_min", "objective", "plan s", "rounds", "θ evaluated", "GPUs 7B/70B/V3", "thresholds"])
        for row in rows {
            table.add([
                "\(row.gpus)", Format.fixed(row.arrivalRate, 1), Format.fixed(row.qualityTarget, 0), row.objectiveName,
                Format.fixed(row.solve.wallSeconds, 2), "\(row.iterations)", "\(row.thresholdsEvaluated)",
                row.gpusPerStage.map(String.init).joined(separator: "/"), row.thresholds.map { Format.fixed($0, 0) }.joined(separator: "/"),
            ])
        }
        return table.render() + "\n"
            + "plan s = wall time of CascadeServingPlanner (checks, threshold search, stage tables, deployment MILPs) on this machine"
    }
}
