/// Reads a scenario's inline `catalog:` section: GPUs and models a user defines or overrides.
///
/// ```yaml
/// catalog:
///   gpus:
///     - {name: MI300X, bf16FLOPS: 1307e12, memory: 192GB, memoryBandwidth: 5.3TB/s,
///        nvlinkBandwidth: 448GB/s, networkBandwidth: 400Gb/s}
///     - {name: H100-slow-net, base: H100-80GB, networkBandwidth: 100Gb/s}   # derive, override fields
///   models:
///     - {name: my-13b, layers: 40, hiddenSize: 5120, attentionHeads: 40, kvHeads: 40, headDim: 128,
///        intermediateSize: 13824, vocabSize: 32000, parameters: 13e9}
/// ```
/// An entry with `base:` starts from that catalog entry and changes only the fields given; an
/// entry without it must give every required field. An entry whose name exists replaces it.
public enum CatalogSection {
    /// Keys of a GPU entry.
    public static let gpuKeys = [
        "name", "base", "bf16FLOPS", "memory", "memoryBandwidth", "nvlinkBandwidth", "networkBandwidth",
    ]
    /// Keys of a model entry.
    public static let modelKeys = [
        "name", "base", "layers", "hiddenSize", "attentionHeads", "kvHeads", "headDim", "intermediateSize",
        "vocabSize", "parameters", "bytesPerParameter", "kvBytesPerElement", "attention", "moe",
    ]
    static let moeKeys = [
        "moeLayers", "routedExperts", "expertsPerToken", "sharedExperts", "expertIntermediateSize",
        "expertGroups", "groupsPerToken", "expertKernels",
    ]

    /// `base` merged with the section's entries; problems go to the node's diagnostics.
    public static func read(_ node: ConfigNode, base: Catalog = .builtin) -> Catalog {
        guard let section = node.object(allowedKeys: ["gpus", "models"]) else { return base }
        var added = Catalog(gpus: [], models: [])
        var lookup = base
        if let gpus = section["gpus"]?.list() {
            for entry in gpus {
                if let gpu = readGPU(entry, catalog: lookup) {
                    added = added.merging(Catalog(gpus: [gpu], models: []))
                    lookup = lookup.merging(Catalog(gpus: [gpu], models: []))
                }
            }
        }
        if let models = section["models"]?.list() {
            for entry in models {
                if let model = readModel(entry, catalog: lookup) {
                    added = added.merging(Catalog(gpus: [], models: [model]))
                    lookup = lookup.merging(Catalog(gpus: [], models: [model]))
                }
            }
        }
        return base.merging(added)
    }

    static func readGPU(_ node: ConfigNode, catalog: Catalog) -> GPUSpec? {
        guard let entry = node.object(allowedKeys: gpuKeys) else { return nil }
        guard let name = entry.require("name")?.string() else { return nil }
        var template: GPUSpec?
        if let baseNode = entry["base"], let baseName = baseNode.string() {
            guard let found = catalog.gpu(named: baseName) else {
                baseNode.report("unknown GPU '\(baseName)'" + NameSuggestion.hint(for: baseName, in: catalog.gpus.map(\.name)))
                return nil
            }
            template = found
        }
        func field(_ key: String, _ current: Double?, _ read: (ConfigNode) -> Double?) -> Double? {
            if let node = entry[key] { return read(node) }
            if let current { return current }
            entry.diagnostics.report(entry.path.isEmpty ? key : "\(entry.path).\(key)", "missing required key")
            return nil
        }
        let flops = field("bf16FLOPS", template?.bf16FLOPS) { $0.number(.positive) }
        let memory = field("memory", template?.memoryBytes) { $0.bytes() }
        let bandwidth = field("memoryBandwidth", template?.memoryBandwidth) { $0.bytesPerSecond() }
        let nvlink = field("nvlinkBandwidth", template?.nvlinkBandwidth) { $0.bytesPerSecond() }
        let network = field("networkBandwidth", template?.networkBandwidth) { $0.bytesPerSecond() }
        guard let flops, let memory, let bandwidth, let nvlink, let network else { return nil }
        return GPUSpec(
            name: name, bf16FLOPS: flops, memoryBytes: memory, memoryBandwidth: bandwidth,
            nvlinkBandwidth: nvlink, networkBandwidth: network)
    }

    static func readModel(_ node: ConfigNode, catalog: Catalog) -> ModelSpec? {
        guard let entry = node.object(allowedKeys: modelKeys) else { return nil }
        guard let name = entry.require("name")?.string() else { return nil }
        var template: ModelSpec?
        if let baseNode = entry["base"], let baseName = baseNode.string() {
            guard let found = catalog.model(named: baseName) else {
                baseNode.report("unknown model '\(baseName)'" + NameSuggestion.hint(for: baseName, in: catalog.models.map(\.name)))
                return nil
            }
            template = found
        }
        var failed = false
        func integer(_ key: String, _ current: Int?, min: Int = 1) -> Int {
            if let node = entry[key] {
                if let value = node.integer(min: min) { return value }
                failed = true
                return 0
            }
            if let current { return current }
            entry.diagnostics.report(entry.path.isEmpty ? key : "\(entry.path).\(key)", "missing required key")
            failed = true
            return 0
        }
        func number(_ key: String, _ current: Double?, default fallback: Double? = nil) -> Double {
            if let node = entry[key] {
                if let value = node.number(.positive) { return value }
                failed = true
                return 0
            }
            if let known = current ?? fallback { return known }
            entry.diagnostics.report(entry.path.isEmpty ? key : "\(entry.path).\(key)", "missing required key")
            failed = true
            return 0
        }
        var model = ModelSpec(
            name: name,
            layers: integer("layers", template?.layers),
            hiddenSize: integer("hiddenSize", template?.hiddenSize),
            attentionHeads: integer("attentionHeads", template?.attentionHeads),
            kvHeads: integer("kvHeads", template?.kvHeads),
            headDim: integer("headDim", template?.headDim),
            intermediateSize: integer("intermediateSize", template?.intermediateSize),
            vocabSize: integer("vocabSize", template?.vocabSize),
            parameterCount: number("parameters", template?.parameterCount),
            bytesPerParameter: number("bytesPerParameter", template?.bytesPerParameter, default: 2),
            kvBytesPerElement: number("kvBytesPerElement", template?.kvBytesPerElement, default: 2),
            attention: template?.attention ?? .groupedQuery,
            moe: template?.moe)
        if let attention = entry["attention"] {
            if let kind = readAttention(attention) { model.attention = kind } else { failed = true }
        }
        if let moeNode = entry["moe"] {
            if let moe = readMoE(moeNode, layers: model.layers) { model.moe = moe } else { failed = true }
        }
        if !failed && model.kvHeads > model.attentionHeads {
            entry.report("kvHeads (\(model.kvHeads)) must be <= attentionHeads (\(model.attentionHeads))")
            failed = true
        }
        if !failed && model.attentionHeads % model.kvHeads != 0 {
            entry.report("attentionHeads (\(model.attentionHeads)) must be a multiple of kvHeads (\(model.kvHeads))")
            failed = true
        }
        return failed ? nil : model
    }

    /// `attention: gqa` or `attention: {latent: {kvLoraRank: 512, ropeHeadDim: 64}}`.
    static func readAttention(_ node: ConfigNode) -> AttentionKind? {
        if !node.isObject {
            return node.choice(["gqa"]).map { _ in .groupedQuery }
        }
        guard let object = node.object(allowedKeys: ["latent"]), let latentNode = object.require("latent"),
              let latent = latentNode.object(allowedKeys: ["kvLoraRank", "ropeHeadDim"]) else { return nil }
        let rank = latent.require("kvLoraRank")?.integer(min: 1)
        let rope = latent.require("ropeHeadDim")?.integer(min: 0)
        guard let rank, let rope else { return nil }
        return .multiHeadLatent(kvLoraRank: rank, ropeHeadDim: rope)
    }

    static func readMoE(_ node: ConfigNode, layers: Int) -> MoESpec? {
        guard let object = node.object(allowedKeys: moeKeys) else { return nil }
        let moeLayers = object.require("moeLayers")?.integer(min: 1, max: max(1, layers))
        let experts = object.require("routedExperts")?.integer(min: 1)
        let topK = object.require("expertsPerToken")?.integer(min: 1)
        let shared = object["sharedExperts"].map { $0.integer(min: 0) } ?? 0
        let size = object.require("expertIntermediateSize")?.integer(min: 1)
        let groups = object["expertGroups"].map { $0.integer(min: 1) } ?? 1
        let groupsPerToken = object["groupsPerToken"].map { $0.integer(min: 1) } ?? groups
        var kernelCost: ExpertKernelCost??
        if let kernels = object["expertKernels"] {
            kernelCost = readExpertKernels(kernels)
        }
        guard let moeLayers, let experts, let topK, let shared, let size, let groups, let groupsPerToken else { return nil }
        if let kernelCost, kernelCost == nil { return nil }
        if topK > experts {
            object["expertsPerToken"]?.report("must be <= routedExperts (\(experts)), got \(topK)")
            return nil
        }
        if experts % groups != 0 {
            object["expertGroups"]?.report("must divide routedExperts (\(experts)), got \(groups)")
            return nil
        }
        if groupsPerToken > groups {
            object["groupsPerToken"]?.report("must be <= expertGroups (\(groups)), got \(groupsPerToken)")
            return nil
        }
        return MoESpec(
            moeLayers: moeLayers, routedExperts: experts, expertsPerToken: topK, sharedExperts: shared,
            expertIntermediateSize: size, expertGroups: groups, groupsPerToken: groupsPerToken, kernelCost: kernelCost ?? nil)
    }

    /// `expertKernels: {fixedSecondsPerLayer, weightTrafficFactor}`: a measured `ExpertKernelCost`.
    static func readExpertKernels(_ node: ConfigNode) -> ExpertKernelCost? {
        guard let object = node.object(allowedKeys: ["fixedSecondsPerLayer", "weightTrafficFactor"]) else { return nil }
        let fixed = object["fixedSecondsPerLayer"].map { $0.number(.nonNegative) } ?? 0
        let factor = object["weightTrafficFactor"].map { $0.number(.positive) } ?? 1
        guard let fixed, let factor else { return nil }
        return ExpertKernelCost(fixedSecondsPerLayer: fixed, weightTrafficFactor: factor)
    }
}
