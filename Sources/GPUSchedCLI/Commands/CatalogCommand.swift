import ArgumentParser
import Planning
import ServingModel

/// `gpusched catalog [gpus|models]`: the built-in GPUs and models, optionally with a scenario's own.
struct CatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "List the built-in GPUs and models (and a scenario's inline additions).",
        discussion: """
            Units: FLOP/s, bytes, bytes/s in JSON; TFLOP/s, GB, GB/s and TB/s in tables.

            Examples:
              gpusched catalog gpus
              gpusched catalog models --json
              gpusched catalog --scenario my-hardware.yaml
            """
    )

    enum Section: String, ChoiceArgument {
        case gpus, models
    }

    @Argument(help: "What to list: gpus or models (default: both).", transform: Section.choice)
    var section: Section?

    @Option(name: .long, help: "A scenario file whose inline 'catalog:' entries are merged in.")
    var scenario: String?

    @OptionGroup var output: OutputOptions

    func run() throws {
        let catalog = try scenario.map { try ScenarioKinds.load(path: $0).envelope.catalog } ?? .builtin
        let showGPUs = section != .models
        let showModels = section != .gpus
        if output.json {
            try JSONOutput.print(CatalogReport(
                gpus: showGPUs ? catalog.gpus.map(GPUReport.init) : nil,
                models: showModels ? catalog.models.map(ModelReport.init) : nil), kind: "catalog")
            return
        }
        if showGPUs {
            var table = TextTable(["GPU", "bf16 TFLOP/s", "memory GB", "HBM TB/s", "NVLink GB/s", "network GB/s"])
            for gpu in catalog.gpus {
                table.add([
                    gpu.name, Format.scaled(gpu.bf16FLOPS, by: 1e12), Format.scaled(gpu.memoryBytes, by: 1e9),
                    Format.scaled(gpu.memoryBandwidth, by: 1e12, decimals: 2), Format.scaled(gpu.nvlinkBandwidth, by: 1e9),
                    Format.scaled(gpu.networkBandwidth, by: 1e9, decimals: 1),
                ])
            }
            print(table.render())
        }
        if showGPUs && showModels { print("") }
        if showModels {
            var table = TextTable([
                "model", "layers", "hidden", "heads", "kv heads", "head dim", "ffn", "vocab", "params B",
                "weights GB", "KV KB/token", "experts (top-k)",
            ])
            for model in catalog.models {
                let moe = model.moe.map { "\($0.routedExperts) (\($0.expertsPerToken))" } ?? "-"
                table.add([
                    model.name, "\(model.layers)", "\(model.hiddenSize)", "\(model.attentionHeads)", "\(model.kvHeads)",
                    "\(model.headDim)", "\(model.intermediateSize)", "\(model.vocabSize)",
                    Format.scaled(model.parameterCount, by: 1e9, decimals: 1),
                    Format.scaled(model.parameterBytes, by: 1e9, decimals: 1),
                    Format.scaled(model.kvCacheBytesPerToken, by: 1e3, decimals: 1), moe,
                ])
            }
            print(table.render())
        }
    }
}

/// `catalog --json` output.
struct CatalogReport: Encodable {
    /// Null when only models were asked for.
    @Nullable var gpus: [GPUReport]?
    /// Null when only GPUs were asked for.
    @Nullable var models: [ModelReport]?
}

/// One GPU in JSON output (base units).
struct GPUReport: Encodable {
    var name: String
    var bf16FLOPS: Double
    var memoryBytes: Double
    var memoryBandwidth: Double
    var nvlinkBandwidth: Double
    var networkBandwidth: Double

    init(_ gpu: GPUSpec) {
        name = gpu.name
        bf16FLOPS = gpu.bf16FLOPS
        memoryBytes = gpu.memoryBytes
        memoryBandwidth = gpu.memoryBandwidth
        nvlinkBandwidth = gpu.nvlinkBandwidth
        networkBandwidth = gpu.networkBandwidth
    }
}

/// One model in JSON output.
struct ModelReport: Encodable {
    struct MoE: Encodable {
        var moeLayers: Int
        var routedExperts: Int
        var expertsPerToken: Int
        var sharedExperts: Int
        var expertIntermediateSize: Int
        var expertGroups: Int
        var groupsPerToken: Int
    }

    var name: String
    var layers: Int
    var hiddenSize: Int
    var attentionHeads: Int
    var kvHeads: Int
    var headDim: Int
    var intermediateSize: Int
    var vocabSize: Int
    var parameterCount: Double
    var bytesPerParameter: Double
    var parameterBytes: Double
    var kvCacheBytesPerToken: Double
    /// "gqa" or "mla".
    var attention: String
    /// Null for a dense model.
    @Nullable var moe: MoE?

    init(_ model: ModelSpec) {
        name = model.name
        layers = model.layers
        hiddenSize = model.hiddenSize
        attentionHeads = model.attentionHeads
        kvHeads = model.kvHeads
        headDim = model.headDim
        intermediateSize = model.intermediateSize
        vocabSize = model.vocabSize
        parameterCount = model.parameterCount
        bytesPerParameter = model.bytesPerParameter
        parameterBytes = model.parameterBytes
        kvCacheBytesPerToken = model.kvCacheBytesPerToken
        if case .multiHeadLatent = model.attention { attention = "mla" } else { attention = "gqa" }
        moe = model.moe.map {
            MoE(moeLayers: $0.moeLayers, routedExperts: $0.routedExperts, expertsPerToken: $0.expertsPerToken,
                sharedExperts: $0.sharedExperts, expertIntermediateSize: $0.expertIntermediateSize,
                expertGroups: $0.expertGroups, groupsPerToken: $0.groupsPerToken)
        }
    }
}
