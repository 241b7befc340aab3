import Deployment
import ServingModel

/// `--plan routing.json` (kind `deploy-routing`, `RoutingConfig`, written by `export deploy
/// --format k8s` into the ConfigMap `gpusched-routing`): each aggregated model becomes a
/// `weighted` pool whose backends are its groups' Services, weighted by replicas × capacity per
/// replica, so traffic splits as the plan sized the groups; engine metrics are scraped as the
/// plan's engine (`vllm` or `sglang`) publishes them.
///
/// A disaggregated model (prefill and decode groups) needs a request sent to a prefill server,
/// then its KV cache handed to a decode server (vLLM's disaggregated proxy with the NixlConnector's
/// `kv_transfer_params`, or `sglang-router --pd-disaggregation` with bootstrap rooms). The router
/// does not do that handoff, and routing a request to either role alone would be wrong, so the
/// import refuses such a model unless the serve config given beside the plan already has a pool
/// for it (the PD proxy's URL), which is kept.
enum DeployRoutingImporter {
    static let kind = "deploy-routing"
    static let keys = ["schemaVersion", "kind", "plan", "engine", "namespace", "models"]
    static let modelKeys = ["model", "repository", "disaggregated", "endpoints"]
    static let endpointKeys = [
        "group", "role", "service", "url", "port", "bootstrapPort", "weight", "replicas", "capacityPerReplica", "gpu", "tp", "pp",
    ]

    @Sendable static func read(_ node: ConfigNode, base: ServeConfig?) -> PlanPools? {
        guard let root = node.object(allowedKeys: keys) else { return nil }
        if let version = root.require("schemaVersion")?.integer(), version != RoutingConfig.currentSchemaVersion {
            root.report(key: "schemaVersion", "this router reads deploy-routing version \(RoutingConfig.currentSchemaVersion), got \(version)")
        }
        let engine = root["engine"]?.choice(["vllm", "sglang"])
        let metrics: EngineMetricsSource = engine == "sglang" ? .sglang : engine == "vllm" ? .vllm : .none
        guard let models = root.require("models")?.list(nonEmpty: true) else { return nil }
        var pools: [PlanPools.Pool] = []
        var seen: [String: Int] = [:]
        for (index, modelNode) in models.enumerated() {
            guard let model = modelNode.object(allowedKeys: modelKeys) else { continue }
            guard let name = model.require("model")?.string() else { continue }
            if let first = seen[name] {
                model.report(key: "model", "duplicate model '\(name)' (also models[\(first)])")
                continue
            }
            seen[name] = index
            guard let endpoints = model.require("endpoints")?.list(nonEmpty: true) else { continue }
            let objects = endpoints.map { $0.object(allowedKeys: endpointKeys) }
            let roles = objects.map { $0?.require("role")?.choice(["aggregated", "prefill", "decode"]) }
            if roles.contains(where: { $0 == "prefill" || $0 == "decode" }) || model["disaggregated"]?.bool() == true {
                if base?.pools.contains(where: { $0.model == name }) != true {
                    model.report("\(name) is disaggregated (prefill and decode groups): the router does not hand a request from a prefill "
                        + "to a decode server; run the engine's PD proxy (vLLM's disaggregated proxy, or sglang-router "
                        + "--pd-disaggregation) in front of its endpoints and give \(name) a pool with that proxy in the serve config")
                }
                continue
            }
            var backends: [BackendConfig] = []
            var paths: [String] = []
            for object in objects {
                guard let object, let urlNode = object.require("url") else { continue }
                let url = ServeConfigReader.readURL(urlNode)
                let weight = object.require("weight")?.number(.positive, max: ServeConfigBounds.maxWeight)
                guard let url, let weight else { continue }
                backends.append(BackendConfig(url: url.description, weight: weight, metrics: metrics))
                paths.append(urlNode.path)
            }
            guard backends.count == endpoints.count else { continue }
            pools.append(PlanPools.Pool(pool: PoolConfig(model: name, policy: .weighted, backends: backends), backendPaths: paths))
        }
        return PlanPools(pools: pools)
    }
}
