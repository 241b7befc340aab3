import Planning
import ServingModel
import Simulation

/// Why a token-level run was refused.
public enum TokenLevelError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A CTMC policy the token-level simulator does not implement.
    case unsupportedPolicy(GateRoutePolicy)
    case invalidLaw(String)
    case invalidGPUCount(Int)
    case noSeeds

    public var description: String {
        switch self {
        case let .unsupportedPolicy(policy):
            "policy '\(policy.rawValue)' is not available at token level; choose from: "
                + TokenLevelExperiment.policies.map(\.rawValue).joined(separator: ", ")
        case let .invalidLaw(problem): "the engine's iteration law is invalid: \(problem)"
        case let .invalidGPUCount(n): "the token-level simulation needs at least one GPU (got \(n))"
        case .noSeeds: "the experiment needs at least one seed"
        }
    }
}

/// Runs gate-and-route policies in the token-level simulator: n replicas with the instance's
/// iteration law (τ = α + βC in mixed iterations, 1/γ per token in solo ones), Poisson arrivals
/// n·λ_i, exponential patience 1/θ_i before the first prefill, and no KV-cache limit (the paper's
/// model has none).
public enum TokenLevelExperiment {
    /// Policies available at this fidelity level.
    public static let policies: [GateRoutePolicy] = [.gateAndRoute, .prioritizeAndRoute, .sliAware, .fiWSP, .giWSP, .fgSP]

    /// How request lengths are drawn.
    public enum Lengths: String, Sendable, CaseIterable {
        /// Exactly P_i and D_i tokens.
        case deterministic
        /// Exponential with means P_i and D_i (rounded, at least 1 token).
        case exponential
    }

    /// One policy at one n, over seeds.
    public struct Result: Sendable, Codable {
        public var policy: GateRoutePolicy
        public var gpus: Int
        /// Bundled revenue per GPU per second over seeds.
        public var revenuePerGPU: Estimate
        /// The mean of revenuePerGPU / R*.
        public var ratioToOptimum: Double
        public var completedPerGPU: [Double]
        public var abandonedPerGPU: [Double]
        /// Mean time per output token after the first, seconds.
        public var meanTPOT: Double
        public var meanTTFT: Double
    }

    /// Runs `policy` on n GPUs over `seeds`. `rationedClasses` and `mixedSafety` are the finite-n
    /// corrections of `CTMCOptions` (decode back-pressure, M = ⌈m + κ√m⌉), off by default.
    public static func run(
        instance: GateRouteInstance, plan: GateRoutePlan, policy: GateRoutePolicy, gpus n: Int, horizon: Double,
        warmup: Double, seeds: [UInt64], lengths: Lengths = .deterministic, rationedClasses: RationedAdmission = .always,
        mixedSafety: Double = 0, progress: ProgressReporter = .silent
    ) throws(TokenLevelError) -> Result {
        let rates = instance.rates
        let soloProbability = plan.classes.indices.map { i -> Double in
            let solo = rates.soloDecode[i] * plan.classes[i].soloDecodeOccupancy
            let total = solo + rates.mixedDecode[i] * plan.classes[i].mixedDecodeOccupancy
            return total > 0 ? solo / total : 1
        }
        let (gate, router): (TokenLevelGateRoutePolicy.Gate, TokenLevelGateRoutePolicy.Router)
        switch policy {
        case .gateAndRoute: (gate, router) = (.occupancyDeviation, .soloFirst)
        case .prioritizeAndRoute: (gate, router) = (.largestDecodeToPromptRatio, .soloFirst)
        case .sliAware: (gate, router) = (.occupancyDeviation, .sliAware(soloProbability: soloProbability))
        case .fiWSP: (gate, router) = (.fcfs, .immediate)
        case .giWSP: (gate, router) = (.occupancyDeviation, .immediate)
        case .fgSP: (gate, router) = (.fcfs, .soloFirst)
        case .sliAwareGeneral, .gfWSP: throw .unsupportedPolicy(policy)
        }
        guard n >= 1 else { throw .invalidGPUCount(n) }
        guard !seeds.isEmpty else { throw .noSeeds }
        let engine = instance.engine
        let law: FittedIterationLaw
        do {
            law = try FittedIterationLaw.validated(alpha: engine.alpha, beta: engine.beta, gamma: engine.gamma)
        } catch {
            throw .invalidLaw(error.message)
        }
        let staticPlan = policy.placement == .staticPlan
        let mixed = staticPlan ? max(1, plan.mixedGPUs(forGPUs: n, safety: mixedSafety)) : 0
        let replicas = (0..<n).map { index in
            ReplicaConfiguration(
                name: "gpu \(index)", iterationModel: law, batchSize: engine.batchSize, chunkSize: engine.chunkSize,
                kvCapacityTokens: Int(Int32.max), role: !staticPlan ? .general : index < mixed ? .mixed : .solo)
        }
        let classes = instance.classes.map { c in
            RequestClass(
                name: c.name, arrivals: .poisson(rate: Double(n) * c.arrivalRate),
                promptTokens: lengths == .deterministic ? .fixed(wholeTokens(c.promptTokens)) : .exponential(mean: c.promptTokens),
                outputTokens: lengths == .deterministic ? .fixed(wholeTokens(c.decodeTokens)) : .exponential(mean: c.decodeTokens))
        }
        let configuration = SimulationConfiguration(
            replicas: replicas, classNames: instance.classes.map(\.name), horizon: horizon, warmup: warmup,
            meanPatience: instance.classes.map { $0.abandonmentRate > 0 ? 1 / $0.abandonmentRate : nil }, sampleCount: 0)
        let reports = SeedRuns.map(seeds, progress: progress, label: policy.rawValue) { seed in
            let clusterPolicy = TokenLevelGateRoutePolicy(
                name: policy.rawValue, gate: gate, router: router, plan: plan, classes: instance.classes, gpus: n,
                seed: SeededRandom(seed: seed).substream(0x6761_7465).seed, rationedClasses: rationedClasses)
            var source = SyntheticWorkload(classes: classes, horizon: horizon, seed: seed)
            return Simulator(configuration: configuration, policy: clusterPolicy, seed: seed).run(&source)
        }
        let revenue = SeedRuns.estimate(reports) { report in
            zip(instance.classes, report.classes).reduce(0.0) {
                $0 + instance.pricing.bundledRevenue(of: $1.0) * Double($1.1.completed)
            } / (horizon - warmup) / Double(n)
        }
        let window = (horizon - warmup) * Double(n) * Double(seeds.count)
        return Result(
            policy: policy, gpus: n, revenuePerGPU: revenue, ratioToOptimum: revenue.mean / plan.revenuePerGPU,
            completedPerGPU: instance.classes.indices.map { i in Double(reports.reduce(0) { $0 + $1.classes[i].completed }) / window },
            abandonedPerGPU: instance.classes.indices.map { i in Double(reports.reduce(0) { $0 + $1.classes[i].abandoned }) / window },
            meanTPOT: reports.map(\.overall.tpot.mean).reduce(0, +) / Double(reports.count),
            meanTTFT: reports.map(\.overall.ttft.mean).reduce(0, +) / Double(reports.count))
    }

    /// A length rounded to whole tokens within 1...WorkloadBounds.maxTokens (the simulator's range).
    static func wholeTokens(_ length: Double) -> Int {
        guard length < Double(WorkloadBounds.maxTokens) else { return WorkloadBounds.maxTokens }
        return max(1, Int(length.rounded()))
    }
}
