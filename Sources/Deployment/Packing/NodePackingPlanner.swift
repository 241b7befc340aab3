import Planning
import Solver

/// Places replicas on the fewest nodes: a bin-packing MILP solved exactly.
///
/// Variables: `use[n]` (node n is used) and `place[r][n]` (replica r on node n), with as many nodes
/// as first-fit decreasing needs. Constraint families: "placement" (each replica once), "capacity"
/// (GPUs per node), "symmetry" (nodes used in order, which removes equivalent solutions).
/// ```
/// let problem = try NodePackingProblem(replicas: replicas, gpusPerNode: 8)
/// let planned = try NodePackingPlanner().plan(problem, context: PlanningContext())
/// print(planned.plan.nodes, planned.solve.status)
/// ```
public struct NodePackingPlanner: Planner {
    /// Seconds the MILP may take (bin packing of a catalog's models solves in milliseconds).
    public var timeLimit: Double

    public init(timeLimit: Double = 30) {
        self.timeLimit = timeLimit
    }

    public func plan(_ problem: NodePackingProblem, context: PlanningContext) throws(PlanningError) -> Planned<NodePackingPlan> {
        let watch = Stopwatch()
        let replicas = problem.replicas
        let nodeCount = max(1, problem.firstFitDecreasingNodes)
        var model = LinearModel(name: "node-packing")
        let use = model.addVariables(count: nodeCount, kind: .binary) { "use_node\($0)" }
        let place = replicas.map { replica in
            model.addVariables(count: nodeCount, kind: .binary) { "place_\(replica.name)_node\($0)" }
        }
        for (r, replica) in replicas.enumerated() {
            model.addConstraint(LinearExpression.sum(place[r]) == 1, name: "place_\(replica.name)", family: "placement")
        }
        for n in 0..<nodeCount {
            var load = LinearExpression.sum(replicas.indices.map { (place[$0][n], Double(replicas[$0].gpus)) })
            load.add(use[n], coefficient: -Double(problem.gpusPerNode))
            model.addConstraint(load <= 0, name: "capacity_node\(n)", family: "capacity")
            if n > 0 { model.addConstraint(use[n] <= use[n - 1].expression, name: "order_node\(n)", family: "symmetry") }
        }
        model.minimize(LinearExpression.sum(use))
        let result: SolveResult
        do {
            result = try context.solver.solve(model, options: SolveOptions(timeLimit: timeLimit, relativeGap: 0))
        } catch let error as PlanningError {
            throw error
        } catch {
            throw .failure("node packing: \(error)")
        }
        var placements: [NodePackingPlan.Placement] = []
        if result.status.hasSolution {
            placements = replicas.enumerated().map { r, replica in
                NodePackingPlan.Placement(name: replica.name, gpus: replica.gpus, node: place[r].firstIndex { result[$0] > 0.5 } ?? -1)
            }
        }
        let plan = NodePackingPlan(
            gpusPerNode: problem.gpusPerNode, nodes: result.objectiveValue.map { Int($0.rounded()) },
            lowerBound: problem.lowerBound, placements: placements)
        return Planned(plan: plan, solve: SolveSummary(result, wallSeconds: watch.seconds))
    }
}
