import Testing
import ServingModel
import Solver
@testable import Cascade

/// The deployment MILP and the dynamic program against brute-force enumeration of every GPU split.
@Suite struct DeploymentMILPTests {
    /// A table with given values per GPU count (infinite = does not serve).
    func table(_ values: [Double], metric: StageTable.Metric) throws -> StageTable {
        var table = StageTable(
            options: [], workload: StageWorkload(samples: QualitySamples(models: ["x"], requests: []), indices: [], stage: 0,
                                                 arrivalRate: 1, chunkSize: 1),
            gpus: values.count - 1, engine: try Fixture.engine(), metric: metric)
        table.values = values
        table.layouts = values.map { _ in StageLayout(layout: ParallelLayout(), replicas: 1) }
        return table
    }

    /// Every split of `n` GPUs over the stages that each table serves.
    func splits(_ n: Int, stages: Int) -> [[Int]] {
        guard stages > 1 else { return [[n]] }
        return (0...n).flatMap { first in splits(n - first, stages: stages - 1).map { [first] + $0 } }
    }

    @Test(arguments: [1, 2, 3, 4, 5])
    func optimumEqualsBruteForce(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        let n = 12
        // Non-increasing latencies with a minimum GPU count per stage (like l_i(f)), random reach.
        let minimum = [1, 2, 4]
        let latency: [[Double]] = minimum.map { least in
            var value = 5 + 20 * random.uniform()
            return (0...n).map { f in
                guard f >= least else { return .infinity }
                value *= 0.6 + 0.4 * random.uniform()
                return value
            }
        }
        let reach = [1, 0.3 + 0.5 * random.uniform(), 0.1 + 0.2 * random.uniform()]
        let rates = latency.map { row in row.map { $0.isFinite ? 100 / $0 : 0 } }
        for objective in DeploymentObjective.allCases {
            let metric: StageTable.Metric = objective == .throughput ? .maxRate(budget: 1) : .p95Latency
            let tables = try (objective == .throughput ? rates : latency).map { try table($0, metric: metric) }
            let solution = try #require(try DeploymentMILP.solve(tables: tables, weights: reach, totalGPUs: n, objective: objective))
            let values = splits(n, stages: 3).filter { split in split.indices.allSatisfy { tables[$0].serves(split[$0]) } }
                .map { DeploymentMILP.value(of: $0, tables: tables, weights: reach, objective: objective) }
            let best = try #require(objective == .throughput ? values.max() : values.min())
            #expect(abs(solution.objective - best) < 1e-9 * max(1, abs(best)), "\(objective)")
            #expect(solution.gpus.reduce(0, +) == n)
            let dp = try #require(DeploymentDP.solve(tables: tables, weights: reach, totalGPUs: n, objective: objective))
            #expect(abs(dp.objective - best) < 1e-9 * max(1, abs(best)), "\(objective) (DP)")
            #expect(dp.gpus.reduce(0, +) == n)
        }
    }

    /// With a previous plan among several optima, the MILP keeps it.
    @Test func tiesGoToThePreviousPlan() throws {
        let flat = try table([.infinity, 3, 3, 3, 3, 3], metric: .p95Latency)
        let tables = [flat, flat]
        for previous in [[1, 4], [2, 3], [4, 1]] {
            let solution = try #require(try DeploymentMILP.solve(
                tables: tables, weights: [1, 1], totalGPUs: 5, objective: .maxStageLatency, previous: previous))
            #expect(solution.gpus == previous)
            let dp = DeploymentDP.solve(tables: tables, weights: [1, 1], totalGPUs: 5, objective: .maxStageLatency, previous: previous)
            #expect(dp?.gpus == previous)
        }
    }

    /// The bottleneck stage cannot use a third GPU: (1, 3) and (2, 2) both reach the min-max optimum
    /// 8, and the tie goes to the lower reach-weighted sum (3 + 0.5 · 8 = 7 against 5 + 4 = 9). In
    /// throughput mode a second stage with a flat rate of 0.125 (0.25 per reach) ties every split at
    /// 0.25, and the tie goes to the most spare capacity: (3, 1), the first stage at rate 0.5.
    @Test func minMaxTiesGoToTheShorterPathsAndSpareCapacity() throws {
        let latency = try [table([.infinity, 5, 3, 2, 2], metric: .p95Latency), table([.infinity, 10, 8, 8, 8], metric: .p95Latency)]
        let solution = try #require(try DeploymentMILP.solve(tables: latency, weights: [1, 0.5], totalGPUs: 4, objective: .maxStageLatency))
        #expect(solution.gpus == [2, 2] && solution.objective == 8)
        let rates = try [table([0, 0.25, 1.0 / 3, 0.5, 0.5], metric: .maxRate(budget: 1)), table([0, 0.125, 0.125, 0.125, 0.125], metric: .maxRate(budget: 1))]
        let throughput = try #require(try DeploymentMILP.solve(tables: rates, weights: [1, 0.5], totalGPUs: 4, objective: .throughput))
        #expect(throughput.gpus == [3, 1] && abs(throughput.objective - 0.25) < 1e-12)
    }
}
