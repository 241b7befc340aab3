import Cascade
import Deployment
import ExpertPlacement
import Foundation
import GateAndRoute
import GeoPlacement
import ServingModel
import Simulation

/// A scenario kind the CLI understands: the top-level keys it accepts and a reader that checks
/// the body, reports problems to the envelope's diagnostics and returns a one-line summary.
struct ScenarioKindSpec: Sendable {
    var name: String
    var keys: [String]
    /// Reads the body (the scenario file's path is given for relative paths inside it).
    var summarize: @Sendable (ScenarioEnvelope, String) -> String
}

/// Every scenario kind `validate` (and the verbs that run scenarios) accept. Each planner adds its own.
enum ScenarioKinds {
    static let all: [ScenarioKindSpec] = [catalog, simulate, gateRoute, geo, cascade, moePlacement, deploy, serve]

    /// Top-level keys per kind, as `ScenarioEnvelope.read` takes them.
    static var keysByKind: [String: [String]] {
        Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0.keys) })
    }

    static func spec(named name: String) -> ScenarioKindSpec? { all.first { $0.name == name } }

    /// Loads and fully validates a scenario file; throws `ScenarioError` with every problem.
    static func load(path: String, limits: WorkLimits = .default) throws -> (envelope: ScenarioEnvelope, summary: String) {
        let envelope = try ScenarioEnvelope.read(path: path, kinds: keysByKind, limits: limits)
        guard let kind = spec(named: envelope.kind) else { throw ScenarioError(path: "kind", "unknown kind '\(envelope.kind)'") }
        let summary = kind.summarize(envelope, path)
        try envelope.diagnostics.throwIfAny()
        return (envelope, summary)
    }

    /// Loads a scenario that must be of `kind`, reading its body with `read` (given the envelope and
    /// the scenario file's directory), or throws every problem found.
    static func load<Scenario>(
        path: String, kind: String, limits: WorkLimits = .default,
        read: (ScenarioEnvelope, String) throws -> Scenario
    ) throws -> Scenario {
        let envelope = try ScenarioEnvelope.read(path: path, kinds: keysByKind, limits: limits)
        guard envelope.kind == kind else {
            throw ScenarioError(path: "kind", "this command needs a '\(kind)' scenario, got '\(envelope.kind)'")
        }
        let scenario = try read(envelope, directory(of: path))
        try envelope.diagnostics.throwIfAny()
        return scenario
    }

    /// Loads a `kind: simulate` scenario, or throws every problem found.
    static func loadSimulate(path: String, limits: WorkLimits = .default) throws -> SimulateScenario {
        try load(path: path, kind: "simulate", limits: limits) { envelope, directory in
            try SimulateScenario.read(envelope, baseDirectory: directory)
        }
    }

    /// Loads a `kind: gate-route` scenario, or throws every problem found.
    static func loadGateRoute(path: String, limits: WorkLimits = .default) throws -> GateRouteScenario {
        try load(path: path, kind: "gate-route", limits: limits) { envelope, directory in
            try GateRouteScenario.read(envelope, baseDirectory: directory)
        }
    }

    /// `kind: gate-route`: the prefill–decode contention model's classes, engine and prices.
    static let gateRoute = ScenarioKindSpec(name: "gate-route", keys: GateRouteScenario.keys) { envelope, path in
        summary(envelope) { () throws(ScenarioError) in try GateRouteScenario.read(envelope, baseDirectory: directory(of: path)) }
            describe: { scenario in
                "\(scenario.instance.classes.count) classes on \(scenario.instance.gpus) GPUs, "
                    + "\(scenario.instance.pricing.scheme.rawValue) pricing"
            }
    }

    /// Loads a `kind: geo` scenario within `limits`, or throws every problem found.
    static func loadGeo(path: String, limits: WorkLimits = .default) throws -> GeoScenario {
        try load(path: path, kind: "geo", limits: limits) { envelope, _ in try GeoScenario.read(envelope) }
    }

    /// `kind: geo`: servers at sites, clients, RTTs and a request stream for block placement and routing.
    static let geo = ScenarioKindSpec(name: "geo", keys: GeoScenario.keys) { envelope, _ in
        summary(envelope) { () throws(ScenarioError) in try GeoScenario.read(envelope) } describe: { scenario in
            "\(scenario.instance.servers.count) servers, \(scenario.instance.clients.count) clients, "
                + "\(scenario.instance.model.blocks) blocks, \(scenario.requests) requests"
        }
    }

    /// Loads a `kind: cascade` scenario within `limits`, or throws every problem found.
    static func loadCascade(path: String, limits: WorkLimits = .default) throws -> CascadeScenario {
        try load(path: path, kind: "cascade", limits: limits) { envelope, directory in
            try CascadeScenario.read(envelope, baseDirectory: directory)
        }
    }

    /// Loads a `kind: deploy` scenario within `limits`, or throws every problem found.
    static func loadDeploy(path: String, limits: WorkLimits = .default) throws -> DeployScenario {
        try load(path: path, kind: "deploy", limits: limits) { envelope, directory in
            try DeployScenario.read(envelope, baseDirectory: directory)
        }
    }

    /// `kind: deploy`: a fleet of GPU types and the models to serve on it, with traffic and SLOs.
    static let deploy = ScenarioKindSpec(name: "deploy", keys: DeployScenario.keys) { envelope, path in
        summary(envelope) { () throws(ScenarioError) in try DeployScenario.read(envelope, baseDirectory: directory(of: path)) }
            describe: { scenario in
                let problem = scenario.problem
                return "\(problem.models.count) models on \(problem.fleet.reduce(0) { $0 + $1.count }) GPUs of "
                    + "\(problem.fleet.count) types, objective \(problem.objective.rawValue)"
            }
    }

    /// Loads a `kind: moe-placement` scenario within `limits`, or throws every problem found.
    static func loadMoE(path: String, limits: WorkLimits = .default) throws -> MoEScenario {
        try load(path: path, kind: "moe-placement", limits: limits) { envelope, directory in
            try MoEScenario.read(envelope, baseDirectory: directory)
        }
    }

    /// `kind: cascade`: models ordered small to large on a GPU pool, a quality target and its sample.
    /// The reader runs the planner's own checks (`CascadeProblem.check()`) without building a planner.
    static let cascade = ScenarioKindSpec(name: "cascade", keys: CascadeScenario.keys) { envelope, path in
        summary(envelope) { () throws(ScenarioError) in try CascadeScenario.read(envelope, baseDirectory: directory(of: path)) }
            describe: { scenario in
                let problem = scenario.problem
                return "\(problem.models.count)-model cascade on \(problem.totalGPUs) \(problem.engine.gpu.name), "
                    + "\(problem.samples.requests.count) quality samples, target \(problem.qualityTarget)"
            }
    }

    /// `kind: moe-placement`: an MoE model, a cluster topology and routing statistics for expert placement.
    static let moePlacement = ScenarioKindSpec(name: "moe-placement", keys: MoEScenario.keys) { envelope, path in
        summary(envelope) { () throws(ScenarioError) in try MoEScenario.read(envelope, baseDirectory: directory(of: path)) }
            describe: { scenario in
                "\(scenario.model.name) on \(scenario.topology.label) (\(scenario.distances.count) GPUs, "
                    + "\(scenario.slotsPerGPU) slots each), \(scenario.methods.count) methods"
            }
    }

    /// `validate`'s one-line summary of a kind: the reader's value described, or "" with the reader's
    /// error kept in the envelope's diagnostics (which `load` then throws).
    static func summary<Scenario>(
        _ envelope: ScenarioEnvelope, read: () throws(ScenarioError) -> Scenario, describe: (Scenario) -> String
    ) -> String {
        do throws(ScenarioError) {
            return describe(try read())
        } catch {
            envelope.keep(error)
            return ""
        }
    }

    static func directory(of path: String) -> String {
        URL(fileURLWithPath: path).deletingLastPathComponent().path
    }

    /// `kind: simulate`: a fleet, a workload and a routing policy for the simulator.
    static let simulate = ScenarioKindSpec(name: "simulate", keys: SimulateScenario.keys) { envelope, path in
        summary(envelope) { () throws(ScenarioError) in try SimulateScenario.read(envelope, baseDirectory: directory(of: path)) }
            describe: { scenario in
                "\(scenario.replicas.count) replicas of \(scenario.model.name), "
                    + "\(scenario.workload.classNames.count) request classes, policy \(scenario.policy.rawValue), "
                    + "\(scenario.seeds.count) seeds"
            }
    }

    /// `kind: catalog`: a file that only defines GPUs and models, for `catalog --scenario` and for
    /// checking hardware definitions before using them in other scenarios.
    static let catalog = ScenarioKindSpec(name: "catalog", keys: []) { envelope, _ in
        let builtinGPUs = Set(Catalog.builtin.gpus.map { $0.name.lowercased() })
        let builtinModels = Set(Catalog.builtin.models.map { $0.name.lowercased() })
        let newGPUs = envelope.catalog.gpus.filter { !builtinGPUs.contains($0.name.lowercased()) }.count
        let newModels = envelope.catalog.models.filter { !builtinModels.contains($0.name.lowercased()) }.count
        return "catalog with \(envelope.catalog.gpus.count) GPUs (\(newGPUs) new) and "
            + "\(envelope.catalog.models.count) models (\(newModels) new)"
    }
}

extension ScenarioEnvelope {
    /// Makes sure `validate` sees a reader's error: it holds the diagnostics' issues, and when
    /// the diagnostics have none, its own are recorded.
    fileprivate func keep(_ error: ScenarioError) {
        if diagnostics.issues.isEmpty { error.issues.forEach { diagnostics.report($0.path, $0.message) } }
    }
}
