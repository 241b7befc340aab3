import Foundation
import Planning
import ServingModel
import Solver
import Testing

@testable import Deployment

/// The three baselines of `plan deploy` against figures derived by hand, by brute force, or
/// measured from aiconfigurator 0.12.0 itself.
@Suite struct BaselineTests {
    static func gpu(_ name: String) throws -> GPUSpec { try #require(Catalog.builtin.gpu(named: name)) }
    static func model(_ name: String) throws -> ModelSpec { try #require(Catalog.builtin.model(named: name)) }

    /// Llama-3.1-8B at ISL 1024 / OSL 256, p90 TTFT 0.5 s and TPOT `tpot` (20 ms: aiconfigurator's
    /// measured case), `rate` requests per second.
    static func llama8B(rate: Double, tpot: Double = 0.02) throws -> ModelDemand {
        ModelDemand(
            model: try model("llama-3.1-8b"), workload: .synthetic(rate: rate, prompt: .fixed(1024), output: .fixed(256)),
            slo: DeploySLO(ttftQuantile: 0.9, ttftSeconds: 0.5, tpotQuantile: 0.9, tpotSeconds: tpot))
    }

    /// A second copy of a model under its own name (plans tell models apart by name).
    static func renamed(_ demand: ModelDemand) -> ModelDemand {
        var copy = demand
        copy.model.name += "-copy"
        return copy
    }

    /// Llama-3.1-8B at ISL 256 / OSL 256, TPOT 50 ms, for the baselines that read `CapacityModel`:
    /// its draft charges an almost idle replica's TPOT one whole prefill iteration (about 26 ms for
    /// 1024 tokens on an H100, over 50 ms on an A100), so at ISL 1024 and 20 ms it finds no capacity.
    static func llama8BCapacity(rate: Double) throws -> ModelDemand {
        ModelDemand(
            model: try model("llama-3.1-8b"), workload: .synthetic(rate: rate, prompt: .fixed(256), output: .fixed(256)),
            slo: DeploySLO(ttftQuantile: 0.9, ttftSeconds: 0.5, tpotQuantile: 0.9, tpotSeconds: 0.05))
    }

    // MARK: aiconfigurator

    /// Its aggregated batch schedule, read from `_DEFAULT_AGG_BATCH_SCHEDULE` (cut at 512): 1–15,
    /// 16–28 by 4, 32–56 by 8, 64–240 by 16, 256–480 by 32, then 512.
    @Test func aiconfiguratorBatchSchedule() {
        let schedule = AIConfiguratorEstimate.batchSchedule
        #expect(schedule.count == 15 + 4 + 4 + 12 + 8 + 1)
        #expect(schedule.first == 1 && schedule.last == 512)
        #expect(schedule.contains(96) && schedule.contains(480) && !schedule.contains(500))
    }

    /// Its context-token grid without chunked prefill: ISL 1024 steps by 1024 to 8192; ISL 3000
    /// steps by 3000 while under 8192, so 3000 and 6000.
    @Test func aiconfiguratorContextGrid() {
        #expect(AIConfiguratorEstimate.contextTokenGrid(isl: 1024) == Array(stride(from: 1024, through: 8192, by: 1024)))
        #expect(AIConfiguratorEstimate.contextTokenGrid(isl: 3000) == [3000, 6000])
    }

    /// One point by hand from `run_agg`: b = 16, ctx = 2048, ISL 1024, OSL 256. Two prompts and
    /// 16 − 2 = 14 decodes per mixed step, ⌈1024·16/2048⌉ = 8 mixed steps, 256 − 8 = 248 steps of
    /// 16 decodes; TTFT = (mixed + 32 × 0.8 ms) × (1 + log2 16 / 8) = 1.5 ×; TPOT the step mean.
    @Test func aiconfiguratorPointByHand() throws {
        let roofline = RooflineModel(model: try Self.model("llama-3.1-8b"), gpu: try Self.gpu("H100-80GB"), layout: ParallelLayout())
        let point = try #require(AIConfiguratorEstimate.estimate(
            roofline: roofline, layers: 32, gpus: 1, isl: 1024, osl: 256, batch: 16, contextTokens: 2048))
        var mixed = BatchShape(decodeStreams: 14, decodeContextTokens: 14 * 1152)
        mixed.addPrefillChunk(tokens: 1024, context: 0)
        mixed.addPrefillChunk(tokens: 1024, context: 0)
        let mix = roofline.iterationSeconds(mixed)
        let gen = roofline.iterationSeconds(BatchShape(decodeStreams: 16, decodeContextTokens: 16 * 1152))
        #expect(abs(point.ttft - (mix + 0.0256) * 1.5) < 1e-12)
        let tpot = (8 * mix + 248 * gen) / 256
        #expect(abs(point.tpot - tpot) < 1e-12)
        let perRequest = min(16 * 255 / (8 * mix + 248 * gen), 16 * 255 / (point.ttft + 255 * tpot)) / 255
        #expect(abs(point.requestsPerSecond - perRequest) < 1e-9)
        // Its guards: b − ⌈ctx / ISL⌉ must stay ≥ 1 for b > 1.
        #expect(AIConfiguratorEstimate.estimate(
            roofline: roofline, layers: 32, gpus: 1, isl: 1024, osl: 256, batch: 2, contextTokens: 2048) == nil)
    }

    /// aiconfigurator 0.12.0's own `cli default` for this case chose aggregated TP1 × 8 at batch 96,
    /// 5,060.9 tokens/s/GPU (measured beside GPUSched). On GPUSched's roofline (about 10 % slower
    /// decode on an H100) TP1 meets TPOT 20 ms up to batch 80 of its schedule, and TP1 and TP2 are
    /// within 1 % of each other per GPU; the method keeps the best point and copies it ⌊8 / TP⌋
    /// times, promising that many times its per-replica rate.
    @Test func aiconfiguratorCopiesBestPointOverTheNode() throws {
        let problem = DeployProblem(
            fleet: [FleetPool(gpu: try Self.gpu("H100-80GB"), count: 8, gpusPerNode: 8)], models: [try Self.llama8B(rate: 10)],
            objective: .maxRate)
        let plan = try AIConfiguratorBaseline().plan(problem)
        let group = try #require(plan.groups.first)
        #expect(plan.groups.count == 1)
        #expect(group.pp == 1 && group.count == 8 / group.tp)
        // Launched as its run_0.sh launches TP1 batch 96: --max-num-seqs 512 --max-num-batched-tokens 3036.
        #expect(group.maxBatch == 512 && group.chunkTokens == 512 + 1024 + 1500)
        let candidates = AIConfiguratorBaseline().candidates(problem, model: 0, pool: 0)
        let tp1 = try #require(candidates.filter { $0.pattern.gpus == 1 }.max { $0.estimate.tokensPerGPU < $1.estimate.tokensPerGPU })
        #expect(tp1.estimate.batch >= 64)
        #expect(candidates.allSatisfy { $0.estimate.ttft <= 0.5 && $0.estimate.tpot <= 0.02 })
        let chosen = group.capacityPerReplica * 255 / Double(group.tp)
        #expect(candidates.allSatisfy { $0.estimate.tokensPerGPU <= chosen + 1e-9 })
        #expect(tp1.estimate.tokensPerGPU >= 0.99 * chosen)
        #expect(abs(plan.models[0].plannedRate - Double(group.count) * group.capacityPerReplica) < 1e-9)
        #expect(abs(plan.scale - plan.models[0].plannedRate / 10) < 1e-9)
        #expect(plan.name == "aiconfigurator" && plan.planningSeconds > 0)
    }

    /// Max-rate with two models (10 and 30 req/s) and an H100 node beside an A100 node: both take
    /// the H100 point (more tokens/s/GPU), the node is split 1 : 3, and the A100s stay idle.
    @Test func aiconfiguratorSplitsThePoolByDemand() throws {
        let problem = DeployProblem(
            fleet: [
                FleetPool(gpu: try Self.gpu("H100-80GB"), count: 8, gpusPerNode: 8),
                FleetPool(gpu: try Self.gpu("A100-80GB"), count: 8, gpusPerNode: 8),
            ],
            models: [try Self.llama8B(rate: 10), try Self.renamed(Self.llama8B(rate: 30))], objective: .maxRate)
        let plan = try AIConfiguratorBaseline().plan(problem)
        #expect(plan.groups.count == 2 && plan.groups.allSatisfy { $0.gpu == "H100-80GB" })
        #expect(plan.groups.reduce(0) { $0 + $1.gpus } == 8)
        #expect(plan.groups.count == 2 && plan.groups[1].count == 3 * plan.groups[0].count)
        #expect(plan.notes == ["A100-80GB: left idle (one GPU type per model)"])
        #expect(abs(plan.scale - Double(plan.groups[0].count) * plan.groups[0].capacityPerReplica / 10) < 1e-9)
    }

    /// Its vLLM launch rule: 512 sequences below a modelled batch of 512, twice the batch from there.
    @Test func aiconfiguratorLaunchLimits() {
        #expect(AIConfiguratorBaseline.launchLimits(batch: 96, isl: 1024) == (512, 3036))
        #expect(AIConfiguratorBaseline.launchLimits(batch: 512, isl: 2000) == (1024, 4524))
    }

    /// Target-load mode (min-gpus): ⌈λ / seq/s⌉ replicas of the point needing the fewest GPUs.
    @Test func aiconfiguratorTargetLoadCoversDemand() throws {
        let problem = DeployProblem(
            fleet: [FleetPool(gpu: try Self.gpu("H100-80GB"), count: 16, gpusPerNode: 8)], models: [try Self.llama8B(rate: 30)],
            objective: .minGPUs)
        let plan = try AIConfiguratorBaseline().plan(problem)
        let group = try #require(plan.groups.first)
        #expect(group.count == Int((30 / group.capacityPerReplica).rounded(.up)))
        #expect(plan.models[0].plannedRate >= 30)
        #expect(plan.notes.isEmpty)
    }

    // MARK: rule of thumb

    /// A100-80GB at $1.50 is cheaper per TP1 replica than H100 at $2.50: ⌈λ / (0.7 c)⌉ A100s, with
    /// c the capacity model's figure for that replica under `vllm serve`'s A100 limits (256, 2048).
    @Test func ruleOfThumbCount() throws {
        let demand = try Self.llama8BCapacity(rate: 20)
        let problem = DeployProblem(
            fleet: [
                FleetPool(gpu: try Self.gpu("H100-80GB"), count: 16, gpusPerNode: 8, pricePerHour: 2.5),
                FleetPool(gpu: try Self.gpu("A100-80GB"), count: 16, gpusPerNode: 8, pricePerHour: 1.5),
            ],
            models: [demand], objective: .minCost)
        let plan = try RuleOfThumbBaseline().plan(problem)
        let group = try #require(plan.groups.first)
        #expect(group.gpu == "A100-80GB" && group.tp == 1 && group.maxBatch == 256 && group.chunkTokens == 2048)
        let pattern = try #require(BaselineSupport.pattern(problem, model: 0, pool: 1, layout: ParallelLayout()))
        let c = CapacityModel(slo: demand.slo, profile: BaselineSupport.profile(demand)).capacity(of: pattern).single
        #expect(c > 0)
        #expect(group.count > 1)
        #expect(group.count == Int((20 / (0.7 * c)).rounded(.up)))
        #expect(abs(group.capacityPerReplica - c) < 1e-12)
        #expect(plan.costPerHour.map { abs($0 - 1.5 * Double(group.count)) < 1e-9 } == true)
        #expect(RuleOfThumbBaseline.replicas(load: 10, capacity: 2) == 8)   // ⌈10 / 1.4⌉ = ⌈7.14⌉
    }

    /// A model no pool holds, and a demand beyond the pool, each get a note.
    @Test func ruleOfThumbNotes() throws {
        let h100 = try Self.gpu("H100-80GB")
        var big = try Self.llama8BCapacity(rate: 1)
        big.model = try Self.model("llama-3.1-405b")
        let problem = DeployProblem(
            fleet: [FleetPool(gpu: h100, count: 2, gpusPerNode: 8)], models: [try Self.llama8BCapacity(rate: 400), big], objective: .minGPUs)
        let plan = try RuleOfThumbBaseline().plan(problem)
        #expect(plan.notes.contains("llama-3.1-405b: no GPU type fits"))
        #expect(plan.notes.contains { $0.hasPrefix("fleet too small: llama-3.1-8b needs ") && $0.hasSuffix(" more H100-80GB") })
        #expect(plan.groups.map(\.count) == [2])
    }

    // MARK: Mélange

    /// Brute force of Mélange's bin packing: every assignment of buckets to types, ⌈load⌉ GPUs each.
    static func bruteForce(rates: [Double], throughputs: [[Double]], costs: [Double], limits: [Int]) -> Double? {
        var best: Double?
        let types = costs.count
        var assignment = [Int](repeating: 0, count: rates.count)
        func visit(_ i: Int) {
            guard i < rates.count else {
                var load = [Double](repeating: 0, count: types)
                for (b, t) in assignment.enumerated() { load[t] += rates[b] / throughputs[b][t] }
                let gpus = load.map { Int(($0 - 1e-9).rounded(.up)) }
                guard zip(gpus, limits).allSatisfy({ $0 <= $1 }) else { return }
                let cost = zip(gpus, costs).reduce(0) { $0 + Double($1.0) * $1.1 }
                if best.map({ cost < $0 }) ?? true { best = cost }
                return
            }
            for t in 0..<types {
                assignment[i] = t
                visit(i + 1)
            }
        }
        visit(0)
        return best
    }

    /// The Mélange release's own example (`melange/main.py`): buckets [[0.25, 0.125], [0.375, 0.25]]
    /// of 16 req/s, A10G $1.01 with throughputs [[5, 1], [10, 5]], A100 $3.67 with [[20, 2], [50, 20]].
    /// Unbounded: 5 A10G ($5.05); with at most 3 A10G: 2 A10G for the (0, 1) bucket (load 2) and
    /// one A100 for the rest (load 0.52), $5.69 — both as brute force finds.
    @Test func melangeILPMatchesBruteForce() throws {
        let rates = [0.25, 0.125, 0.375, 0.25].map { $0 * 16 }
        let throughputs: [[Double]] = [[5, 20], [1, 2], [10, 50], [5, 20]]
        let costs = [1.01, 3.67]
        let options = costs.enumerated().map { MelangeILP.Option(pool: $0.offset, gpus: 1, tensorParallel: 1, cost: $0.element) }
        let slices = zip(rates, throughputs).map { MelangeILP.Slice(rate: $0.0, throughput: $0.1) }
        let unbounded = try #require(try MelangeILP(options: options, slices: slices, pools: nil).solve(solver: HighsSolver(), timeLimit: 10))
        let expected = try #require(Self.bruteForce(rates: rates, throughputs: throughputs, costs: costs, limits: [1000, 1000]))
        #expect(abs(expected - 5.05) < 1e-9)
        #expect(abs(unbounded.cost - expected) < 1e-9)
        #expect(unbounded.replicas == [5, 0])
        let pools = [
            FleetPool(gpu: try Self.gpu("L40S"), count: 3, gpusPerNode: 8), FleetPool(gpu: try Self.gpu("A100-80GB"), count: 100, gpusPerNode: 8),
        ]
        let bounded = try #require(try MelangeILP(options: options, slices: slices, pools: pools).solve(solver: HighsSolver(), timeLimit: 10))
        let expectedBounded = try #require(Self.bruteForce(rates: rates, throughputs: throughputs, costs: costs, limits: [3, 100]))
        #expect(abs(expectedBounded - 5.69) < 1e-9)
        #expect(bounded.replicas == [2, 1])
        #expect(abs(bounded.cost - expectedBounded) < 1e-9)
        // Every slice is assigned to a type whose load it counts in.
        #expect(bounded.assignment.allSatisfy { $0 == 0 || $0 == 1 })
    }

    /// Max-rate: one bucket of 4 req/s, 5 req/s per GPU, 8 GPUs: ⌈4 s / 5⌉ ≤ 8 holds up to s = 10;
    /// doubling then bisection stops within 1 % below it, with all 8 GPUs bought.
    @Test func melangeLargestScale() throws {
        let pools = [FleetPool(gpu: try Self.gpu("H100-80GB"), count: 8, gpusPerNode: 8)]
        let ilp = MelangeILP(
            options: [MelangeILP.Option(pool: 0, gpus: 1, tensorParallel: 1, cost: 1)],
            slices: [MelangeILP.Slice(rate: 4, throughput: [5])], pools: pools)
        let (scale, solution) = try MelangeBaseline().largestScale(ilp)
        #expect(scale <= 10 + 1e-9 && scale >= 0.99 * 10)
        #expect(solution?.replicas == [8])
    }

    /// Buckets on Mélange's length grid (1–25, 25–100, …, 1000–2000, …).
    @Test func melangeBuckets() {
        let buckets = MelangeBuckets(sample: [(1024, 256), (80, 20), (1024, 300)])
        let shares: [Double] = buckets.cells.map(\.share)
        let third: Double = 1.0 / 3
        #expect(shares == [third, 2 * third])
        #expect(buckets.cells.map(\.label) == ["25-100 × 1-25 tokens", "1000-2000 × 250-500 tokens"])
        #expect(buckets.cells[1].requests.count == 2)
        #expect(MelangeBuckets.range(of: 25) == 0 && MelangeBuckets.range(of: 26) == 1 && MelangeBuckets.range(of: 99_999) == 11)
    }

    /// One bucket (fixed lengths), H100 $2.50 or A100-80GB $1.50, four slices of 5 req/s: the
    /// cheapest split k slices to A100, 4 − k to H100, found by enumerating k.
    @Test func melangeMixIsCheapestSplit() throws {
        let demand = try Self.llama8BCapacity(rate: 20)
        let problem = DeployProblem(
            fleet: [
                FleetPool(gpu: try Self.gpu("H100-80GB"), count: 16, gpusPerNode: 8, pricePerHour: 2.5),
                FleetPool(gpu: try Self.gpu("A100-80GB"), count: 16, gpusPerNode: 8, pricePerHour: 1.5),
            ],
            models: [demand], objective: .minCost)
        let plan = try MelangeBaseline().plan(problem)
        let profile = BaselineSupport.profile(demand)
        let model = CapacityModel(slo: demand.slo, profile: profile)
        let h = model.capacity(of: try #require(BaselineSupport.pattern(problem, model: 0, pool: 0, layout: ParallelLayout()))).single
        let a = model.capacity(of: try #require(BaselineSupport.pattern(problem, model: 0, pool: 1, layout: ParallelLayout()))).single
        #expect(h > 0 && a > 0)
        func cost(_ k: Int) -> Double {
            let a100s: Double = (5 * Double(k) / a - 1e-9).rounded(.up)
            let h100s: Double = (5 * Double(4 - k) / h - 1e-9).rounded(.up)
            return 1.5 * a100s + 2.5 * h100s
        }
        let expected = try #require((0...4).map(cost).min())
        let planned = try #require(plan.costPerHour)
        #expect(abs(planned - expected) < 1e-9)
        #expect(plan.models[0].plannedRate >= 20 - 1e-9)
        #expect(plan.notes.isEmpty)
    }

    // MARK: shared

    /// Max-rate fill: demands 10 and 30 req/s, 5 req/s per TP1 replica, 8 GPUs: 2 and 6 replicas.
    @Test func fillSplitsInProportionToDemand() throws {
        let problem = DeployProblem(
            fleet: [FleetPool(gpu: try Self.gpu("H100-80GB"), count: 8, gpusPerNode: 8)],
            models: [try Self.llama8B(rate: 10), try Self.renamed(Self.llama8B(rate: 30))], objective: .maxRate)
        let pattern0 = try #require(BaselineSupport.pattern(problem, model: 0, pool: 0, layout: ParallelLayout()))
        let pattern1 = try #require(BaselineSupport.pattern(problem, model: 1, pool: 0, layout: ParallelLayout()))
        let counts = BaselineSupport.fill(problem, choices: [0: .init(pattern: pattern0, ratePerReplica: 5), 1: .init(pattern: pattern1, ratePerReplica: 5)])
        #expect(counts == [0: 2, 1: 6])
    }

    /// An empty problem is bad input, named by its field.
    @Test func badInputIsNamed() throws {
        let problem = DeployProblem(fleet: [FleetPool(gpu: try Self.gpu("H100-80GB"), count: 8, gpusPerNode: 8)], models: [], objective: .minCost)
        for baseline: any DeployBaseline in [AIConfiguratorBaseline(), MelangeBaseline(), RuleOfThumbBaseline()] {
            #expect(throws: PlanningError.badInput("models: at least one model is required")) { try baseline.plan(problem) }
        }
    }
}
