import Testing
import ServingModel
import Solver
@testable import Cascade

/// The fast deployment level against the exhaustive computations it replaced: the flat-array DP
/// (last stage to N GPUs only) against the closure DP over every total, and the compact MILP against
/// brute-force enumeration of every split followed by the same tie-break the full MILP applied.
@Suite struct DeploymentFastPathTests {
    /// A table with given values per GPU count.
    func table(_ values: [Double], metric: StageTable.Metric) throws -> StageTable {
        var table = StageTable(
            options: [], workload: StageWorkload(samples: QualitySamples(models: ["x"], requests: []), indices: [], stage: 0,
                                                 arrivalRate: 1, chunkSize: 1),
            gpus: values.count - 1, engine: try Fixture.engine(), metric: metric)
        table.values = values
        table.layouts = values.map { _ in StageLayout(layout: ParallelLayout(), replicas: 1) }
        return table
    }

    /// The deployment DP as it was: every stage, the last included, extended to every total, by
    /// `AllocationDP`'s order (used GPUs upward, then the stage's count upward; a later candidate
    /// replaces an earlier one only when strictly better).
    func exhaustiveDP(
        tables: [StageTable], weights: [Double], n: Int, objective: DeploymentObjective, previous: [Int]?
    ) -> DeploymentMILP.Solution? {
        let maximise = objective == .throughput
        var best: [(value: Double, changes: Int)?] = (0...n).map { $0 == 0 ? (maximise ? .infinity : 0, 0) : nil }
        var choices: [[Int]] = []
        for stage in tables.indices {
            var next = [(value: Double, changes: Int)?](repeating: nil, count: n + 1)
            var choice = [Int](repeating: -1, count: n + 1)
            for used in 0...n {
                guard let sofar = best[used] else { continue }
                for f in 0...(n - used) where tables[stage].serves(f) {
                    let entry = tables[stage].values[f]
                    let value: Double
                    switch objective {
                    case .maxStageLatency: value = max(sofar.value, entry)
                    case .endToEndLatency: value = sofar.value + weights[stage] * entry
                    case .throughput: value = weights[stage] > 0 ? min(sofar.value, entry / weights[stage]) : sofar.value
                    }
                    let changes = sofar.changes + (previous.map { $0[stage] != f ? 1 : 0 } ?? 0)
                    if let current = next[used + f] {
                        let better = value != current.value
                            ? (maximise ? value > current.value : value < current.value) : changes < current.changes
                        if !better { continue }
                    }
                    next[used + f] = (value, changes)
                    choice[used + f] = f
                }
            }
            best = next
            choices.append(choice)
        }
        guard let final = best[n], final.value.isFinite || maximise else { return nil }
        var gpus = [Int](repeating: 0, count: tables.count), remaining = n
        for stage in tables.indices.reversed() {
            gpus[stage] = choices[stage][remaining]
            remaining -= gpus[stage]
        }
        return DeploymentMILP.Solution(gpus: gpus, objective: final.value)
    }

    /// Every split of `n` GPUs over `stages` stages.
    func splits(_ n: Int, stages: Int) -> [[Int]] {
        guard stages > 1 else { return [[n]] }
        return (0...n).flatMap { first in splits(n - first, stages: stages - 1).map { [first] + $0 } }
    }

    /// The best objective over every split that each table serves (brute force).
    func bruteForceOptimum(tables: [StageTable], weights: [Double], n: Int, objective: DeploymentObjective) -> Double? {
        let values = splits(n, stages: tables.count)
            .filter { split in split.indices.allSatisfy { tables[$0].serves(split[$0]) } }
            .map { DeploymentMILP.value(of: $0, tables: tables, weights: weights, objective: objective) }
        return objective == .throughput ? values.max() : values.min()
    }

    /// Random tables full of ties (values from a few levels, held over runs of counts), with
    /// counts that do not serve, stages without traffic, non-monotone stretches and a previous
    /// plan half the time: the flat DP returns the same split and the same value, bit for bit.
    @Test(arguments: Array(UInt64(1)...UInt64(40)))
    func flatDPMatchesTheExhaustiveDP(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        let n = random.integer(in: 0...14)
        let stages = random.integer(in: 1...4)
        let levels = [1.0, 2, 2.5, 4, 8]
        for objective in DeploymentObjective.allCases {
            let throughput = objective == .throughput
            var tables: [StageTable] = []
            var weights: [Double] = []
            for stage in 0..<stages {
                let idle = stage > 0 && random.uniform() < 0.2
                weights.append(idle ? 0 : [1, 0.5, 0.25][random.integer(in: 0...2)])
                var level = levels[random.integer(in: 0...4)]
                let values = (0...n).map { f -> Double in
                    if idle { return f == 0 ? (throughput ? .infinity : 0) : (throughput ? 0 : .infinity) }
                    if random.uniform() < 0.15 { return throughput ? 0 : .infinity }
                    if random.uniform() < 0.4 { level = levels[random.integer(in: 0...4)] }
                    return level
                }
                tables.append(try table(values, metric: throughput ? .maxRate(budget: 1) : .p95Latency))
            }
            let previous = random.uniform() < 0.5 ? (0..<stages).map { _ in random.integer(in: 0...n) } : nil
            let fast = DeploymentDP.solve(tables: tables, weights: weights, totalGPUs: n, objective: objective, previous: previous)
            let exhaustive = exhaustiveDP(tables: tables, weights: weights, n: n, objective: objective, previous: previous)
            #expect(fast == exhaustive, "\(objective), n \(n), previous \(String(describing: previous))")
            if previous == nil, let fast {
                let best = try #require(bruteForceOptimum(tables: tables, weights: weights, n: n, objective: objective))
                #expect(fast.objective == best, "\(objective)")
            }
        }
    }

    /// Monotone step tables like `StageTable`'s (replicas of a few sizes, each count's value that of
    /// its best layout), with a stage without traffic sometimes: the MILP takes the compact form and
    /// returns the brute-force optimum, and the split the full form's tie-break gives for it.
    @Test(arguments: Array(UInt64(1)...UInt64(12)))
    func compactMILPMatchesBruteForce(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        let n = 10 + random.integer(in: 0...6)
        for objective in [DeploymentObjective.maxStageLatency, .throughput] {
            let throughput = objective == .throughput
            var tables: [StageTable] = []
            var weights: [Double] = []
            for stage in 0..<3 {
                let idle = stage == 2 && random.uniform() < 0.3
                weights.append(idle ? 0 : [1, 0.6, 0.3][stage])
                // Layouts of 1, 2 and 4 GPUs (the smallest fitting one varies); a layout's latency
                // falls with its replicas, in coarse steps so that counts tie.
                let sizes = [1, 2, 4].filter { $0 >= [1, 2, 4][random.integer(in: 0...stage)] }
                let base = sizes.map { _ in Double(random.integer(in: 4...12)) }
                let values = (0...n).map { f -> Double in
                    if idle { return f == 0 ? (throughput ? .infinity : 0) : (throughput ? 0 : .infinity) }
                    let latencies = zip(sizes, base).filter { f >= $0.0 }.map { ($0.1 / Double(f / $0.0)).rounded() }
                    guard let best = latencies.min() else { return throughput ? 0 : .infinity }
                    return throughput ? 100 / max(1, best) : best
                }
                tables.append(try table(values, metric: throughput ? .maxRate(budget: 1) : .p95Latency))
            }
            #expect(DeploymentMILP.compactCounts(tables: tables, objective: objective, previous: nil) != nil)
            let solution = try #require(try DeploymentMILP.solve(tables: tables, weights: weights, totalGPUs: n, objective: objective))
            let best = try #require(bruteForceOptimum(tables: tables, weights: weights, n: n, objective: objective))
            #expect(solution.objective == best, "\(objective)")
            let full = try #require(DeploymentMILP.tieBroken(
                keeping: best, tables: tables, weights: weights, totalGPUs: n, objective: objective, previous: nil))
            #expect(solution.gpus == full, "\(objective)")
        }
    }

    /// The compact form only where it is exact: a stage that loses value from more GPUs, a previous
    /// plan or the end-to-end objective keep the full form; improving counts are read off the table.
    @Test func compactFormOnlyWhereExact() throws {
        let monotone = try table([.infinity, 9, 6, 6, 4, 4], metric: .p95Latency)
        let dip = try table([.infinity, 9, 6, 7, 4, 4], metric: .p95Latency)
        let idle = try table([0, .infinity, .infinity, .infinity, .infinity, .infinity], metric: .p95Latency)
        #expect(monotone.improvingCounts()?.counts == [1, 2, 4])
        #expect(idle.improvingCounts()?.counts == [0] && idle.improvingCounts()?.spare == false)
        #expect(dip.improvingCounts() == nil)
        #expect(DeploymentMILP.compactCounts(tables: [monotone, idle], objective: .maxStageLatency, previous: nil) == [[1, 2, 4], [0]])
        #expect(DeploymentMILP.compactCounts(tables: [monotone, dip], objective: .maxStageLatency, previous: nil) == nil)
        #expect(DeploymentMILP.compactCounts(tables: [monotone, monotone], objective: .maxStageLatency, previous: [2, 3]) == nil)
        #expect(DeploymentMILP.compactCounts(tables: [monotone, monotone], objective: .endToEndLatency, previous: nil) == nil)
        #expect(DeploymentMILP.compactCounts(tables: [idle, idle], objective: .maxStageLatency, previous: nil) == nil)
        // The dip: 3 GPUs (7) are worse than 2 (6). Five GPUs over two such stages split 2 + 3 or
        // 3 + 2 at best (7; 1 + 4 gives 9); the compact form's 2 + 2 with one GPU idle (6) is no split.
        let solution = try #require(try DeploymentMILP.solve(tables: [dip, dip], weights: [1, 1], totalGPUs: 5, objective: .maxStageLatency))
        #expect(solution.objective == 7 && solution.gpus.reduce(0, +) == 5)
    }

    /// The DeepSeek cascade's real stage tables at 64 GPUs (thresholds 85 / 80, both objectives):
    /// monotone, so the compact MILP runs, and it returns the brute-force optimum over all 2,145
    /// splits and the full form's split; the flat DP returns the exhaustive DP's split. Every
    /// throughput budget candidate is tried (those no layout meets have no split in either form).
    @Test(arguments: [DeploymentObjective.maxStageLatency, .throughput])
    func realTablesMatchBruteForce(objective: DeploymentObjective) throws {
        let problem = try Fixture.problem(gpus: 64, rate: 8, target: 90, objective: objective)
        let planner = try CascadePlanner(problem: problem, solver: HighsSolver())
        let outcome = problem.samples.replay([85, 80])
        let weights = outcome.reachFraction
        var servedCandidates = 0
        for budgets in planner.budgetCandidates() {
            let tables = problem.models.indices.map { planner.table(stage: $0, outcome: outcome, budgets: budgets, preferred: nil) }
            let fast = DeploymentDP.solve(tables: tables, weights: weights, totalGPUs: 64, objective: objective)
            #expect(fast == exhaustiveDP(tables: tables, weights: weights, n: 64, objective: objective, previous: nil))
            guard let best = bruteForceOptimum(tables: tables, weights: weights, n: 64, objective: objective) else {
                // A budget no stage layout meets: no split, in either form.
                #expect(try DeploymentMILP.solve(tables: tables, weights: weights, totalGPUs: 64, objective: objective) == nil)
                continue
            }
            servedCandidates += 1
            #expect(DeploymentMILP.compactCounts(tables: tables, objective: objective, previous: nil) != nil)
            let solution = try #require(try DeploymentMILP.solve(tables: tables, weights: weights, totalGPUs: 64, objective: objective))
            #expect(abs(solution.objective - best) <= 1e-12 * abs(best))
            let full = DeploymentMILP.tieBroken(
                keeping: best, tables: tables, weights: weights, totalGPUs: 64, objective: objective, previous: nil)
            #expect(solution.gpus == full)
        }
        #expect(servedCandidates >= 1)
    }
}
