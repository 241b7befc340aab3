import Foundation
import Planning
import Testing
@testable import ExpertPlacement

/// `layerLoad` (each GPU's load over its layer's mean, per MoE layer) in `PlacementMetrics` and in
/// the `plan-moe` evaluations: hand-computed instances, and on a larger one the identities that tie
/// it to `maxMeanLoad` and `worstLayerMaxMeanLoad`.
@Suite struct LayerLoadTests {
    /// Three GPUs on a line (0 – 1 – 2, one hop apart), two MoE layers, three experts. Layer 0:
    /// GPU 0 holds experts {0, 1}, GPU 1 {2}, GPU 2 {0}; GPU 0 sends 6 tokens to expert 0, GPU 1
    /// sends 4 to expert 0 (replicas on GPUs 0 and 2, both one hop away), 2 to expert 1, 6 to
    /// expert 2. Layer 1 has no tokens.
    static func lineInstance(routing: ReplicaRouting) -> (ExpertPlan, ActivationCounts, DistanceMatrix) {
        let distances = DistanceMatrix(rows: [[0, 1, 2], [1, 0, 1], [2, 1, 0]])
        var counts = ActivationCounts(layers: 2, sources: 3, experts: 3, tokens: 18)
        counts[0, 0, 0] = 6
        counts[0, 1, 0] = 4
        counts[0, 1, 1] = 2
        counts[0, 1, 2] = 6
        let plan = ExpertPlan(method: .greedy, layers: [[[0, 1], [2], [0]], [[0, 1], [2], [0]]], routing: routing)
        return (plan, counts, distances)
    }

    static func expectClose(_ actual: [[Double]], _ expected: [[Double]], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual.map(\.count) == expected.map(\.count), sourceLocation: sourceLocation)
        for (row, expectedRow) in zip(actual, expected) {
            for (value, expectedValue) in zip(row, expectedRow) {
                #expect(abs(value - expectedValue) < 1e-12, "\(actual) vs \(expected)", sourceLocation: sourceLocation)
            }
        }
    }

    /// Nearest: GPU 0 gets its own 6, half of GPU 1's tie (2) and expert 1's 2 = 10; GPU 1 6;
    /// GPU 2 2 (mean 6). Even: expert 0's 10 tokens 5 | 5 over GPUs 0 and 2: loads 7, 6, 5.
    /// Layer 1 has no tokens: all 1.
    @Test(arguments: [(ReplicaRouting.nearest, 10.0, 2.0), (.even, 7.0, 5.0)])
    func handComputedLoadsPerRouting(routing: ReplicaRouting, gpu0: Double, gpu2: Double) {
        let (plan, counts, distances) = Self.lineInstance(routing: routing)
        let metrics = PlacementMetrics(plan: plan, counts: counts, distances: distances, bytesPerActivation: 1)
        Self.expectClose(metrics.layerLoad, [[gpu0 / 6, 1, gpu2 / 6], [1, 1, 1]])
        #expect(abs(metrics.maxMeanLoad - (gpu0 / 6 + 1) / 2) < 1e-12)
        #expect(abs(metrics.worstLayerMaxMeanLoad - gpu0 / 6) < 1e-12)
    }

    /// `MoEPlannerTests.handProblem`: load-aware loads 0.7 | 0.3, round-robin 0.6 | 0.4 (mean 0.5),
    /// and the key in the encoded report.
    @Test func planReportCarriesEachMethodsLayerLoad() throws {
        let problem = try MoEPlannerTests.handProblem(methods: [.loadAware, .roundRobin])
        let report = try MoEPlanReport(try MoEPlanner().plan(problem, context: PlanningContext()), evaluator: try MoEEvaluator(problem))
        #expect(report.evaluations.map(\.method) == [.loadAware, .roundRobin])
        Self.expectClose(report.evaluations[0].layerLoad, [[1.4, 0.6]])
        Self.expectClose(report.evaluations[1].layerLoad, [[1.2, 0.8]])

        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any]
        let evaluations = try #require(json?["evaluations"] as? [[String: Any]])
        let encoded = try #require(evaluations.first?["layerLoad"] as? [[Double]])
        Self.expectClose(encoded, [[1.4, 0.6]])
    }

    /// Every method on a sparse Dragonfly (3 layers, 8 GPUs): one row per layer and one entry per
    /// GPU, each row averaging 1, the mean of the rows' maxima is `maxMeanLoad`, the largest entry
    /// `worstLayerMaxMeanLoad`.
    @Test func rowsAverageOneAndTheirMaximaAreTheLoadFigures() throws {
        let topology = ClusterTopology.dragonfly(groups: 4, nodesPerGroup: 2, gpusPerNode: 1, drop: 0.5, seed: 2)
        let (placement, data) = try MethodTests.instance(topology, skew: 0.8, uniform: false, redundant: 8, slots: 5)
        let problem = MoEProblem(
            placement: placement, evaluation: data.evaluation, methods: PlacementMethod.listable,
            bytesPerActivation: 1, setting: MoEPlannerTests.setting)
        let report = try MoEPlanReport(try MoEPlanner().plan(problem, context: PlanningContext()), evaluator: try MoEEvaluator(problem))
        #expect(report.evaluations.count == PlacementMethod.listable.count)
        for evaluation in report.evaluations {
            let rows = evaluation.layerLoad
            #expect(rows.count == 3 && rows.allSatisfy { $0.count == 8 }, "\(evaluation.method)")
            for row in rows { #expect(abs(row.reduce(0, +) / 8 - 1) < 1e-12, "\(evaluation.method)") }
            let maxima = rows.map { $0.max() ?? 0 }
            #expect(abs(maxima.reduce(0, +) / 3 - evaluation.maxMeanLoad) < 1e-12, "\(evaluation.method)")
            #expect(maxima.max() == evaluation.worstLayerMaxMeanLoad, "\(evaluation.method)")
        }
    }
}
