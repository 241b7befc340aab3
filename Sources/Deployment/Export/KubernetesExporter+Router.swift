import Planning

/// The router of `export deploy --format k8s`: `gpusched serve` in front of the plan's groups.
///
/// - ConfigMap `gpusched-router`, key `serve.yaml`: a `kind: serve` config with one `weighted`
///   pool per aggregated model, a backend per group's Service, weight = replicas × capacity per
///   replica (the `RoutingConfig`'s weights), engine metrics scraped as the engine publishes them.
///   A disaggregated model gets no pool (the router does not hand requests from prefill to decode
///   servers); the file's comment names it. When no model is aggregated, no router is written.
/// - Deployment `gpusched-router` (`routerReplicas` pods, image `routerImage`): runs
///   `gpusched serve /etc/gpusched/serve.yaml`, listening on 0.0.0.0:8000 (inside a pod the kubelet's
///   probes and the Service reach it on the pod's IP, not loopback); readiness on `/ready`,
///   liveness on `/health`, Prometheus scrape annotations for `/metrics`; a 60 s grace period for
///   the graceful drain.
/// - Service `gpusched-router`: port 8000 to the pods (the address clients use).
extension KubernetesExporter {
    /// The router's objects' name (ConfigMap, Deployment, Service).
    public static let routerName = "gpusched-router"
    /// The ConfigMap key of the serve config, and where the pod mounts it.
    public static let routerConfigKey = "serve.yaml"
    public static let routerConfigPath = "/etc/gpusched/serve.yaml"
    /// The router's port in its pod and on its Service.
    public static let routerPort = 8000
    /// The image when none is given (build it from this repository; none is published).
    public static let defaultRouterImage = "gpusched:latest"
    /// The label that selects the router's pods.
    public static let componentLabel = "app.kubernetes.io/component"

    /// The serve config for `routing`, or nil when no model is aggregated.
    public static func serveConfig(_ routing: RoutingConfig) -> String? {
        let routed = routing.models.filter { !$0.disaggregated }
        guard !routed.isEmpty else { return nil }
        let metrics = routing.engine == "sglang" ? "sglang" : "vllm"
        let pools = routed.map { model in
            YAMLNode.map([
                YAMLEntry("model", .string(model.model)),
                YAMLEntry("policy", .string("weighted")),
                YAMLEntry("backends", .list(model.endpoints.map { endpoint in
                    .map([
                        YAMLEntry("url", .string(endpoint.url)), YAMLEntry("weight", .number(endpoint.weight)),
                        YAMLEntry("metrics", .string(metrics)),
                    ])
                })),
            ])
        }
        var comment = "# gpusched serve config for plan '\(routing.plan)': one weighted pool per aggregated model, a backend per\n"
            + "# group's Service, weight = replicas x capacity per replica (requests/s at the SLO).\n"
        let skipped = routing.models.filter(\.disaggregated).map(\.model)
        if !skipped.isEmpty {
            comment += "# Not routed here (disaggregated: a request needs a prefill then a decode server, which the router does\n"
                + "# not hand over): " + skipped.joined(separator: ", ") + ". Put the engine's PD proxy in front of their\n"
                + "# Services and add a pool with the proxy's URL.\n"
        }
        let body = YAMLNode.map([
            YAMLEntry("kind", .string("serve")),
            YAMLEntry("listen", .string("0.0.0.0:\(routerPort)")),
            YAMLEntry("pools", .list(pools)),
        ])
        return comment + body.render()
    }

    /// The router's ConfigMap, Deployment and Service (none when no model is aggregated).
    func routerDocuments(routing: RoutingConfig, options: DeployExportOptions) throws(PlanningError) -> [YAMLNode] {
        guard let config = Self.serveConfig(routing) else { return [] }
        guard (1...1_000).contains(options.routerReplicas) else {
            throw .badInput("router replicas must be between 1 and 1000, got \(options.routerReplicas)")
        }
        let component = [YAMLEntry(Self.componentLabel, .string("router"))]
        let selector = [YAMLEntry(Self.partOfLabel, .string("gpusched"))] + component
        let http = YAMLNode.string("http")
        func probe(_ path: String, period: Int) -> YAMLNode {
            .map([
                YAMLEntry("httpGet", .map([YAMLEntry("path", .string(path)), YAMLEntry("port", http)])),
                YAMLEntry("periodSeconds", .int(period)),
            ])
        }
        let container = YAMLNode.map([
            YAMLEntry("name", .string("router")),
            YAMLEntry("image", .string(options.routerImage ?? Self.defaultRouterImage)),
            YAMLEntry("command", .list([.string("gpusched")])),
            YAMLEntry("args", .list([.string("serve"), .string(Self.routerConfigPath)])),
            YAMLEntry("ports", .list([.map([YAMLEntry("name", http), YAMLEntry("containerPort", .int(Self.routerPort))])])),
            YAMLEntry("readinessProbe", probe("/ready", period: 5)),
            YAMLEntry("livenessProbe", probe("/health", period: 10)),
            YAMLEntry("resources", .map([
                YAMLEntry("requests", .map([YAMLEntry("cpu", .string("1")), YAMLEntry("memory", .string("256Mi"))])),
                YAMLEntry("limits", .map([YAMLEntry("memory", .string("2Gi"))])),
            ])),
            YAMLEntry("volumeMounts", .list([.map([
                YAMLEntry("name", .string("config")), YAMLEntry("mountPath", .string("/etc/gpusched")), YAMLEntry("readOnly", .bool(true)),
            ])])),
        ])
        let configMap = YAMLNode.map([
            YAMLEntry("apiVersion", .string("v1")), YAMLEntry("kind", .string("ConfigMap")),
            YAMLEntry("metadata", metadata(Self.routerName, labels: component, options: options)),
            YAMLEntry("data", .map([YAMLEntry(Self.routerConfigKey, .literal(config))])),
        ])
        let deployment = YAMLNode.map([
            YAMLEntry("apiVersion", .string("apps/v1")), YAMLEntry("kind", .string("Deployment")),
            YAMLEntry("metadata", metadata(Self.routerName, labels: component, options: options)),
            YAMLEntry("spec", .map([
                YAMLEntry("replicas", .int(options.routerReplicas)),
                YAMLEntry("selector", .map([YAMLEntry("matchLabels", .map(selector))])),
                YAMLEntry("template", .map([
                    YAMLEntry("metadata", .map([
                        YAMLEntry("labels", .map(selector)),
                        YAMLEntry("annotations", .map([
                            YAMLEntry("prometheus.io/scrape", .string("true")),
                            YAMLEntry("prometheus.io/port", .string(String(Self.routerPort))),
                            YAMLEntry("prometheus.io/path", .string("/metrics")),
                        ])),
                    ])),
                    YAMLEntry("spec", .map([
                        YAMLEntry("terminationGracePeriodSeconds", .int(60)),
                        YAMLEntry("containers", .list([container])),
                        YAMLEntry("volumes", .list([.map([
                            YAMLEntry("name", .string("config")),
                            YAMLEntry("configMap", .map([YAMLEntry("name", .string(Self.routerName))])),
                        ])])),
                    ])),
                ])),
            ])),
        ])
        let service = YAMLNode.map([
            YAMLEntry("apiVersion", .string("v1")), YAMLEntry("kind", .string("Service")),
            YAMLEntry("metadata", metadata(Self.routerName, labels: component, options: options)),
            YAMLEntry("spec", .map([
                YAMLEntry("selector", .map(selector)),
                YAMLEntry("ports", .list([.map([
                    YAMLEntry("name", http), YAMLEntry("port", .int(Self.routerPort)), YAMLEntry("targetPort", http),
                ])])),
            ])),
        ])
        return [configMap, deployment, service]
    }
}
