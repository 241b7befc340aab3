import Deployment
import Foundation
import GPUSchedTestSupport
import Planning
import Testing

/// `export deploy --format k8s`: the YAML stream parsed by PyYAML, every object validated by
/// kubernetes-validate against the Kubernetes 1.37 schemas in strict mode (unknown fields are
/// errors), and the contents checked against the plan.
///
/// LeaderWorkerSet is a CRD (leaderworkerset.x-k8s.io/v1) that kubernetes-validate has no schema
/// for (it warns and skips it; it has no option to load CRDs). Its pod templates are validated by
/// wrapping each in a core/v1 PodTemplate, and the rest of it structurally against the fields and
/// enums of the LWS API types (kubernetes-sigs/lws api/leaderworkerset/v1/leaderworkerset_types.go).
@Suite struct KubernetesExportTests {
    let plan = DeployExportFixtures.plan()
    let groups = DeployExportFixtures.groups

    private func export(engine: any ServingEngine = VLLMExporter(), namespace: String? = nil) throws -> (text: String, path: String) {
        let text = try KubernetesExporter(engine: engine).export(plan, options: DeployExportOptions(namespace: namespace))
        return (text, try TemporaryFiles.file(text, extension: "yaml"))
    }

    @Test func everyManifestValidatesAgainstTheKubernetesSchemas() throws {
        try KubernetesValidator.requireInstalled()
        for engine in [VLLMExporter() as any ServingEngine, SGLangExporter()] {
            let (_, path) = try export(engine: engine, namespace: "serving")
            let result = try KubernetesValidator.validate(file: path)
            #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
            let lines = result.stdout.split(separator: "\n")
            // 3 Deployments, 4 Services and the ConfigMap of the groups, the router's ConfigMap,
            // Deployment and Service pass; the LeaderWorkerSet has no schema.
            #expect(lines.filter { $0.hasPrefix("INFO") && $0.contains("passed") }.count == 11)
            #expect(lines.filter { $0.hasPrefix("ERROR") }.isEmpty)
            #expect(lines.filter { $0.hasPrefix("WARN") }.count == 1)
            #expect(lines.first { $0.hasPrefix("WARN") }?.contains("LeaderWorkerSet") == true)
        }
    }

    @Test func theValidatorRejectsABrokenManifest() throws {
        try KubernetesValidator.requireInstalled()
        let (text, _) = try export()
        // The first Deployment with an unknown field under its spec (strict mode) and a string count.
        let broken = text.replacingOccurrences(of: "  replicas: 4\n", with: "  replicas: \"four\"\n  replicaCount: 4\n")
        #expect(broken != text)
        let result = try KubernetesValidator.validate(file: try TemporaryFiles.file(broken, extension: "yaml"))
        #expect(result.exitCode != 0)
        #expect(result.stdout.contains("ERROR"))
    }

    @Test func workloadsMatchTheirGroups() throws {
        try KubernetesValidator.requireInstalled()
        let (_, path) = try export()
        let objects = try KubernetesValidator.objects(inYAMLFile: path)
        #expect(objects.compactMap { $0["kind"] as? String } == [
            "Deployment", "Service", "Deployment", "Service", "Deployment", "Service", "LeaderWorkerSet", "Service", "ConfigMap",
            "ConfigMap", "Deployment", "Service",
        ])
        for (index, group) in groups.enumerated() {
            let workload = objects[2 * index]
            let spec = try #require(workload["spec"] as? [String: Any])
            #expect(spec["replicas"] as? Int == group.count)
            let templates: [(template: [String: Any], rank: Int?)]
            if group.pp > 1 {
                let lws = try #require(spec["leaderWorkerTemplate"] as? [String: Any])
                #expect(lws["size"] as? Int == group.pp)
                templates = [
                    (try #require(lws["leaderTemplate"] as? [String: Any]), 0), (try #require(lws["workerTemplate"] as? [String: Any]), nil),
                ]
            } else {
                templates = [(try #require(spec["template"] as? [String: Any]), 0)]
            }
            for (template, rank) in templates {
                let podSpec = try #require(template["spec"] as? [String: Any])
                #expect(podSpec["nodeSelector"] as? [String: String] == ["nvidia.com/gpu.product": DeployExportFixtures.labels[group.gpu]!])
                let containers = try #require(podSpec["containers"] as? [[String: Any]])
                #expect(containers.count == 1)
                let resources = try #require(containers[0]["resources"] as? [String: Any])
                #expect(resources["limits"] as? [String: String] == ["nvidia.com/gpu": String(group.tp)])
                #expect(containers[0]["command"] as? [String] == ["vllm", "serve"])
                let command = ParsedCommand(words: try #require(containers[0]["args"] as? [String]), programLength: 0)
                #expect(command.positional == [DeployExportFixtures.repositories[group.model]])
                #expect(command.value("--port") == "8000")
                #expect(command.value("--tensor-parallel-size") == String(group.tp))
                #expect(command.value("--pipeline-parallel-size") == String(group.pp))
                #expect(command.value("--max-num-seqs") == String(group.maxBatch))
                #expect(command.value("--max-num-batched-tokens") == String(group.chunkTokens))
                #expect(command.value("--gpu-memory-utilization").flatMap(Double.init) == group.memoryUtilization)
                if group.pp > 1 {
                    #expect(command.value("--master-addr") == "$(LWS_LEADER_ADDRESS)")
                    #expect(command.value("--node-rank") == (rank.map(String.init) ?? "$(LWS_WORKER_INDEX)"))
                    #expect((command.flags["--headless"] != nil) == (rank == nil))
                }
                if group.role != .aggregated {
                    let env = try #require(containers[0]["env"] as? [[String: Any]])
                    let host = env.first { $0["name"] as? String == "VLLM_NIXL_SIDE_CHANNEL_HOST" }
                    let fieldRef = (host?["valueFrom"] as? [String: Any])?["fieldRef"] as? [String: String]
                    #expect(fieldRef == ["fieldPath": "status.podIP"])
                }
            }
        }
    }

    @Test func leaderWorkerSetIsStructurallyValidAndItsPodTemplatesValidate() throws {
        try KubernetesValidator.requireInstalled()
        let (_, path) = try export(engine: SGLangExporter())
        let objects = try KubernetesValidator.objects(inYAMLFile: path)
        let lws = try #require(objects.first { $0["kind"] as? String == "LeaderWorkerSet" })
        #expect(lws["apiVersion"] as? String == "leaderworkerset.x-k8s.io/v1")
        #expect(Set(lws.keys) == ["apiVersion", "kind", "metadata", "spec"])
        let spec = try #require(lws["spec"] as? [String: Any])
        #expect(Set(spec.keys).isSubset(of: ["replicas", "leaderWorkerTemplate", "rolloutStrategy", "startupPolicy", "networkConfig"]))
        #expect(["LeaderCreated", "LeaderReady"].contains(spec["startupPolicy"] as? String ?? "LeaderCreated"))
        let template = try #require(spec["leaderWorkerTemplate"] as? [String: Any])
        #expect(Set(template.keys).isSubset(of: ["leaderTemplate", "workerTemplate", "size", "restartPolicy", "subGroupPolicy"]))
        #expect(["Default", "RecreateGroupOnPodRestart", "None"].contains(template["restartPolicy"] as? String ?? "None"))
        #expect((template["size"] as? Int ?? 0) >= 1)
        // Each pod template as a core/v1 PodTemplate (JSON is YAML), validated strictly.
        let wrapped = try ["leaderTemplate", "workerTemplate"].map { key -> String in
            let podTemplate: [String: Any] = [
                "apiVersion": "v1", "kind": "PodTemplate", "metadata": ["name": key.lowercased()],
                "template": try #require(template[key] as? [String: Any]),
            ]
            return String(decoding: try JSONSerialization.data(withJSONObject: podTemplate), as: UTF8.self)
        }
        let result = try KubernetesValidator.validate(file: try TemporaryFiles.file(wrapped.joined(separator: "\n---\n"), extension: "yaml"))
        #expect(result.exitCode == 0, "\(result.stdout)")
        #expect(result.stdout.split(separator: "\n").filter { $0.hasPrefix("INFO") && $0.contains("passed") }.count == 2)
        // SGLang's ranks: the rendezvous on the leader's address, the worker's rank from LWS.
        let worker = try #require(((template["workerTemplate"] as? [String: Any])?["spec"] as? [String: Any])?["containers"] as? [[String: Any]])
        let args = ParsedCommand(words: try #require(worker[0]["args"] as? [String]), programLength: 0)
        #expect(args.value("--dist-init-addr") == "$(LWS_LEADER_ADDRESS):20000")
        #expect(args.value("--node-rank") == "$(LWS_WORKER_INDEX)")
        #expect(args.value("--nnodes") == "2")
    }

    @Test func servicesSelectTheirGroupsServingPods() throws {
        try KubernetesValidator.requireInstalled()
        let (_, path) = try export()
        let objects = try KubernetesValidator.objects(inYAMLFile: path)
        for index in groups.indices {
            let workload = objects[2 * index], service = objects[2 * index + 1]
            #expect(service["kind"] as? String == "Service")
            let selector = try #require((service["spec"] as? [String: Any])?["selector"] as? [String: String])
            let spec = try #require(workload["spec"] as? [String: Any])
            func labels(_ template: Any?) -> [String: String] {
                ((template as? [String: Any])?["metadata"] as? [String: Any])?["labels"] as? [String: String] ?? [:]
            }
            func selects(_ podLabels: [String: String]) -> Bool { selector.allSatisfy { podLabels[$0.key] == $0.value } }
            if let lws = spec["leaderWorkerTemplate"] as? [String: Any] {
                #expect(selects(labels(lws["leaderTemplate"])))
                #expect(!selects(labels(lws["workerTemplate"])))
            } else {
                #expect(selects(labels(spec["template"])))
                let matchLabels = (spec["selector"] as? [String: Any])?["matchLabels"] as? [String: String] ?? [:]
                #expect(!matchLabels.isEmpty && matchLabels.allSatisfy { labels(spec["template"])[$0.key] == $0.value })
            }
        }
    }

    @Test func routingConfigListsEachModelsEndpointsWithWeights() throws {
        try KubernetesValidator.requireInstalled()
        let (_, path) = try export(engine: SGLangExporter(), namespace: "serving")
        let objects = try KubernetesValidator.objects(inYAMLFile: path)
        let configMap = try #require(objects.first { $0["kind"] as? String == "ConfigMap" })
        #expect((configMap["metadata"] as? [String: Any])?["name"] as? String == "gpusched-routing")
        let text = try #require((configMap["data"] as? [String: String])?["routing.json"])
        let routing = try JSONDecoder().decode(RoutingConfig.self, from: Data(text.utf8))
        #expect(routing.kind == "deploy-routing" && routing.engine == "sglang" && routing.namespace == "serving")
        #expect(routing.models.map(\.model) == ["llama-3.1-8b", "llama-3.1-70b", "llama-3.1-405b"])
        #expect(routing.models.map(\.disaggregated) == [false, true, false])
        let endpoints = routing.models.flatMap(\.endpoints)
        // weight = replicas × capacity per replica: 4 × 12.5, 2 × 3, 1 × 6, 1 × 1.5.
        #expect(endpoints.map(\.weight) == [50, 6, 6, 1.5])
        #expect(endpoints.map(\.role) == ["aggregated", "prefill", "decode", "aggregated"])
        #expect(endpoints.map(\.bootstrapPort) == [nil, 8998, nil, nil])
        let services = objects.filter { $0["kind"] as? String == "Service" }.compactMap { ($0["metadata"] as? [String: Any])?["name"] as? String }
            .filter { $0 != "gpusched-router" }
        #expect(endpoints.map(\.service) == services)
        #expect(endpoints.map(\.url) == services.map { "http://\($0).serving.svc:8000" })
        // The keys are camelCase and sorted.
        let keys = text.split(separator: "\n").compactMap { line -> String? in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("\""), let end = trimmed.dropFirst().firstIndex(of: "\"") else { return nil }
            return trimmed.dropFirst().prefix(upTo: end).description
        }
        #expect(keys.allSatisfy { $0.first?.isLowercase == true && !$0.contains("_") && !$0.contains("-") })
        #expect(text.contains("\"bootstrapPort\" : null"))
    }

    @Test func unknownGPUAndBadNamespaceAreBadInput() throws {
        var group = groups[0]
        group.gpu = "H100-80G"
        let custom = DeployExportFixtures.plan(groups: [group])
        let error = try #require(throws: PlanningError.self) {
            try KubernetesExporter().export(custom, options: DeployExportOptions())
        }
        #expect(error.cause == .badInput && error.lines.count == 1)
        #expect(error.lines[0].contains("GPU 'H100-80G'") && error.lines[0].contains("did you mean 'H100-80GB'"))
        let labelled = try KubernetesExporter().export(custom, options: DeployExportOptions(gpuLabels: GPUProductLabels(overrides: ["H100-80G": "NVIDIA-H100-PCIe"])))
        #expect(labelled.contains("nvidia.com/gpu.product: \"NVIDIA-H100-PCIe\""))
        #expect(throws: PlanningError.self) { try KubernetesExporter().export(plan, options: DeployExportOptions(namespace: "Serving_1")) }
        #expect(throws: PlanningError.self) {
            try KubernetesExporter().export(custom, options: DeployExportOptions(gpuLabels: GPUProductLabels(overrides: ["H100-80G": "NVIDIA H100"])))
        }
    }
}
