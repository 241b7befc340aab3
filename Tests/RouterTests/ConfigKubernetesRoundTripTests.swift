import Deployment
import Foundation
import GPUSchedTestSupport
import Planning
import Router
import Testing

/// The serve config that `export deploy --format k8s` puts in the router's ConfigMap, taken out of
/// the manifests by PyYAML and read back by `ServeConfigReader` without a problem.
@Suite struct ConfigKubernetesRoundTripTests {
    static let groups = [
        DeploymentGroup(
            model: "llama-3.1-8b", gpu: "H100-80GB", tp: 1, pp: 1, role: .aggregated, count: 4, maxBatch: 128, chunkTokens: 8192,
            memoryUtilization: 0.9, kvCapacityTokens: 400_000, capacityPerReplica: 12.5, nodes: [0]),
        DeploymentGroup(
            model: "llama-3.1-8b", gpu: "L40S", tp: 1, pp: 1, role: .aggregated, count: 3, maxBatch: 64, chunkTokens: 4096,
            memoryUtilization: 0.9, kvCapacityTokens: 100_000, capacityPerReplica: 4.5, nodes: [1]),
        DeploymentGroup(
            model: "llama-3.1-70b", gpu: "H100-80GB", tp: 4, pp: 1, role: .aggregated, count: 1, maxBatch: 64, chunkTokens: 8192,
            memoryUtilization: 0.9, kvCapacityTokens: 300_000, capacityPerReplica: 2, nodes: [2]),
    ]

    @Test func theRoutersServeConfigReadsBackAsWeightedPools() throws {
        try KubernetesValidator.requireInstalled()
        let plan = DeployPlan(
            name: "plan", objective: "min-cost", groups: Self.groups, models: [], costPerHour: 10,
            gpusUsed: [GPUUsage(gpu: "H100-80GB", gpus: 8, nodes: 2, available: 16, costPerHour: 10)])
        for engine in [VLLMExporter() as any ServingEngine, SGLangExporter()] {
            let text = try KubernetesExporter(engine: engine).export(plan, options: DeployExportOptions(namespace: "serving"))
            let objects = try KubernetesValidator.objects(inYAMLFile: try TemporaryFiles.file(text, extension: "yaml"))
            let configMap = try #require(objects.first {
                $0["kind"] as? String == "ConfigMap" && ($0["metadata"] as? [String: Any])?["name"] as? String == "gpusched-router"
            })
            let serve = try #require((configMap["data"] as? [String: String])?["serve.yaml"])
            let config = try ServeConfigReader.read(path: try TemporaryFiles.file(serve, extension: "yaml"), environment: [:])
            #expect(config.listen == ListenAddress(host: "0.0.0.0", port: 8000))
            #expect(config.pools.map(\.model) == ["llama-3.1-8b", "llama-3.1-70b"])
            #expect(config.pools.allSatisfy { $0.policy == .weighted })
            // 4 × 12.5, 3 × 4.5; 1 × 2.
            #expect(config.pools.map { $0.backends.map(\.weight) } == [[50, 13.5], [2]])
            let metrics: EngineMetricsSource = engine is SGLangExporter ? .sglang : .vllm
            #expect(config.pools.allSatisfy { $0.backends.allSatisfy { $0.metrics == metrics && $0.url.hasSuffix(".serving.svc:8000") } })
            // The same pools as `serve --plan routing.json` makes from the routing ConfigMap beside it.
            let routing = try #require(objects.first {
                ($0["metadata"] as? [String: Any])?["name"] as? String == "gpusched-routing"
            }.flatMap { ($0["data"] as? [String: String])?["routing.json"] })
            let imported = try PlanServeConfigReader.read(path: try TemporaryFiles.file(routing, extension: "json"))
            #expect(imported.pools == config.pools)
        }
    }
}
