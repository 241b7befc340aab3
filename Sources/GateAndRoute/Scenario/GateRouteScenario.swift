import ServingModel
import Simulation

/// A `kind: gate-route` scenario.
///
/// ```yaml
/// kind: gate-route
/// gpus: 500
/// engine: {batchSize: 16, chunkSize: 256, alpha: 0.0174, beta: 6.2e-5, gamma: 45.45}
///   # or {calibration: qwen3-8b-a100-vllm0.11 (or FILE.json), batchSize: 16, chunkSize: 256}
///   # optional prefillTiming: fluid (the paper, default) | chunked (⌈P/C⌉ real iterations)
/// pricing: {scheme: bundled, prefillPrice: 0.1, decodePrice: 0.2}     # bundled | separate
/// classes:
///   - {name: code, promptTokens: 300, decodeTokens: 1000, arrivalRate: 0.5, abandonmentRate: 0.1}
/// sli: {maxAverageTPOT: 0.025, prefillFairness: 0.2, decodeFairness: {penalty: 5}}   # each optional
/// simulation: {horizon: 10000, warmup: 1000, seeds: 5, gpus: [5, 20, 50, 200, 500],
///              policies: [gate-and-route, fi-wsp]}                                    # optional
/// ```
/// `arrivalRate` is per GPU per second. An SLI given as a number is a hard limit; `{penalty: w}`
/// subtracts w × the indicator from the objective.
public struct GateRouteScenario: Sendable {
    public static let keys = ["gpus", "engine", "pricing", "classes", "sli", "simulation"]

    public var instance: GateRouteInstance
    public var targets: ServiceLevelTargets
    public var simulation: GateRouteSimulationSettings

    /// Sane maxima of the numbers that enter the fluid LP and the simulators, stated in the errors.
    public enum Bounds {
        /// Most GPUs n (the scenario's `gpus`, `simulation.gpus` and `--gpus`).
        public static let maxGPUs = 1_000_000
        /// Most concurrent streams B per GPU.
        public static let maxBatchSize = 65_536
        /// Largest chunk C, tokens.
        public static let maxChunkSize = 10_000_000
        /// Longest prompt P_i or decode D_i, tokens.
        public static let maxTokens = WorkloadBounds.maxTokens
        /// Highest arrival rate λ_i per GPU and abandonment rate θ_i, per second.
        public static let maxRate = 1e6
        /// Highest price per token and SLI penalty weight.
        public static let maxPrice = 1e6
        /// Most request classes (each adds five LP variables and per-class arrays to the CTMC).
        public static let maxClasses = 1000
    }

    /// Reads the body, or throws every problem found.
    public static func read(_ envelope: ScenarioEnvelope, baseDirectory: String) throws(ScenarioError) -> GateRouteScenario {
        let body = envelope.body
        let gpus = body.require("gpus")?.integer(min: 1, max: Bounds.maxGPUs)
        let engine = body.require("engine").flatMap { readEngine($0, baseDirectory: baseDirectory) }
        let pricing = body.require("pricing").flatMap(readPricing)
        var classes: [GateRouteClass] = []
        if let list = body.require("classes")?.list(nonEmpty: true) {
            if list.count > Bounds.maxClasses {
                body["classes"]?.report("at most \(Bounds.maxClasses) classes, got \(list.count)")
            }
            classes = list.prefix(Bounds.maxClasses).compactMap(readClass)
            var seen = Set<String>()
            for (node, item) in zip(list, classes) where !seen.insert(item.name).inserted {
                node.report("duplicate class name '\(item.name)'")
            }
        }
        let targets = body["sli"].map(readTargets) ?? ServiceLevelTargets()
        let simulation = body["simulation"].map { GateRouteSimulationSettings.read($0, defaultGPUs: gpus ?? 1) }
            ?? GateRouteSimulationSettings(defaultGPUs: gpus ?? 1)
        guard envelope.diagnostics.issues.isEmpty, let gpus, let engine, let pricing, let targets, let simulation,
              !classes.isEmpty else {
            throw envelope.diagnostics.failure(at: "classes")
        }
        return GateRouteScenario(
            instance: GateRouteInstance(classes: classes, engine: engine, pricing: pricing, gpus: gpus),
            targets: targets, simulation: simulation)
    }

    static func readEngine(_ node: ConfigNode, baseDirectory: String) -> GateRouteEngine? {
        guard let object = node.object(
            allowedKeys: ["batchSize", "chunkSize", "alpha", "beta", "gamma", "calibration", "prefillTiming"]) else {
            return nil
        }
        let batchSize = object.require("batchSize")?.integer(min: 2, max: Bounds.maxBatchSize)
        let chunkSize = object.require("chunkSize")?.integer(min: 1, max: Bounds.maxChunkSize)
        var law: (alpha: Double, beta: Double, gamma: Double)?
        if let calibration = object["calibration"] {
            if ["alpha", "beta", "gamma"].contains(where: object.has) {
                object.report("give either calibration or alpha/beta/gamma, not both")
            } else if let reference = calibration.string() {
                do {
                    let found = try Calibration.resolve(reference, relativeTo: baseDirectory).law
                    law = (found.alpha, found.beta, found.gamma)
                } catch {
                    calibration.report(error.message)
                }
            }
        } else if let found = LawKeys.read(object) {
            law = (found.alpha, found.beta, found.gamma)
        }
        let timing = object["prefillTiming"].map {
            $0.choice(PrefillTiming.allCases.map(\.rawValue)).flatMap(PrefillTiming.init(rawValue:))
        } ?? .fluid
        guard let batchSize, let chunkSize, let law, let timing else { return nil }
        return GateRouteEngine(
            batchSize: batchSize, chunkSize: chunkSize, alpha: law.alpha, beta: law.beta, gamma: law.gamma, prefillTiming: timing)
    }

    static func readPricing(_ node: ConfigNode) -> Pricing? {
        guard let object = node.object(allowedKeys: ["scheme", "prefillPrice", "decodePrice"]) else { return nil }
        let scheme = object.require("scheme")?.choice(PricingScheme.allCases.map(\.rawValue)).flatMap(PricingScheme.init(rawValue:))
        let prefill = object.require("prefillPrice")?.number(.nonNegative, atMost: Bounds.maxPrice)
        let decode = object.require("decodePrice")?.number(.nonNegative, atMost: Bounds.maxPrice)
        guard let scheme, let prefill, let decode else { return nil }
        return Pricing(scheme: scheme, prefillPrice: prefill, decodePrice: decode)
    }

    static func readClass(_ node: ConfigNode) -> GateRouteClass? {
        guard let object = node.object(allowedKeys: ["name", "promptTokens", "decodeTokens", "arrivalRate", "abandonmentRate"]) else {
            return nil
        }
        let name = object.require("name")?.string()
        let prompt = object.require("promptTokens")?.number(.positive, atMost: Double(Bounds.maxTokens))
        let decode = object.require("decodeTokens")?.number(.positive, atMost: Double(Bounds.maxTokens))
        let rate = object.require("arrivalRate")?.number(.positive, atMost: Bounds.maxRate)
        let abandonment = object.require("abandonmentRate")?.number(.nonNegative, atMost: Bounds.maxRate)
        guard let name, let prompt, let decode, let rate, let abandonment else { return nil }
        return GateRouteClass(name: name, promptTokens: prompt, decodeTokens: decode, arrivalRate: rate, abandonmentRate: abandonment)
    }

    static func readTargets(_ node: ConfigNode) -> ServiceLevelTargets? {
        guard let object = node.object(allowedKeys: SLIKind.allCases.map(\.rawValue)) else { return nil }
        var targets = ServiceLevelTargets()
        var failed = false
        func requirement(_ kind: SLIKind) -> SLIRequirement? {
            guard let item = object[kind.rawValue] else { return nil }
            if item.isObject {
                guard let penalty = item.object(allowedKeys: ["penalty", "limit"]) else { failed = true; return nil }
                if penalty.has("penalty") == penalty.has("limit") {
                    penalty.report("give exactly one of penalty or limit")
                    failed = true
                    return nil
                }
                if let weight = penalty["penalty"] {
                    guard let value = weight.number(.nonNegative, atMost: Bounds.maxPrice) else { failed = true; return nil }
                    return .penalty(value)
                }
                guard let value = penalty["limit"]?.number(.nonNegative, atMost: Bounds.maxPrice) else { failed = true; return nil }
                return .limit(value)
            }
            guard let value = item.number(kind == .averageTPOT ? .positive : .nonNegative, atMost: Bounds.maxPrice) else {
                failed = true
                return nil
            }
            return .limit(value)
        }
        targets.prefillFairness = requirement(.prefillFairness)
        targets.decodeFairness = requirement(.decodeFairness)
        targets.averageTPOT = requirement(.averageTPOT)
        return failed ? nil : targets
    }
}

/// The optional `simulation:` section.
public struct GateRouteSimulationSettings: Sendable {
    public var horizon: Double
    public var warmup: Double
    public var seeds: Int
    /// Cluster sizes to simulate (default: the scenario's `gpus`).
    public var gpus: [Int]
    /// Policies to run (nil: all that apply).
    public var policies: [GateRoutePolicy]?

    init(defaultGPUs: Int) {
        horizon = 10_000
        warmup = 1_000
        seeds = 5
        gpus = [defaultGPUs]
        policies = nil
    }

    static func read(_ node: ConfigNode, defaultGPUs: Int) -> GateRouteSimulationSettings? {
        guard let object = node.object(allowedKeys: ["horizon", "warmup", "seeds", "gpus", "policies"]) else { return nil }
        var settings = GateRouteSimulationSettings(defaultGPUs: defaultGPUs)
        var failed = false
        if let value = object["horizon"] { if let v = value.number(.positive) { settings.horizon = v } else { failed = true } }
        if let value = object["warmup"] { if let v = value.number(.nonNegative) { settings.warmup = v } else { failed = true } }
        if let value = object["seeds"] {
            if let v = value.integer(min: 1, max: SimulateScenario.maxSeeds) { settings.seeds = v } else { failed = true }
        }
        if settings.warmup >= settings.horizon {
            object["warmup"]?.report("must be less than horizon (\(settings.horizon)), got \(settings.warmup)")
            failed = true
        }
        if let list = object["gpus"]?.list(nonEmpty: true) {
            let sizes = list.compactMap { $0.integer(min: 1, max: GateRouteScenario.Bounds.maxGPUs) }
            if sizes.count == list.count { settings.gpus = sizes } else { failed = true }
        }
        if let list = object["policies"]?.list(nonEmpty: true) {
            let policies = list.compactMap { $0.choice(GateRoutePolicy.allCases.map(\.rawValue)).flatMap(GateRoutePolicy.init(rawValue:)) }
            if policies.count == list.count { settings.policies = policies } else { failed = true }
        }
        return failed ? nil : settings
    }
}
