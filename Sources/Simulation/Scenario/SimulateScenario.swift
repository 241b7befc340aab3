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
    ]

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
        let replicas = readReplicas(body, model: model, engine: engine, catalog: catalog)
        var patience: [Double?] = []
        if let workload, let node = body["patience"] {
            patience = readPatience(node, classNames: workload.classNames)
        }
        guard envelope.diagnostics.issues.isEmpty, let model, let workload, let policy, let horizon, let warmup,
              let seedCount, let firstSeed, let slo, !replicas.isEmpty else { throw envelope.diagnostics.failure(at: "replicas") }
        return SimulateScenario(
            model: model, replicas: replicas, workload: workload, policy: policy, horizon: horizon, warmup: warmup,
            seeds: (0..<seedCount).map { UInt64(firstSeed + $0) }, slo: slo, meanPatience: patience)
    }

    /// Most seeds of one run (the scenario's `seeds` and the `--seeds` flag).
    public static let maxSeeds = 1000

    /// Every group of `replicas:` is read, whether or not the model and the engine could be; the
    /// memory fit needs both, the replicas themselves the engine.
    private static func readReplicas(
        _ body: ConfigObject, model: ModelSpec?, engine: EngineSection?, catalog: Catalog
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
            guard let group, let capacity = group.kvCapacity(engine: engine) else { continue }
            replicas += group.replicas(group: index, engine: engine, kvCapacity: capacity)
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

    /// The simulator configuration of this scenario.
    public var configuration: SimulationConfiguration {
        SimulationConfiguration(
            replicas: replicas, classNames: workload.classNames, horizon: horizon, warmup: warmup, slo: slo,
            meanPatience: meanPatience)
    }
}
