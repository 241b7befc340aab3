@testable import Deployment
import Planning
import ServingModel
import Solver
import Testing

/// The deployment MILP's optimum equals brute-force enumeration on small instances: 1–2 models,
/// 1–2 GPU types of up to 16 GPUs (partial nodes included), a handful of hand-set columns (some
/// evaluated at a pooled count, some prefill/decode pairs with the KV-transfer bound), each objective.
///
/// The enumeration walks every replica-count vector within the pools' GPUs, keeps those whose
/// TP groups pack onto the nodes (first-fit decreasing, node by node — not the MILP's
/// per-size rows), computes each model's served rate from the columns' `capacityPerReplica`
/// and the disaggregated bound min(prefill, decode, 80 % of the prefill GPUs' bandwidth over a
/// request's KV bytes), and takes the best objective directly.
@Suite struct DeployMILPBruteForceTests {
    /// One random instance: the problem and its columns.
    struct Instance {
        var problem: DeployProblem
        var columns: [PatternColumn]
        var promptTokens: Int
    }

    static let models = ["llama-3.1-8b", "qwen3-8b"]
    static let pools: [(gpu: String, perNode: Int, price: Double)] = [("H100-80GB", 8, 2.5), ("L40S", 4, 0.9)]

    /// A seeded instance under `objective`.
    static func instance(seed: UInt64, objective: DeployObjective) throws -> Instance {
        var random = SeededRandom(seed: seed)
        func pick(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(random.uniform() * Double(range.count)) }
        func real(_ low: Double, _ high: Double) -> Double { low + (high - low) * random.uniform() }
        let catalog = Catalog.builtin
        let prompt = 1000
        var fleet: [FleetPool] = []
        for (index, entry) in pools.prefix(pick(1...2)).enumerated() {
            let gpu = try #require(catalog.gpu(named: entry.gpu))
            let count = index == 0 ? pick(4...16) : pick(3...10)
            fleet.append(FleetPool(
                gpu: gpu, count: count, gpusPerNode: entry.perNode, pricePerHour: entry.price * real(0.8, 1.2),
                networkBandwidth: real(2e8, 4e9)))
        }
        var demands: [ModelDemand] = []
        var columns: [PatternColumn] = []
        for m in 0..<pick(1...2) {
            let spec = try #require(catalog.model(named: models[m]))
            var offered = 0.0
            for (t, pool) in fleet.enumerated() {
                func column(tp: Int, role: ServingRole, perReplica: [Double]) -> PatternColumn {
                    let layout = ParallelLayout(tensorParallel: tp)
                    let pattern = ReplicaPattern(
                        model: m, pool: t, layout: layout, role: role, maxBatch: 64 * columns.count + 64, chunkTokens: 2048,
                        memoryUtilization: 0.9, kvCapacityTokens: 100_000, kvBytesPerToken: 131_072,
                        roofline: RooflineModel(model: spec, gpu: pool.gpu, layout: layout))
                    // As ColumnBuilder does: the per-replica figure is the pooled one at the expected count.
                    return PatternColumn(
                        pattern: pattern, capacity: PatternCapacity(perReplica: perReplica, binding: "tpot", atCapacity: nil),
                        costPerHour: (pool.pricePerHour ?? 0) * Double(tp), pooledReplicas: perReplica.count,
                        capacityPerReplica: perReplica.last)
                }
                let tps = [1, 2, 4].filter { $0 <= pool.gpusPerNode && $0 <= pool.count }
                for _ in 0..<pick(1...2) {
                    let tp = tps[pick(0...(tps.count - 1))]
                    let base = real(1, 4) * Double(tp).squareRoot()
                    let perReplica = random.uniform() < 0.5
                        ? [base] : (0..<pick(2...3)).map { base * (1 + 0.12 * Double($0) * real(0.5, 1.5)) }
                    columns.append(column(tp: tp, role: .aggregated, perReplica: perReplica))
                    offered += base * Double(pool.count / tp)
                }
                if random.uniform() < 0.5 {
                    let prefillTP = tps[pick(0...(tps.count - 1))], decodeTP = tps[pick(0...(tps.count - 1))]
                    let prefillBase = real(3, 8) * Double(prefillTP)
                    columns.append(column(tp: prefillTP, role: .prefill, perReplica: random.uniform() < 0.5 ? [prefillBase] : [prefillBase, 1.1 * prefillBase]))
                    columns.append(column(tp: decodeTP, role: .decode, perReplica: [real(1.5, 5) * Double(decodeTP)]))
                }
            }
            let rate = real(0.15, 0.9) * offered / 2
            demands.append(ModelDemand(
                model: spec, workload: .synthetic(rate: rate, prompt: .fixed(prompt), output: .fixed(200)),
                slo: DeploySLO(ttftQuantile: 0.9, ttftSeconds: 1, tpotQuantile: 0.9, tpotSeconds: 0.05)))
        }
        // Keep the enumeration small: drop trailing columns while the count vectors exceed 40,000.
        func vectors(_ kept: [PatternColumn]) -> Double {
            kept.reduce(1.0) { $0 * Double(fleet[$1.pattern.pool].count / $1.pattern.gpus + 1) }
        }
        while columns.count > 2, vectors(columns) > 40_000 { columns.removeLast() }
        var settings = DeploySearchSettings()
        settings.relativeGap = 1e-9
        settings.timeLimit = 60
        let problem = DeployProblem(fleet: fleet, models: demands, objective: objective, modes: [.aggregated, .disaggregated], settings: settings)
        return Instance(problem: problem, columns: columns, promptTokens: prompt)
    }

    /// Whether replicas with these counts pack onto the pool's nodes: TP groups largest first,
    /// each into the first node with room.
    static func packs(_ instance: Instance, counts: [Int], pool: Int) -> Bool {
        var free = instance.problem.fleet[pool].nodeCapacities
        let items = instance.columns.indices.filter { instance.columns[$0].pattern.pool == pool }
            .flatMap { Array(repeating: instance.columns[$0].pattern.layout.tensorParallel, count: counts[$0] * instance.columns[$0].pattern.layout.pipelineParallel) }
            .sorted(by: >)
        for size in items {
            guard let node = free.firstIndex(where: { $0 >= size }) else { return false }
            free[node] -= size
        }
        return true
    }

    /// Requests per second each model is served with these counts.
    static func served(_ instance: Instance, counts: [Int]) -> [Double] {
        let problem = instance.problem
        return problem.models.indices.map { m in
            var rate = 0.0
            for (c, column) in instance.columns.enumerated() where column.pattern.model == m && column.pattern.role == .aggregated {
                rate += column.capacityPerReplica * Double(counts[c])
            }
            for (t, pool) in problem.fleet.enumerated() {
                let own = instance.columns.indices.filter { instance.columns[$0].pattern.model == m && instance.columns[$0].pattern.pool == t }
                let prefill = own.filter { instance.columns[$0].pattern.role == .prefill }
                let decode = own.filter { instance.columns[$0].pattern.role == .decode }
                guard !prefill.isEmpty, !decode.isEmpty else { continue }
                let prefillRate = prefill.reduce(0.0) { $0 + instance.columns[$1].capacityPerReplica * Double(counts[$1]) }
                let decodeRate = decode.reduce(0.0) { $0 + instance.columns[$1].capacityPerReplica * Double(counts[$1]) }
                let prefillGPUs = prefill.reduce(0.0) { $0 + Double(counts[$1] * instance.columns[$1].pattern.gpus) }
                let transfer = 0.8 * pool.networkBandwidth * prefillGPUs / (Double(instance.promptTokens) * 131_072)
                rate += min(prefillRate, decodeRate, transfer)
            }
            return rate
        }
    }

    /// The objective of a count vector (lower is better; max-rate negated), nil when infeasible.
    static func value(_ instance: Instance, counts: [Int]) -> Double? {
        let problem = instance.problem
        guard problem.fleet.indices.allSatisfy({ packs(instance, counts: counts, pool: $0) }) else { return nil }
        let rates = served(instance, counts: counts)
        let demand = problem.models.map(\.workload.arrivalRate)
        switch problem.objective {
        case .maxRate:
            return -zip(rates, demand).map { $0 / $1 }.min()!
        case .minCost, .minGPUs:
            guard zip(rates, demand).allSatisfy({ $0 >= $1 * (1 - 1e-7) }) else { return nil }
            if problem.objective == .minGPUs {
                return Double(zip(instance.columns, counts).reduce(0) { $0 + $1.0.pattern.gpus * $1.1 })
            }
            return zip(instance.columns, counts).reduce(0.0) {
                $0 + (problem.fleet[$1.0.pattern.pool].pricePerHour ?? 0) * Double($1.0.pattern.gpus * $1.1)
            }
        }
    }

    /// The best objective over every count vector within the pools' GPUs (nil: none feasible), and how many were tried.
    static func bruteForce(_ instance: Instance) -> (best: Double?, vectors: Int) {
        var best: Double?
        var vectors = 0
        var counts = Array(repeating: 0, count: instance.columns.count)
        var used = Array(repeating: 0, count: instance.problem.fleet.count)
        func walk(_ index: Int) {
            guard index < counts.count else {
                vectors += 1
                if let value = value(instance, counts: counts), value < (best ?? .infinity) { best = value }
                return
            }
            let column = instance.columns[index].pattern
            var n = 0
            while used[column.pool] + n * column.gpus <= instance.problem.fleet[column.pool].count {
                counts[index] = n
                used[column.pool] += n * column.gpus
                walk(index + 1)
                used[column.pool] -= n * column.gpus
                n += 1
            }
            counts[index] = 0
        }
        walk(0)
        return (best, vectors)
    }

    @Test(arguments: DeployObjective.allCases)
    func milpOptimumEqualsBruteForce(objective: DeployObjective) throws {
        var feasible = 0, pooled = 0, disaggregated = 0, packingBound = 0
        for seed in UInt64(1)...40 {
            let instance = try Self.instance(seed: seed, objective: objective)
            let (best, vectors) = Self.bruteForce(instance)
            #expect(vectors > 1)
            let solution = try DeployMILP(problem: instance.problem, columns: instance.columns).solve(solver: HighsSolver())
            guard let best else {
                #expect(!solution.result.status.hasSolution, "seed \(seed): brute force finds no feasible plan, the MILP does")
                continue
            }
            feasible += 1
            if instance.columns.contains(where: { $0.capacity.perReplica.count > 1 }) { pooled += 1 }
            if instance.columns.contains(where: { $0.pattern.role == .prefill }) { disaggregated += 1 }
            if instance.problem.fleet.contains(where: { $0.count % $0.gpusPerNode != 0 }) { packingBound += 1 }
            try #require(solution.result.status.hasSolution, "seed \(seed): the MILP finds no plan, brute force does (\(best))")
            // The formulation itself, solved without HiGHS's presolve: its optimum is the brute-force one.
            let exact = try HighsSolver().solve(
                solution.built.model, options: SolveOptions(relativeGap: 1e-9, backendOptions: ["presolve": "off"]))
            let exactCounts = solution.built.counts.map { Int(exact[$0].rounded()) }
            let exactValue = try #require(Self.value(instance, counts: exactCounts), "seed \(seed): counts \(exactCounts) are infeasible")
            #expect(abs(exactValue - best) <= 1e-5 * max(1, abs(best)), "seed \(seed): MILP counts \(exactCounts) give \(exactValue), brute force \(best)")
            // DeployMILP.solve as the planner runs it (presolve on) finds the same optimum.
            let own = try #require(Self.value(instance, counts: solution.counts), "seed \(seed): the MILP's counts \(solution.counts) are infeasible")
            #expect(abs(own - best) <= 1e-5 * max(1, abs(best)), "seed \(seed): MILP counts \(solution.counts) give \(own), brute force \(best)")
            if objective == .maxRate {
                #expect(abs(-solution.scale - best) <= 1e-5 * max(1, abs(best)), "seed \(seed): MILP scale \(solution.scale), brute force \(-best)")
            }
            if objective != .maxRate {
                #expect(abs((solution.result.objectiveValue ?? .nan) - own) <= 1e-4 * max(1, abs(own)), "seed \(seed): objective vs counts")
            }
        }
        // The seeds cover what the test is about: feasible plans, pooling, disaggregated pairs, partial nodes.
        #expect(feasible >= 30)
        #expect(pooled >= 10 && disaggregated >= 10 && packingBound >= 10)
    }
}
