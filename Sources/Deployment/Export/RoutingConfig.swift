import Foundation
import Planning

/// The routing config that `export deploy --format k8s` puts in the ConfigMap `gpusched-routing`
/// (key `routing.json`), and that the serve issue's router reads: per model, the Service endpoint
/// of each of its groups with the group's role and weight = replicas × capacity per replica
/// (requests per second at the SLO, by the plan's capacity model). A router spreads a model's
/// aggregated traffic over its aggregated endpoints by weight; a disaggregated model's requests go
/// to a prefill endpoint, then a decode endpoint, each chosen by weight among its role.
/// ```
/// let config = RoutingConfig(plan: plan, groups: groups, engine: "vllm", port: 8000, namespace: nil)
/// let json = try config.json()
/// ```
public struct RoutingConfig: Sendable, Hashable, Codable {
    /// The config's version.
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    /// Always `deploy-routing`.
    public var kind: String
    /// The plan's name (`plan` or a baseline's).
    public var plan: String
    /// `vllm` or `sglang`.
    public var engine: String
    /// The namespace of the Services (null: the reader's own).
    @Nullable public var namespace: String?
    public var models: [ModelRoutes]

    /// One model's endpoints.
    public struct ModelRoutes: Sendable, Hashable, Codable {
        /// The catalog name, which is also the engines' `--served-model-name`.
        public var model: String
        /// The Hugging Face repository the engines load.
        public var repository: String
        /// True when the model has prefill and decode groups.
        public var disaggregated: Bool
        public var endpoints: [Endpoint]
    }

    /// One group's Service.
    public struct Endpoint: Sendable, Hashable, Codable {
        /// The group's name (the Deployment's or LeaderWorkerSet's).
        public var group: String
        /// `aggregated`, `prefill` or `decode`.
        public var role: String
        /// The Service's name.
        public var service: String
        /// `http://SERVICE[.NAMESPACE.svc]:PORT`.
        public var url: String
        public var port: Int
        /// SGLang prefill servers' bootstrap port (null otherwise).
        @Nullable public var bootstrapPort: Int?
        /// Replicas × capacity per replica, requests per second.
        public var weight: Double
        public var replicas: Int
        public var capacityPerReplica: Double
        public var gpu: String
        public var tp: Int
        public var pp: Int
    }

    public init(plan: DeployPlan, groups: [ExportGroup], engine: String, port: Int, namespace: String?, bootstrapPort: Int?) {
        schemaVersion = Self.currentSchemaVersion
        kind = "deploy-routing"
        self.plan = plan.name
        self.engine = engine
        self.namespace = namespace
        var order: [String] = []
        for group in groups where !order.contains(group.group.model) { order.append(group.group.model) }
        models = order.map { model in
            let members = groups.filter { $0.group.model == model }
            return ModelRoutes(
                model: model, repository: members[0].repository,
                disaggregated: members.contains { $0.group.role != .aggregated },
                endpoints: members.map { member in
                    let g = member.group
                    let service = KubernetesExporter.serviceName(member)
                    let host = namespace.map { "\(service).\($0).svc" } ?? service
                    return Endpoint(
                        group: member.name, role: g.role.rawValue, service: service, url: "http://\(host):\(port)", port: port,
                        bootstrapPort: g.role == .prefill ? bootstrapPort : nil, weight: Double(g.count) * g.capacityPerReplica,
                        replicas: g.count, capacityPerReplica: g.capacityPerReplica, gpu: g.gpu, tp: g.tp, pp: g.pp)
                })
        }
    }

    /// Pretty-printed JSON with sorted keys, ending in a newline.
    public func json() throws(PlanningError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
        } catch {
            throw .failure("cannot encode the routing config: \(error)")
        }
    }
}
