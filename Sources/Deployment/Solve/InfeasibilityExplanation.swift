import Foundation
import Planning
import Solver

/// Says why the deployment MILP has no plan, in one line: the largest common share of the
/// demand the fleet carries (the max-rate MILP on the same columns), and the GPUs the cheapest
/// plan would need beyond the fleet (the same MILP with every count lifted).
/// ```
/// throw try InfeasibilityExplanation(problem: problem, columns: columns).explain(solver: solver)
/// ```
struct InfeasibilityExplanation {
    var problem: DeployProblem
    var columns: [PatternColumn]

    func explain(solver: any LinearSolver) throws(PlanningError) -> PlanningError {
        var capped = problem
        capped.objective = .maxRate
        let scale = (try? DeployMILP(problem: capped, columns: columns).solve(solver: solver))?.scale ?? 0
        var unlimited = problem
        unlimited.objective = problem.fleet.allSatisfy({ $0.pricePerHour != nil }) ? .minCost : .minGPUs
        for index in unlimited.fleet.indices {
            let pool = unlimited.fleet[index]
            // Enough whole nodes for the whole demand on this type alone.
            unlimited.fleet[index].count = max(pool.count, pool.gpusPerNode * 4096)
        }
        var missing: [String] = []
        if let solution = try? DeployMILP(problem: unlimited, columns: columns).solve(solver: solver), solution.result.status.hasSolution {
            for (t, pool) in problem.fleet.enumerated() {
                let used = columns.indices.filter { columns[$0].pattern.pool == t }.reduce(0) { $0 + solution.counts[$1] * columns[$1].pattern.gpus }
                if used > pool.count { missing.append("\(used - pool.count) more \(pool.gpu.name) (\(used) against \(pool.count))") }
            }
        }
        let share = String(format: "%.1f%%", 100 * scale)
        var message = "the fleet cannot carry the demand: it carries at most \(share) of every model's arrival rate at the SLOs"
        if !missing.isEmpty { message += "; the cheapest plan without count limits needs " + missing.joined(separator: ", ") }
        return .badInput("fleet: " + message)
    }
}
