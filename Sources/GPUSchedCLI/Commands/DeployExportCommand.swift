import ArgumentParser
import Deployment
import Foundation
import Planning

/// `gpusched export deploy PLAN.json --format vllm|sglang|k8s`: a deployment plan as engine launch
/// commands or Kubernetes manifests.
struct DeployExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy",
        abstract: "Write a `plan deploy` plan as vLLM or SGLang launch commands, or as Kubernetes manifests.",
        discussion: """
            PLAN.json is a `gpusched plan deploy --json` output (its plan, or the baseline named by \
            --plan) or a bare plan object. --format vllm / sglang: one launch command per replica group \
            (per rank for multi-node groups) with the plan's TP, PP, batch cap, chunk and memory share, and \
            the prefill/decode transfer settings. --format k8s: a Deployment per single-node group or a \
            LeaderWorkerSet per multi-node group (PP > 1), each with a Service, and the ConfigMap \
            gpusched-routing holding the routing config (per model, each group's endpoint, role and \
            weight = replicas × capacity per replica), and the router: a Deployment gpusched-router running \
            `gpusched serve` with a ConfigMap holding its serve.yaml (a weighted pool per aggregated model over \
            its groups' Services) and a Service. Models map to Hugging Face repositories and GPUs to \
            nvidia.com/gpu.product labels by built-in tables; --model-id and --gpu-label add or replace entries.

            Example:
              gpusched plan deploy fleet.yaml --json > plan.json
              gpusched export deploy plan.json --format k8s --engine sglang --namespace serving --output fleet.yaml
            """
    )

    @Argument(help: "A `plan deploy --json` output file, or a bare plan object.")
    var plan: String

    @Option(name: .long, help: "Output format (\(DeployExportFormat.choices)).", transform: DeployExportFormat.choice)
    var format: DeployExportFormat

    @Option(name: .customLong("plan"), help: ArgumentHelp("Export the plan or baseline called NAME (default: the plan).", valueName: "NAME"))
    var planName: String?

    @Option(name: .long, help: ArgumentHelp("Write to FILE instead of standard output.", valueName: "FILE"))
    var output: String?

    @Option(name: .long, help: "The engine the k8s manifests run (\(ServingEngineName.choices)); vllm by default.", transform: ServingEngineName.choice)
    var engine: ServingEngineName?

    @Option(name: .long, help: "SGLang's prefill/decode KV transfer backend (\(SGLangExporter.TransferBackend.choices)).",
            transform: SGLangExporter.TransferBackend.choice)
    var transferBackend: SGLangExporter.TransferBackend = .nixl

    @Option(name: .long, help: "HTTP port: every pod's (k8s), or the first group's, counting up per group (vllm, sglang).")
    var port: Int = 8000

    @Option(name: .long, help: "Kubernetes namespace of every object (k8s).")
    var namespace: String?

    @Option(name: .long, help: "Container image (k8s; default vllm/vllm-openai:latest or lmsysorg/sglang:latest).")
    var image: String?

    @Option(name: .long, help: "The router's container image, with gpusched on its PATH (k8s; default gpusched:latest, built locally).")
    var routerImage: String?

    @Option(name: .long, help: "Router pods behind the gpusched-router Service (k8s; default 2).")
    var routerReplicas: Int?

    @Option(name: .long, help: ArgumentHelp("Hugging Face repository of a model, e.g. my-model=org/My-Model (repeatable).", valueName: "NAME=REPO"))
    var modelId: [String] = []

    @Option(name: .long, help: ArgumentHelp("nvidia.com/gpu.product label of a GPU type (k8s; repeatable).", valueName: "NAME=LABEL"))
    var gpuLabel: [String] = []

    /// Largest plan file read (a `plan deploy --json` output of any fleet the limits allow is far smaller).
    static let maxPlanBytes = 64 * 1_048_576

    func run() throws {
        guard (1...65_535).contains(port) else { throw InputError("--port must be in 1...65535, got \(port)") }
        if format != .k8s {
            let k8sOnly = [("--engine", engine != nil), ("--namespace", namespace != nil), ("--image", image != nil), ("--gpu-label", !gpuLabel.isEmpty),
                          ("--router-image", routerImage != nil), ("--router-replicas", routerReplicas != nil)]
            if let flag = k8sOnly.first(where: \.1) { throw InputError("\(flag.0) applies to --format k8s only") }
        }
        if let image, image.isEmpty || image.contains(where: \.isWhitespace) { throw InputError("--image '\(image)' is not an image reference") }
        if let routerImage, routerImage.isEmpty || routerImage.contains(where: \.isWhitespace) {
            throw InputError("--router-image '\(routerImage)' is not an image reference")
        }
        if let routerReplicas, !(1...1_000).contains(routerReplicas) {
            throw InputError("--router-replicas must be in 1...1000, got \(routerReplicas)")
        }
        let options = DeployExportOptions(
            repositories: ModelRepositories(overrides: try Self.pairs(modelId, flag: "--model-id")),
            gpuLabels: GPUProductLabels(overrides: try Self.pairs(gpuLabel, flag: "--gpu-label")),
            port: port, namespace: namespace, image: image, routerImage: routerImage, routerReplicas: routerReplicas ?? 2)
        let size = try? FileManager.default.attributesOfItem(atPath: plan)[.size] as? Int
        if let size, size > Self.maxPlanBytes {
            throw InputError("'\(plan)' has \(size) bytes; a plan file may have at most \(Self.maxPlanBytes)")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: plan, isDirectory: &isDirectory), !isDirectory.boolValue,
              let data = FileManager.default.contents(atPath: plan)
        else { throw InputError("cannot read '\(plan)'") }
        let chosen = try DeployPlanFile.plan(from: data, source: plan, name: planName)
        let exporter: any DeployExporter
        switch format {
        case .vllm: exporter = VLLMExporter()
        case .sglang: exporter = SGLangExporter(transferBackend: transferBackend)
        case .k8s:
            exporter = KubernetesExporter(engine: engine == .sglang ? SGLangExporter(transferBackend: transferBackend) : VLLMExporter())
        }
        let text = try exporter.export(chosen, options: options)
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: Data(text.utf8)) else {
                throw InputError("cannot write '\(output)'")
            }
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }

    /// `NAME=VALUE` arguments as a dictionary (bad input for a malformed or repeated name).
    static func pairs(_ arguments: [String], flag: String) throws -> [String: String] {
        var result: [String: String] = [:]
        for argument in arguments {
            guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex,
                  argument.index(after: equals) != argument.endIndex
            else { throw InputError("\(flag) '\(argument)' is not NAME=VALUE") }
            let name = String(argument[..<equals])
            guard result[name] == nil else { throw InputError("\(flag) names '\(name)' twice") }
            result[name] = String(argument[argument.index(after: equals)...])
        }
        return result
    }
}

/// The engines `export deploy --format k8s` can run.
enum ServingEngineName: String, ChoiceArgument {
    case vllm
    case sglang
}

extension DeployExportFormat: ChoiceArgument {}
extension SGLangExporter.TransferBackend: ChoiceArgument {}
