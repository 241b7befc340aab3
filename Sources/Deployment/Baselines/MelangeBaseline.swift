import Foundation
import Planning
import ServingModel
import Solver

/// Mélange's method (arXiv 2404.14527): a mix of GPU types chosen by an ILP that bin-packs
/// request-size buckets onto GPU types, each type at its single-replica maximum throughput under
/// the SLO, with a fixed minimal layout.
///
/// - Buckets: the workload sample (2,000 requests) on Mélange's prompt × output length grid
///   (`MelangeBuckets`); a bucket's rate is its share of the demand, cut into `sliceFactor` slices.
/// - Throughput of bucket i on GPU type j: `CapacityModel`'s single-replica SLO capacity of the
///   minimal layout (fewest GPUs that fit; `vllm serve`'s default limits) on the bucket's own
///   requests; 0 when not even an unloaded replica meets the SLO there.
/// - The ILP (`MelangeILP`): each slice to one type, Σ load ≤ replicas, replicas within the pools'
///   GPUs (Mélange itself assumes an unbounded cloud), minimising dollars per hour — or GPUs under
///   min-gpus, or when a pool has no price (noted under min-cost).
/// - min-cost / min-gpus: that ILP at the demand; when the pools cannot hold it, the unbounded ILP
///   is solved, deployed as far as the pools hold, and a note says how many GPUs are missing.
/// - max-rate: the largest common scale s of every model's demand for which the bounded ILP is
///   feasible (doubling, then bisection to 1 %), and the cheapest mix at s.
/// Each group's `capacityPerReplica` is the rate assigned to its type divided by the load it puts
/// on the type (the throughputs' rate-weighted harmonic mean).
/// ```
/// let plan = try MelangeBaseline().plan(problem)
/// print(plan.groups.map { "\($0.gpu) × \($0.count)" }, plan.costPerHour ?? 0)
/// ```
public struct MelangeBaseline: DeployBaseline {
    public var name: String { "melange" }
    public var solver: any LinearSolver
    /// Slices per bucket (Mélange's `slice_factor`; its README finds 4 enough).
    public var sliceFactor: Int
    /// Seconds each ILP may take.
    public var timeLimit: Double

    public init(solver: any LinearSolver = HighsSolver(), sliceFactor: Int = 4, timeLimit: Double = 25) {
        self.solver = solver
        self.sliceFactor = sliceFactor
        self.timeLimit = timeLimit
    }

    /// A (model, GPU type) replica the ILP may buy.
    struct Offer {
        var pattern: ReplicaPattern
        var option: MelangeILP.Option
    }

    public func plan(_ problem: DeployProblem) throws(PlanningError) -> DeployPlan {
        let watch = Stopwatch()
        try BaselineSupport.validate(problem)
        guard sliceFactor >= 1 else { throw .badInput("melange sliceFactor: must be at least 1 (got \(sliceFactor))") }
        var notes: [String] = []
        let priced = problem.objective != .minGPUs && problem.fleet.allSatisfy { $0.pricePerHour != nil }
        if problem.objective == .minCost, !priced { notes.append("melange: a GPU type has no price; fewest GPUs minimised instead") }
        var offers: [Offer] = []
        for model in problem.models.indices {
            let before = offers.count
            for pool in problem.fleet.indices {
                guard let layout = BaselineSupport.minimalLayout(problem, model: model, pool: pool),
                      let pattern = BaselineSupport.pattern(problem, model: model, pool: pool, layout: layout)
                else { continue }
                let price = priced ? (problem.fleet[pool].pricePerHour ?? 0) : 1
                offers.append(Offer(pattern: pattern, option: MelangeILP.Option(
                    pool: pool, gpus: pattern.gpus, tensorParallel: layout.tensorParallel, cost: price * Double(pattern.gpus))))
            }
            if offers.count == before { notes.append("\(problem.models[model].name): no GPU type fits") }
        }
        var slices: [MelangeILP.Slice] = []
        for (model, demand) in problem.models.enumerated() {
            let buckets = MelangeBuckets(sample: demand.workload.lengthSample(count: BaselineSupport.sampleSize))
            let table = Self.throughputs(demand: demand, cells: buckets.cells, patterns: offers.map { $0.pattern.model == model ? $0.pattern : nil })
            for (c, cell) in buckets.cells.enumerated() {
                let throughput = table[c]
                if throughput.allSatisfy({ $0 <= 0 }), offers.contains(where: { $0.pattern.model == model }) {
                    let share = (cell.share * 1000).rounded() / 10
                    notes.append("\(demand.name): requests of \(cell.label) (\(share)%) meet the SLO on no GPU type")
                }
                let rate = demand.workload.arrivalRate * cell.share / Double(sliceFactor)
                for _ in 0..<sliceFactor {
                    slices.append(MelangeILP.Slice(rate: rate, throughput: throughput))
                }
            }
        }
        let bounded = MelangeILP(options: offers.map(\.option), slices: slices, pools: problem.fleet)
        var scale = 1.0
        var solution: MelangeILP.Solution?
        if problem.objective == .maxRate {
            (scale, solution) = try largestScale(bounded)
            if solution == nil { notes.append("melange: no scale of the demand fits the fleet") }
        } else if let fitted = try bounded.solve(solver: solver, timeLimit: timeLimit) {
            solution = fitted
        } else {
            var unbounded = bounded
            unbounded.pools = nil
            if let wanted = try unbounded.solve(solver: solver, timeLimit: timeLimit) {
                solution = deployable(problem, offers: offers, wanted: wanted, notes: &notes)
            }
        }
        var groups: [DeploymentGroup] = []
        if let solution {
            for (o, offer) in offers.enumerated() where solution.replicas[o] > 0 {
                var assigned = 0.0, load = 0.0
                for (s, slice) in slices.enumerated() where solution.assignment[s] == o {
                    assigned += slice.rate * scale
                    load += slice.rate * scale / slice.throughput[o]
                }
                let capacity = load > 0 ? assigned / load : 0
                groups.append(BaselineSupport.group(problem, offer.pattern, count: solution.replicas[o], capacity: capacity))
            }
        }
        var plan = PlanAssembly(problem: problem).plan(name: name, groups: groups, scale: scale, notes: notes)
        plan.planningSeconds = watch.seconds
        return plan
    }

    /// One replica's SLO throughput on each bucket's own requests under each pattern (0 for nil),
    /// the (bucket, pattern) pairs evaluated concurrently.
    static func throughputs(demand: ModelDemand, cells: [MelangeBuckets.Cell], patterns: [ReplicaPattern?]) -> [[Double]] {
        let models = cells.map { CapacityModel(slo: demand.slo, profile: WorkloadProfile($0.requests)) }
        let pairs = Array(0..<(cells.count * patterns.count))
        let values = parallelMap(pairs) { index -> Double in
            let (row, column) = index.quotientAndRemainder(dividingBy: max(1, patterns.count))
            guard let pattern = patterns[column] else { return 0 }
            return models[row].capacity(of: pattern, upTo: 1).single
        }
        return cells.indices.map { row in Array(values[(row * patterns.count)..<((row + 1) * patterns.count)]) }
    }

    /// The unbounded solution cut to what each pool's nodes hold, with a note per short pool.
    func deployable(
        _ problem: DeployProblem, offers: [Offer], wanted: MelangeILP.Solution, notes: inout [String]
    ) -> MelangeILP.Solution {
        var free = problem.fleet.map(\.nodeCapacities)
        var kept = wanted
        var missing = [Int](repeating: 0, count: problem.fleet.count)
        let order = offers.indices.sorted { offers[$0].option.tensorParallel > offers[$1].option.tensorParallel }
        for o in order {
            let layout = offers[o].pattern.layout
            var placed = 0
            while placed < wanted.replicas[o], BaselineSupport.place(layout, in: &free[offers[o].option.pool]) { placed += 1 }
            kept.replicas[o] = placed
            missing[offers[o].option.pool] += (wanted.replicas[o] - placed) * offers[o].option.gpus
        }
        for (pool, gpus) in missing.enumerated() where gpus > 0 {
            notes.append("fleet too small: needs \(gpus) more \(problem.fleet[pool].gpu.name)")
        }
        return kept
    }

    /// The largest common scale of the demand whose bounded ILP is feasible (to 1 %), and its solution.
    func largestScale(_ ilp: MelangeILP) throws(PlanningError) -> (Double, MelangeILP.Solution?) {
        func solve(at scale: Double) throws(PlanningError) -> MelangeILP.Solution? {
            var scaled = ilp
            scaled.slices = ilp.slices.map { MelangeILP.Slice(rate: $0.rate * scale, throughput: $0.throughput) }
            return try scaled.solve(solver: solver, timeLimit: timeLimit)
        }
        guard ilp.slices.contains(where: { $0.throughput.contains { $0 > 0 } }) else { return (0, nil) }
        var low = 0.0, high = 1.0
        var best: MelangeILP.Solution?
        if let fitted = try solve(at: 1) {
            (low, best) = (1, fitted)
            high = 2
            while high < 1e9, let fitted = try solve(at: high) {
                (low, best) = (high, fitted)
                high *= 2
            }
        } else {
            while high > 1e-9 {
                high /= 2
                if let fitted = try solve(at: high) {
                    (low, best) = (high, fitted)
                    high *= 2
                    break
                }
            }
        }
        guard best != nil else { return (0, nil) }
        while high - low > 0.01 * low {
            let mid = (low + high) / 2
            if let fitted = try solve(at: mid) { (low, best) = (mid, fitted) } else { high = mid }
        }
        return (low, best)
    }
}
