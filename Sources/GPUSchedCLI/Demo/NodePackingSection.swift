import ServingModel
import Solver

/// Demo section: place one replica of every model that fits on a single node into the fewest
/// nodes of one GPU type — a bin-packing MILP solved exactly by HiGHS.
///
/// Each replica uses its smallest fitting TP degree (from `MemoryFitSection`) and must sit on one
/// node (tensor parallelism needs NVLink). Variables: `use[n]` (node n is used) and
/// `place[r][n]` (replica r on node n). Families: "placement" (each replica once), "capacity"
/// (GPUs per node), "symmetry" (nodes used in order, which removes equivalent solutions).
struct NodePackingSection {
    struct Placement: Encodable {
        var model: String
        var gpus: Int
        var node: Int
    }

    struct Report: Encodable {
        var gpu: String
        var gpusPerNode: Int
        var nodes: Int?
        /// ⌈total GPUs / GPUs per node⌉, a bound no packing can beat.
        var lowerBound: Int
        var placements: [Placement]
        /// Models whose smallest layout does not fit on one node.
        var unplaced: [String]
        var solve: SolveReport
    }

    let report: Report

    init(catalog: Catalog, gpu: GPUSpec, gpusPerNode: Int = 8, solver: some LinearSolver = HighsSolver()) throws {
        var replicas: [(model: String, gpus: Int)] = []
        var unplaced: [String] = []
        for model in catalog.models {
            let fit = MemoryFitSection.smallestFit(model: model, gpu: gpu)
            if let tp = fit.tensorParallel, tp <= gpusPerNode {
                replicas.append((model.name, tp))
            } else {
                unplaced.append(model.name)
            }
        }
        let totalGPUs = replicas.reduce(0) { $0 + $1.gpus }
        let lowerBound = (totalGPUs + gpusPerNode - 1) / gpusPerNode
        let nodeCount = max(1, Self.firstFitDecreasing(replicas.map(\.gpus), capacity: gpusPerNode))

        var model = LinearModel(name: "node-packing")
        let use = model.addVariables(count: nodeCount, kind: .binary) { "use_node\($0)" }
        let place = replicas.map { replica in
            model.addVariables(count: nodeCount, kind: .binary) { "place_\(replica.model)_node\($0)" }
        }
        for (r, replica) in replicas.enumerated() {
            model.addConstraint(LinearExpression.sum(place[r]) == 1, name: "place_\(replica.model)", family: "placement")
        }
        for n in 0..<nodeCount {
            var load = LinearExpression.sum(replicas.indices.map { (place[$0][n], Double(replicas[$0].gpus)) })
            load.add(use[n], coefficient: -Double(gpusPerNode))
            model.addConstraint(load <= 0, name: "capacity_node\(n)", family: "capacity")
            if n > 0 { model.addConstraint(use[n] <= use[n - 1].expression, name: "order_node\(n)", family: "symmetry") }
        }
        model.minimize(LinearExpression.sum(use))
        let result = try solver.solve(model, options: SolveOptions(timeLimit: 30, relativeGap: 0))

        var placements: [Placement] = []
        if result.status.hasSolution {
            for (r, replica) in replicas.enumerated() {
                let node = place[r].firstIndex { result[$0] > 0.5 } ?? -1
                placements.append(Placement(model: replica.model, gpus: replica.gpus, node: node))
            }
        }
        report = Report(
            gpu: gpu.name, gpusPerNode: gpusPerNode,
            nodes: result.objectiveValue.map { Int($0.rounded()) }, lowerBound: lowerBound,
            placements: placements, unplaced: unplaced, solve: SolveReport(result, includeValues: false))
    }

    /// Nodes used by first-fit decreasing, an upper bound for the MILP's node count.
    static func firstFitDecreasing(_ sizes: [Int], capacity: Int) -> Int {
        var free: [Int] = []
        for size in sizes.sorted(by: >) {
            if let index = free.firstIndex(where: { $0 >= size }) { free[index] -= size } else { free.append(capacity - size) }
        }
        return free.count
    }

    func render() -> String {
        var lines: [String] = []
        let nodes = report.nodes.map(String.init) ?? "none"
        lines.append("\(report.placements.count) replicas on \(report.gpu) nodes of \(report.gpusPerNode) GPUs: "
            + "\(nodes) nodes (lower bound \(report.lowerBound)), status \(report.solve.status), "
            + "solved in \(Format.fixed(report.solve.solveSeconds, 3)) s")
        let byNode = Dictionary(grouping: report.placements, by: \.node)
        for node in byNode.keys.sorted() {
            let members = byNode[node]!.map { "\($0.model) (\($0.gpus))" }.joined(separator: ", ")
            let used = byNode[node]!.reduce(0) { $0 + $1.gpus }
            lines.append("  node \(node + 1): \(used)/\(report.gpusPerNode) GPUs  \(members)")
        }
        if !report.unplaced.isEmpty {
            lines.append("  needs more than one node: " + report.unplaced.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }
}
