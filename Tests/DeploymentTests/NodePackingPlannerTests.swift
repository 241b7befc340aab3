import Deployment
import Planning
import ServingModel
import Solver
import Testing

/// The bin-packing MILP against brute force: every assignment of replicas to nodes enumerated.
@Suite struct NodePackingPlannerTests {
    /// Fewest nodes over every assignment of `sizes` to at most `sizes.count` nodes of `capacity`
    /// (nodes filled in order, so each assignment is counted once up to relabelling).
    static func bruteForceNodes(_ sizes: [Int], capacity: Int) -> Int {
        var best = sizes.count
        func place(_ index: Int, _ loads: [Int]) {
            guard loads.count < best else { return }
            guard index < sizes.count else {
                best = loads.count
                return
            }
            for node in loads.indices where loads[node] + sizes[index] <= capacity {
                var next = loads
                next[node] += sizes[index]
                place(index + 1, next)
            }
            place(index + 1, loads + [sizes[index]])
        }
        place(0, [])
        return best
    }

    /// First-fit decreasing's classic miss: {5,4,3,3,3,2} on 10-GPU nodes, FFD packs 5+4 | 3+3+3 | 2
    /// (3 nodes), the optimum 5+3+2 | 4+3+3 (2 nodes, the lower bound).
    @Test func beatsFirstFitDecreasingWhereItMisses() throws {
        let sizes = [5, 4, 3, 3, 3, 2]
        let problem = try NodePackingProblem(
            replicas: sizes.enumerated().map { .init(name: "r\($0.offset)", gpus: $0.element) }, gpusPerNode: 10)
        #expect(problem.firstFitDecreasingNodes == 3)
        #expect(problem.lowerBound == 2)
        let planned = try NodePackingPlanner().plan(problem, context: PlanningContext())
        #expect(planned.solve.status == .optimal)
        #expect(planned.plan.nodes == 2)
        #expect(Self.bruteForceNodes(sizes, capacity: 10) == 2)
        // The placement respects every node's capacity and places every replica once.
        for (_, members) in planned.plan.byNode { #expect(members.reduce(0) { $0 + $1.gpus } <= 10) }
        #expect(planned.plan.placements.count == sizes.count)
        #expect(planned.plan.placements.allSatisfy { $0.node >= 0 })
    }

    /// Random small instances: the MILP's node count equals brute force's.
    @Test func matchesBruteForceOnRandomInstances() throws {
        var generator = SeededRandom(seed: 42)
        for _ in 0..<12 {
            let capacity = Int(generator.next() % 6) + 4
            let sizes = (0..<(Int(generator.next() % 5) + 3)).map { _ in Int(generator.next() % UInt64(capacity)) + 1 }
            let problem = try NodePackingProblem(
                replicas: sizes.enumerated().map { .init(name: "r\($0.offset)", gpus: $0.element) }, gpusPerNode: capacity)
            let planned = try NodePackingPlanner().plan(problem, context: PlanningContext())
            #expect(planned.plan.nodes == Self.bruteForceNodes(sizes, capacity: capacity), "sizes \(sizes), capacity \(capacity)")
        }
    }

    @Test func oversizedReplicaIsBadInput() {
        #expect(throws: PlanningError.badInput("replica 'big' needs 9 GPUs; a node has 8")) {
            try NodePackingProblem(replicas: [.init(name: "big", gpus: 9)], gpusPerNode: 8)
        }
    }

    /// --export-model's mechanism: the MILP goes through the context's solver.
    @Test func solvesThroughTheContextSolver() throws {
        let path = "/tmp/gpusched-node-packing-\(UInt64.random(in: 0...UInt64.max)).lp"
        let solver = try ModelExportingSolver(wrapping: HighsSolver(), path: path)
        let problem = try NodePackingProblem(replicas: [.init(name: "a", gpus: 4), .init(name: "b", gpus: 4)], gpusPerNode: 8)
        let planned = try NodePackingPlanner().plan(problem, context: PlanningContext(solver: solver))
        #expect(planned.plan.nodes == 1)
        #expect(solver.exported == [path])
    }
}
