import Deployment
import Foundation
import GPUSchedTestSupport
import Planning
import Testing

/// The router objects of `export deploy --format k8s`: its ConfigMap (serve.yaml), Deployment and
/// Service, parsed back by PyYAML (the objects' schema validation is in KubernetesExportTests; the
/// serve config read back by the router's own reader is in RouterTests).
@Suite struct KubernetesRouterExportTests {
    func objects(_ plan: DeployPlan, options: DeployExportOptions) throws -> [[String: Any]] {
        let text = try KubernetesExporter().export(plan, options: options)
        return try KubernetesValidator.objects(inYAMLFile: try TemporaryFiles.file(text, extension: "yaml"))
    }

    func named(_ objects: [[String: Any]], kind: String, _ name: String) throws -> [String: Any] {
        try #require(objects.first { $0["kind"] as? String == kind && ($0["metadata"] as? [String: Any])?["name"] as? String == name })
    }

    @Test func theRouterRunsServeOnItsConfigWithProbesAndScrapeAnnotations() throws {
        try KubernetesValidator.requireInstalled()
        let all = try objects(
            DeployExportFixtures.plan(), options: DeployExportOptions(namespace: "serving", routerImage: "registry.example/gpusched:1.2", routerReplicas: 3))
        let deployment = try named(all, kind: "Deployment", "gpusched-router")
        let spec = try #require(deployment["spec"] as? [String: Any])
        #expect(spec["replicas"] as? Int == 3)
        let template = try #require(spec["template"] as? [String: Any])
        let metadata = try #require(template["metadata"] as? [String: Any])
        #expect(metadata["annotations"] as? [String: String] == [
            "prometheus.io/scrape": "true", "prometheus.io/port": "8000", "prometheus.io/path": "/metrics",
        ])
        let podLabels = try #require(metadata["labels"] as? [String: String])
        let matchLabels = try #require((spec["selector"] as? [String: Any])?["matchLabels"] as? [String: String])
        #expect(matchLabels.allSatisfy { podLabels[$0.key] == $0.value })
        let podSpec = try #require(template["spec"] as? [String: Any])
        let container = try #require((podSpec["containers"] as? [[String: Any]])?.first)
        #expect(container["image"] as? String == "registry.example/gpusched:1.2")
        #expect(container["command"] as? [String] == ["gpusched"])
        #expect(container["args"] as? [String] == ["serve", "/etc/gpusched/serve.yaml"])
        #expect(((container["readinessProbe"] as? [String: Any])?["httpGet"] as? [String: String]) == ["path": "/ready", "port": "http"])
        #expect(((container["livenessProbe"] as? [String: Any])?["httpGet"] as? [String: String]) == ["path": "/health", "port": "http"])
        let port = try #require((container["ports"] as? [[String: Any]])?.first)
        #expect(port["name"] as? String == "http" && port["containerPort"] as? Int == 8000)
        let mount = try #require((container["volumeMounts"] as? [[String: Any]])?.first)
        #expect(mount["mountPath"] as? String == "/etc/gpusched")
        let volume = try #require((podSpec["volumes"] as? [[String: Any]])?.first)
        #expect((volume["configMap"] as? [String: String])?["name"] == "gpusched-router" && volume["name"] as? String == mount["name"] as? String)
        // The Service sends port 8000 to the router's pods.
        let service = try named(all, kind: "Service", "gpusched-router")
        let serviceSpec = try #require(service["spec"] as? [String: Any])
        let selector = try #require(serviceSpec["selector"] as? [String: String])
        #expect(!selector.isEmpty && selector.allSatisfy { podLabels[$0.key] == $0.value })
        let servicePorts = try #require(serviceSpec["ports"] as? [[String: Any]])
        #expect(servicePorts.count == 1)
        #expect(servicePorts[0]["port"] as? Int == 8000 && servicePorts[0]["targetPort"] as? String == "http")
        #expect((service["metadata"] as? [String: Any])?["namespace"] as? String == "serving")
    }

    @Test func theServeConfigHasAWeightedPoolPerAggregatedModel() throws {
        try KubernetesValidator.requireInstalled()
        let all = try objects(DeployExportFixtures.plan(), options: DeployExportOptions(namespace: "serving"))
        let configMap = try named(all, kind: "ConfigMap", "gpusched-router")
        let text = try #require((configMap["data"] as? [String: String])?["serve.yaml"])
        let path = try TemporaryFiles.file(text, extension: "yaml")
        let serve = try #require(try KubernetesValidator.objects(inYAMLFile: path).first)
        #expect(serve["kind"] as? String == "serve")
        #expect(serve["listen"] as? String == "0.0.0.0:8000")
        let pools = try #require(serve["pools"] as? [[String: Any]])
        // llama-3.1-70b is disaggregated: no pool, and the comment says why.
        #expect(pools.map { $0["model"] as? String } == ["llama-3.1-8b", "llama-3.1-405b"])
        #expect(pools.allSatisfy { $0["policy"] as? String == "weighted" })
        let backends = pools.map { $0["backends"] as? [[String: Any]] ?? [] }
        // weight = replicas × capacity per replica: 4 × 12.5 and 1 × 1.5.
        #expect(backends.map { $0.map { $0["weight"] as? Double } } == [[50], [1.5]])
        // The same Services as the routing config's aggregated endpoints.
        let routingText = try #require((try named(all, kind: "ConfigMap", "gpusched-routing")["data"] as? [String: String])?["routing.json"])
        let routing = try JSONDecoder().decode(RoutingConfig.self, from: Data(routingText.utf8))
        let aggregated = routing.models.filter { !$0.disaggregated }.map { $0.endpoints.map(\.url) }
        #expect(backends.map { $0.map { $0["url"] as? String } } == aggregated)
        #expect(aggregated.joined().allSatisfy { $0.hasSuffix(".serving.svc:8000") })
        #expect(backends.flatMap { $0.map { $0["metrics"] as? String } } == ["vllm", "vllm"])
        #expect(text.contains("Not routed here") && text.contains("llama-3.1-70b"))
    }

    @Test func aPlanWithOnlyDisaggregatedModelsHasNoRouter() throws {
        let disaggregated = DeployExportFixtures.groups.filter { $0.role != .aggregated }
        let text = try KubernetesExporter().export(DeployExportFixtures.plan(groups: disaggregated), options: DeployExportOptions())
        #expect(!text.contains("name: \"gpusched-router\""))
        #expect(text.contains("# No router (gpusched-router): every model is disaggregated"))
        #expect(text.contains("gpusched-routing"))
        #expect(throws: PlanningError.self) {
            try KubernetesExporter().export(DeployExportFixtures.plan(), options: DeployExportOptions(routerReplicas: 0))
        }
    }
}
