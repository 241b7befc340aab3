import Foundation
import ServingModel

/// A `kind: simulate` scenario: a fleet of replicas of one model, a workload, a routing policy,
/// and the measurement settings.
///
/// ```yaml
/// kind: simulate
/// model: llama-3.1-8b
/// replicas: [{gpu: H100-80GB, tp: 1, count: 4}]     # several entries: a heterogeneous fleet
/// engine: {batchSize: 64, chunkSize: 512}           # roofline by default; or alpha/beta/gamma,
///                                                   # or calibration: NAME or FILE.json
/// workload:
///   classes:
///     - {name: chat, arrivalRate: 20, promptTokens: {lognormal: {mean: 800, sd: 400}},
///        outputTokens: {exponential: {mean: 250}}}
/// policy: least-outstanding
/// horizon: 600
/// warmup: 60
/// seeds: 3
/// slo: {ttft: 1.0, tpot: 0.05}
/// ```
public struct SimulateScenario: Sendable {
    /// Top-level keys of the kind (besides `kind`, `description`, `catalog`).
    public static let keys = [
        "model", "replicas", "engine", "workload", "policy", "horizon", "warmup", "seeds", "seed", "slo", "patience",
    ] + DisaggregationSection.keys

    public var model: ModelSpec
    public var replicas: [ReplicaConfiguration]
    public var workload: Workload
    public var policy: RoutingPolicyName
    public var horizon: Double
    public var warmup: Double
    /// Seeds of the runs (first seed, first seed + 1, ...).
    public var seeds: [UInt64]
    public var slo: ServiceLevelObjective
    public var meanPatience: [Double?]
    /// Prefill/decode disaggregation (`DisaggregationSection`); nil for a fleet without those roles.
    public var disaggregation: Disaggregation?

    /// Sane mean patience in seconds (the mean time before a waiting request abandons).
    static let patienceRange = 1e-6...1e9

    /// Reads the scenario body, or throws every problem found (model, engine, replicas and the
    /// rest are all read, so one run reports all of them).
    public static func read(_ envelope: ScenarioEnvelope, baseDirectory: String) throws(ScenarioError) -> SimulateScenario {
        let body = envelope.body
        let catalog = envelope.catalog
        var model: ModelSpec?
        if let node = body.require("model"), let name = node.string() {
            if let found = catalog.model(named: name) {
                model = found
            } else {
                node.report("unknown model '\(name)'" + NameSuggestion.hint(for: name, in: catalog.models.map(\.name)))
            }
        }
        let engine = body.require("engine").flatMap { EngineSection.read($0, baseDirectory: baseDirectory) }
        let workload = body.require("workload").flatMap { WorkloadSection.read($0, baseDirectory: baseDirectory) }
        if let workload { WorkloadBounds.check(workload, at: "workload", diagnostics: envelope.diagnostics) }
        let policy = body["policy"].map { node in
            node.choice(RoutingPolicyName.allCases.map(\.rawValue)).flatMap(RoutingPolicyName.init(rawValue:))
        } ?? .leastOutstanding
        let horizon = body.require("horizon")?.number(.positive)
        let warmup = body["warmup"].map { $0.number(.nonNegative) } ?? 0
        if let horizon, let warmup, warmup >= horizon {
            body["warmup"]?.report("must be less than horizon (\(horizon)), got \(warmup)")
        }
        let seedCount = body["seeds"].map { $0.integer(min: 1, max: maxSeeds) } ?? 1
        let firstSeed = body["seed"].map { $0.integer(min: 0) } ?? 1
        let slo = body["slo"].map(readSLO) ?? ServiceLevelObjective()
        let replicas = readReplicas(body, model: model, engine: engine, catalog: catalog, baseDirectory: baseDirectory)
        let disaggregation = DisaggregationSection.read(
            body, replicas: replicas, groupCount: replicas.isEmpty ? 0 : body["replicas"]?.list()?.count ?? 0,
            workload: workload)
        var patience: [Double?] = []
        if let workload, let node = body["patience"] {
            patience = readPatience(node, classNames: workload.classNames)
        }
        guard envelope.diagnostics.issues.isEmpty, let model, let workload, let policy, let horizon, let warmup,
              let seedCount, let firstSeed, let slo, !replicas.isEmpty else { throw envelope.diagnostics.failure(at: "replicas") }
        return SimulateScenario(
            model: model, replicas: replicas, workload: workload, policy: policy, horizon: horizon, warmup: warmup,
            seeds: (0..<seedCount).map { UInt64(firstSeed + $0) }, slo: slo, meanPatience: patience,
            disaggregation: disaggregation)
    }

    /// Most seeds of one run (the scenario's `seeds` and the `--seeds` flag).
    public static let maxSeeds = 1000

    /// Every group of `replicas:` is read, whether or not the model and the engine could be; the
    /// memory fit needs both, the replicas themselves the engine (the scenario's, or the group's
    /// own `engine:` keys over it).
    private static func readReplicas(
        _ body: ConfigObject, model: ModelSpec?, engine: EngineSection?, catalog: Catalog, baseDirectory: String
    ) -> [ReplicaConfiguration] {
        guard let list = body.require("replicas")?.list(nonEmpty: true) else { return [] }
        let groups = list.map { ReplicaGroupSection.read($0, model: model, catalog: catalog) }
        let total = groups.reduce(0) { $0 + ($1?.count ?? 0) }
        if total > ReplicaGroupSection.maxCount {
            body["replicas"]?.report("at most \(ReplicaGroupSection.maxCount) replicas in all, got \(total)")
            return []
        }
        guard let engine else { return [] }
        var replicas: [ReplicaConfiguration] = []
        for (index, group) in groups.enumerated() {
            guard let group else { continue }
            let groupEngine = group.engineNode.map { EngineSection.read($0, baseDirectory: baseDirectory, inheriting: engine) } ?? engine
            guard let groupEngine, let capacity = group.kvCapacity(engine: groupEngine) else { continue }
            replicas += group.replicas(group: index, engine: groupEngine, kvCapacity: capacity)
        }
        return replicas
    }

    private static func readSLO(_ node: ConfigNode) -> ServiceLevelObjective? {
        guard let object = node.object(allowedKeys: ["ttft", "tpot"]) else { return nil }
        return ServiceLevelObjective(ttft: object["ttft"]?.number(.positive), tpot: object["tpot"]?.number(.positive))
    }

    /// `patience: 30` (every class) or `patience: {chat: 30, batch: 600}`: mean seconds a request
    /// waits to be scheduled before it abandons (exponential).
    private static func readPatience(_ node: ConfigNode, classNames: [String]) -> [Double?] {
        if !node.isObject {
            let value = node.number(.range(patienceRange))
            return classNames.map { _ in value }
        }
        guard let object = node.object(allowedKeys: classNames) else { return [] }
        return classNames.map { object[$0]?.number(.range(patienceRange)) }
    }

    /// Applies the command line's `--horizon SECONDS`, `--warmup SECONDS` and `--rate-scale FACTOR`
    /// (nil: not given), checked with the bounds the scenario reader uses for `horizon`, `warmup`
    /// and `arrivalRate` (or a trace's `timeScale`). Every problem is thrown at once, its path the
    /// flag, e.g. `--warmup: must be less than horizon (600), got 900`; the scenario is left
    /// unchanged when one is found. `--rate-scale` multiplies every class's arrival rate, or divides
    /// a trace's arrival times (compressing its gaps). `work` reflects the overrides.
    ///
    /// ```swift
    /// var scenario = try SimulateScenario.read(envelope, baseDirectory: ".")
    /// try scenario.override(horizon: 1200, warmup: nil, rateScale: 2)   // --horizon 1200 --rate-scale 2
    /// try scenario.work.check(limits, at: "workload")
    /// ```
    public mutating func override(horizon: Double? = nil, warmup: Double? = nil, rateScale: Double? = nil) throws(ScenarioError) {
        var issues: [ScenarioIssue] = []
        let newHorizon = horizon.flatMap { Self.flag("--horizon", $0, .positive, issues: &issues) }
        let newWarmup = warmup.flatMap { Self.flag("--warmup", $0, .nonNegative, issues: &issues) }
        let factor = rateScale.flatMap { Self.flag("--rate-scale", $0, .positive, max: ScenarioMaxima.arrivalRate, issues: &issues) }
        let effectiveHorizon = newHorizon ?? self.horizon
        let effectiveWarmup = newWarmup ?? self.warmup
        // Compared only when the flags given passed their own checks.
        let flagsValid = (horizon == nil || newHorizon != nil) && (warmup == nil || newWarmup != nil)
        if flagsValid && effectiveWarmup >= effectiveHorizon {
            let (horizonText, warmupText) = (ConfigNode.plain(effectiveHorizon), ConfigNode.plain(effectiveWarmup))
            issues.append(newWarmup != nil
                ? ScenarioIssue(path: "--warmup", message: "must be less than horizon (\(horizonText)), got \(warmupText)")
                : ScenarioIssue(path: "--horizon", message: "must be greater than warmup (\(warmupText)), got \(horizonText)"))
        }
        var scaled = workload
        if let factor {
            do { scaled = try Self.scaled(workload, by: factor) } catch { issues += error.issues }
        }
        guard issues.isEmpty else { throw ScenarioError(issues: issues) }
        self.horizon = effectiveHorizon
        self.warmup = effectiveWarmup
        self.workload = scaled
    }

    /// `value` checked as the reader checks its key (the same messages); nil after adding the issue.
    private static func flag(
        _ name: String, _ value: Double, _ rule: NumberRule, max: Double? = nil, issues: inout [ScenarioIssue]
    ) -> Double? {
        let diagnostics = ScenarioDiagnostics()
        let node = ConfigNode(value: .number(value), diagnostics: diagnostics)
        let checked = max.map { node.number(rule, max: $0) } ?? node.number(rule)
        issues += diagnostics.issues.map { ScenarioIssue(path: name, message: $0.message) }
        return checked
    }

    /// The workload with its arrival rates multiplied by `factor` (a trace's arrival times divided
    /// by it); throws why it cannot be, at `--rate-scale`.
    private static func scaled(_ workload: Workload, by factor: Double) throws(ScenarioError) -> Workload {
        switch workload {
        case var .synthetic(classes):
            for index in classes.indices {
                let rate = classes[index].arrivals.rate * factor
                guard rate > 0, rate <= ScenarioMaxima.arrivalRate else {
                    throw ScenarioError(path: "--rate-scale", "class '\(classes[index].name)' would arrive at \(ConfigNode.plain(rate)) "
                        + "requests/s; arrivalRate must be > 0 and <= \(ConfigNode.plain(ScenarioMaxima.arrivalRate))")
                }
                switch classes[index].arrivals {
                case .poisson: classes[index].arrivals = .poisson(rate: rate)
                case let .gamma(_, cv): classes[index].arrivals = .gamma(rate: rate, cv: cv)
                }
            }
            return .synthetic(classes)
        case let .trace(path, requests, classNames):
            // The trace's timeScale would be 1 / factor: the reader's bound on it applies.
            guard 1 / factor <= ScenarioMaxima.seconds else {
                throw ScenarioError(path: "--rate-scale", "a trace's arrival times are divided by the factor, which must be >= "
                    + "\(ConfigNode.plain(1 / ScenarioMaxima.seconds)) (timeScale <= \(ConfigNode.plain(ScenarioMaxima.seconds))), got \(factor)")
            }
            let compressed = requests.map { request in
                var request = request
                request.arrivalTime /= factor
                return request
            }
            return .trace(path: path, requests: compressed, classNames: classNames)
        }
    }

    /// The simulator configuration of this scenario.
    public var configuration: SimulationConfiguration {
        SimulationConfiguration(
            replicas: replicas, classNames: workload.classNames, horizon: horizon, warmup: warmup, slo: slo,
            meanPatience: meanPatience, disaggregation: disaggregation)
    }
}
