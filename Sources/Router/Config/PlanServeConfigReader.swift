import Foundation
import ServingModel

/// `gpusched serve --plan PLAN.json`: a plan file turned into pools, laid over the serve config
/// given beside it (or over the defaults). The file's `kind` picks the importer; a kind with none
/// is one line naming the kinds accepted (exit 2).
///
/// - `deploy-routing` (the `routing.json` that `export deploy --format k8s` puts in the ConfigMap
///   `gpusched-routing`): one `weighted` pool per aggregated model, a backend per group's Service
///   with weight = replicas × capacity per replica (`DeployRoutingImporter`).
/// - `plan-gate-route` (`plan gate-route --json`): the LP's class targets on the base's
///   gate-and-route pools, or its only pool (`GateRoutePlanImporter`).
/// - `plan-cascade` (`plan cascade --json`): the thresholds of the base's cascade (`CascadePlanImporter`).
/// - `plan-deploy` (`plan deploy --json`) names no endpoints: refused, saying to export first.
///
/// A plan's pool replaces the base config's pool of the same model (a cascade, the one of the same
/// name); the base's other pools, its listen address, limits, keys, health, retry and timeout
/// settings stay.
///
/// ```swift
/// let base = try ServeConfigReader.read(path: "serve.yaml")
/// let config = try PlanServeConfigReader.read(path: "routing.json", base: base)
/// ```
public enum PlanServeConfigReader {
    /// Turns a plan file's top-level mapping into pools (reporting problems at their key paths).
    public typealias Importer = @Sendable (_ plan: ConfigNode, _ base: ServeConfig?) -> PlanPools?

    /// The importers by the plan's `kind`.
    public static let importers: [String: Importer] = [
        DeployRoutingImporter.kind: DeployRoutingImporter.read,
        GateRoutePlanImport.kind: GateRoutePlanImporter.read,
        CascadePlanImport.kind: CascadePlanImporter.read,
    ]

    /// Kinds that are plans but cannot be served as they are, with what to do instead.
    static let refused: [String: String] = [
        "plan-deploy": "a plan-deploy report names no endpoints to route to; run `gpusched export deploy PLAN.json --format k8s` "
            + "and pass the routing.json it writes into ConfigMap gpusched-routing (or list the backends in a serve config)",
    ]

    /// The kinds `--plan` accepts, sorted.
    public static var acceptedKinds: [String] { importers.keys.sorted() }

    /// Reads the plan at `path` and lays its pools over `base` (the defaults when nil).
    /// - Throws: `ScenarioError` with every problem (key paths inside the plan file).
    public static func read(path: String, base: ServeConfig? = nil) throws -> ServeConfig {
        try read(value: ConfigParser.parseFile(at: path), base: base)
    }

    /// Reads an already parsed plan.
    public static func read(value: ConfigValue, base: ServeConfig?) throws(ScenarioError) -> ServeConfig {
        guard case let .object(entries) = value else {
            throw ScenarioError(path: "", "a plan must be a JSON object with a 'kind', got \(value.typeName)")
        }
        let accepted = acceptedKinds.joined(separator: ", ")
        guard let kindValue = entries.first(where: { $0.key == "kind" })?.value, case let .string(kind) = kindValue else {
            throw ScenarioError(path: "kind", "missing; --plan takes a plan of kind \(accepted)")
        }
        if let why = refused[kind] { throw ScenarioError(path: "kind", why) }
        guard let importer = importers[kind] else {
            throw ScenarioError(path: "kind", "'\(kind)' is not a plan serve can run; --plan takes a plan of kind \(accepted)")
        }
        let diagnostics = ScenarioDiagnostics()
        let imported = importer(ConfigNode(value: value, diagnostics: diagnostics), base)
        guard diagnostics.issues.isEmpty, let imported else { throw diagnostics.failure() }
        var config = base ?? ServeConfig(pools: [])
        for pool in imported.pools {
            if let index = config.pools.firstIndex(where: { $0.model == pool.pool.model }) {
                config.pools[index] = pool.pool
            } else {
                config.pools.append(pool.pool)
            }
        }
        for cascade in imported.cascades {
            if let index = config.cascades.firstIndex(where: { $0.name == cascade.name }) {
                config.cascades[index] = cascade
            } else {
                config.cascades.append(cascade)
            }
        }
        ServeConfigReader.checkCascades(config.cascades, pools: config.pools) { _, message in diagnostics.report("", message) }
        for pool in imported.pools {
            for (backend, path) in zip(pool.pool.backends, pool.backendPaths) {
                guard case let .success(url) = BackendURL.parse(backend.url) else { continue }
                ServeConfigReader.checkPorts(listen: config.listen, backend: url) { diagnostics.report(path, $0) }
            }
        }
        if config.pools.isEmpty { diagnostics.report("", "the plan gives no pool to serve") }
        guard diagnostics.issues.isEmpty else { throw diagnostics.failure() }
        return config
    }
}

/// What an importer makes of a plan: pools (each with the key paths of its backends in the plan,
/// for later checks) and cascades.
public struct PlanPools: Sendable {
    public struct Pool: Sendable {
        public var pool: PoolConfig
        /// The plan key path of each backend's URL.
        public var backendPaths: [String]

        public init(pool: PoolConfig, backendPaths: [String]) {
            self.pool = pool
            self.backendPaths = backendPaths
        }
    }

    public var pools: [Pool]
    public var cascades: [CascadeConfig]

    public init(pools: [Pool], cascades: [CascadeConfig] = []) {
        self.pools = pools
        self.cascades = cascades
    }
}
