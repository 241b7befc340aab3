import GateAndRoute
import Planning
import Solver

/// `gpusched bench gate-route`: the paper's convergence instance at n = 500, T = 10,000 s (warm-up
/// 1,000 s), 5 seeds, every CTMC policy, one after another on one core (JSON keys `totalSeconds`,
/// `events`, `eventsPerSecond`, `policies[]` with `policy`, `wallSeconds`, `events`).
struct GateRouteBenchmark: Encodable {
    struct Row: Encodable {
        var policy: GateRoutePolicy
        /// Wall-clock seconds of the policy's five seeds.
        var wallSeconds: Double
        var events: Int
    }

    var totalSeconds: Double
    var events: Int
    var eventsPerSecond: Double
    var policies: [Row]

    /// Plans the instance with `GateRoutePlanner`, then times every policy's CTMC runs.
    static func measure(progress: ProgressReporter, solver: any LinearSolver) throws -> GateRouteBenchmark {
        let instance = GateRouteSection.instance
        let plan = try GateRoutePlanner().plan(GateRouteProblem(instance: instance), context: PlanningContext(solver: solver)).plan.plan
        let watch = Stopwatch()
        var rows: [Row] = []
        for policy in GateRoutePolicy.allCases {
            progress.say("\(policy.rawValue): n = 500, T = 10,000 s, 5 seeds")
            let (summary, seconds) = try Stopwatch.time {
                try CTMCExperiment.run(
                    instance: instance, plan: plan, policy: policy, horizon: 10_000, warmup: 1_000, seeds: [1, 2, 3, 4, 5])
            }
            rows.append(Row(policy: policy, wallSeconds: seconds, events: summary.runs.reduce(0) { $0 + $1.events }))
        }
        let total = watch.seconds
        let events = rows.reduce(0) { $0 + $1.events }
        return GateRouteBenchmark(
            totalSeconds: total, events: events, eventsPerSecond: Double(events) / total, policies: rows)
    }

    func render() -> String {
        var table = TextTable(["policy", "seconds (5 seeds)", "events"])
        for row in policies { table.add([row.policy.rawValue, Format.fixed(row.wallSeconds, 2), Format.grouped(row.events)]) }
        return table.render() + "\n"
            + "total \(Format.fixed(totalSeconds, 1)) s for \(Format.grouped(events)) events "
            + "(\(Format.grouped(Int(Double(events) / totalSeconds))) events/s), n = 500, T = 10,000 s, 5 seeds, all policies"
    }
}
