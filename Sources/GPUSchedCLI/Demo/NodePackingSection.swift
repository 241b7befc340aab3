import Deployment
import Planning
import ServingModel

/// Demo section: one replica of every model that fits on a single node, at its smallest layout,
/// packed into the fewest nodes of one GPU type by `NodePackingPlanner` (a bin-packing MILP).
struct NodePackingSection {
    struct Report: Encodable {
        var gpu: String
        var plan: NodePackingPlan
        /// Models whose smallest layout does not fit on one node.
        var unplaced: [String]
        var solve: SolveSummary
    }

    let report: Report

    init(catalog: Catalog, gpu: GPUSpec, gpusPerNode: Int = 8, context: PlanningContext) throws {
        var replicas: [NodePackingProblem.Replica] = []
        var unplaced: [String] = []
        for model in catalog.models {
            if let tp = SmallestLayout(model: model, gpu: gpu).tensorParallel, tp <= gpusPerNode {
                replicas.append(.init(name: model.name, gpus: tp))
            } else {
                unplaced.append(model.name)
            }
        }
        let problem = try NodePackingProblem(replicas: replicas, gpusPerNode: gpusPerNode)
        let planned = try NodePackingPlanner().plan(problem, context: context)
        report = Report(gpu: gpu.name, plan: planned.plan, unplaced: unplaced, solve: planned.solve)
    }

    func render() -> String {
        let plan = report.plan
        var lines = [
            "\(plan.placements.count) replicas on \(report.gpu) nodes of \(plan.gpusPerNode) GPUs: "
                + "\(plan.nodes.map(String.init) ?? "none") nodes (lower bound \(plan.lowerBound)), status \(report.solve.status.rawValue), "
                + "solved in \(Format.fixed(report.solve.solveSeconds, 3)) s",
        ]
        for (node, members) in plan.byNode {
            let used = members.reduce(0) { $0 + $1.gpus }
            lines.append("  node \(node + 1): \(used)/\(plan.gpusPerNode) GPUs  " + members.map { "\($0.name) (\($0.gpus))" }.joined(separator: ", "))
        }
        if !report.unplaced.isEmpty {
            lines.append("  needs more than one node: " + report.unplaced.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }
}
