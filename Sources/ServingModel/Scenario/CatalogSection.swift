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
    ///
    /// Linear in the entries: names are looked up in dictionaries, and two entries of one kind with
    /// the same name (ignoring case) are reported with both indices.
    public static func read(_ node: ConfigNode, base: Catalog = .builtin) -> Catalog {
        guard let section = node.object(allowedKeys: ["gpus", "models"]) else { return base }
        var gpus = NamedEntries(base.gpus, name: \.name)
        var models = NamedEntries(base.models, name: \.name)
        if let entries = section["gpus"]?.list() { gpus.read(entries, "GPU", with: readGPU) }
        if let entries = section["models"]?.list() { models.read(entries, "model", with: readModel) }
        return Catalog(gpus: gpus.all, models: models.all)
    }

    /// A catalog list with a case-insensitive name index: the base entries, then the section's, an
    /// entry of the section replacing a base entry of the same name in place (as `Catalog.merging`).
    private struct NamedEntries<Entry> {
        private(set) var all: [Entry]
        private var indexByName: [String: Int] = [:]
        private let name: (Entry) -> String

        init(_ entries: [Entry], name: @escaping (Entry) -> String) {
            all = entries
            self.name = name
            for (index, entry) in entries.enumerated() where indexByName[name(entry).lowercased()] == nil {
                indexByName[name(entry).lowercased()] = index
            }
        }

        /// The entry with this name as the catalog holds it now (a section's entry once it replaced one).
        func named(_ entryName: String) -> Entry? { indexByName[entryName.lowercased()].map { all[$0] } }
        /// Every name, for suggestions.
        var names: [String] { all.map(name) }

        /// Reads a section's list with `reader` (given the lookup of base names and the names for
        /// suggestions) and adds every entry; a second entry of one name (ignoring case) is reported
        /// with both indices and left out.
        mutating func read(
            _ entries: [ConfigNode], _ what: String,
            with reader: (ConfigNode, (String) -> Entry?, () -> [String]) -> Entry?
        ) {
            var firstIndex: [String: Int] = [:]
            for (index, node) in entries.enumerated() {
                guard let entry = reader(node, named, { names }) else { continue }
                let key = name(entry).lowercased()
                if let earlier = firstIndex[key] {
                    let list = String(node.path.prefix { $0 != "[" })
                    node.diagnostics.report(
                        "\(node.path).name",
                        "duplicate \(what) name '\(name(entry))': \(list)[\(earlier)] and \(list)[\(index)] both define it")
                    continue
                }
                firstIndex[key] = index
                add(entry)
            }
        }

        private mutating func add(_ entry: Entry) {
            let key = name(entry).lowercased()
            if let index = indexByName[key] {
                all[index] = entry
            } else {
                indexByName[key] = all.count
                all.append(entry)
            }
        }
    }

    static func readGPU(_ node: ConfigNode, lookup: (String) -> GPUSpec?, candidates: () -> [String]) -> GPUSpec? {
        guard let entry = node.object(allowedKeys: gpuKeys) else { return nil }
        guard let name = entry.require("name")?.string() else { return nil }
        var template: GPUSpec?
        if let baseNode = entry["base"], let baseName = baseNode.string() {
            guard let found = lookup(baseName) else {
                baseNode.report("unknown GPU '\(baseName)'" + NameSuggestion.hint(for: baseName, in: candidates()))
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
        let rate = ScenarioMaxima.rate
        let flops = field("bf16FLOPS", template?.bf16FLOPS) { $0.number(.positive, max: rate) }
        let memory = field("memory", template?.memoryBytes) { $0.bytes(max: ScenarioMaxima.memoryBytes) }
        let bandwidth = field("memoryBandwidth", template?.memoryBandwidth) { $0.bytesPerSecond(max: rate) }
        let nvlink = field("nvlinkBandwidth", template?.nvlinkBandwidth) { $0.bytesPerSecond(max: rate) }
        let network = field("networkBandwidth", template?.networkBandwidth) { $0.bytesPerSecond(max: rate) }
        guard let flops, let memory, let bandwidth, let nvlink, let network else { return nil }
        return GPUSpec(
            name: name, bf16FLOPS: flops, memoryBytes: memory, memoryBandwidth: bandwidth,
            nvlinkBandwidth: nvlink, networkBandwidth: network)
    }

    static func readModel(_ node: ConfigNode, lookup: (String) -> ModelSpec?, candidates: () -> [String]) -> ModelSpec? {
        guard let entry = node.object(allowedKeys: modelKeys) else { return nil }
        guard let name = entry.require("name")?.string() else { return nil }
        var template: ModelSpec?
        if let baseNode = entry["base"], let baseName = baseNode.string() {
            guard let found = lookup(baseName) else {
                baseNode.report("unknown model '\(baseName)'" + NameSuggestion.hint(for: baseName, in: candidates()))
                return nil
            }
            template = found
        }
        var failed = false
        func integer(_ key: String, _ current: Int?, max: Int) -> Int {
            if let node = entry[key] {
                if let value = node.integer(min: 1, max: max) { return value }
                failed = true
                return 0
            }
            if let current { return current }
            entry.diagnostics.report(entry.path.isEmpty ? key : "\(entry.path).\(key)", "missing required key")
            failed = true
            return 0
        }
        func number(_ key: String, _ current: Double?, max: Double, default fallback: Double? = nil) -> Double {
            if let node = entry[key] {
                if let value = node.number(.positive, max: max) { return value }
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
            layers: integer("layers", template?.layers, max: ScenarioMaxima.layers),
            hiddenSize: integer("hiddenSize", template?.hiddenSize, max: ScenarioMaxima.width),
            attentionHeads: integer("attentionHeads", template?.attentionHeads, max: ScenarioMaxima.heads),
            kvHeads: integer("kvHeads", template?.kvHeads, max: ScenarioMaxima.heads),
            headDim: integer("headDim", template?.headDim, max: ScenarioMaxima.headDim),
            intermediateSize: integer("intermediateSize", template?.intermediateSize, max: ScenarioMaxima.width),
            vocabSize: integer("vocabSize", template?.vocabSize, max: ScenarioMaxima.vocabulary),
            parameterCount: number("parameters", template?.parameterCount, max: ScenarioMaxima.parameters),
            bytesPerParameter: number(
                "bytesPerParameter", template?.bytesPerParameter, max: ScenarioMaxima.bytesPerElement, default: 2),
            kvBytesPerElement: number(
                "kvBytesPerElement", template?.kvBytesPerElement, max: ScenarioMaxima.bytesPerElement, default: 2),
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
        let rank = latent.require("kvLoraRank")?.integer(min: 1, max: ScenarioMaxima.latentRank)
        let rope = latent.require("ropeHeadDim")?.integer(min: 0, max: ScenarioMaxima.headDim)
        guard let rank, let rope else { return nil }
        return .multiHeadLatent(kvLoraRank: rank, ropeHeadDim: rope)
    }

    static func readMoE(_ node: ConfigNode, layers: Int) -> MoESpec? {
        guard let object = node.object(allowedKeys: moeKeys) else { return nil }
        let moeLayers = object.require("moeLayers")?.integer(min: 1, max: max(1, layers))
        let maxExperts = ScenarioMaxima.experts
        let experts = object.require("routedExperts")?.integer(min: 1, max: maxExperts)
        let topK = object.require("expertsPerToken")?.integer(min: 1, max: maxExperts)
        let shared = object["sharedExperts"].map { $0.integer(min: 0, max: maxExperts) } ?? 0
        let size = object.require("expertIntermediateSize")?.integer(min: 1, max: ScenarioMaxima.width)
        let groups = object["expertGroups"].map { $0.integer(min: 1, max: maxExperts) } ?? 1
        let groupsPerToken = object["groupsPerToken"].map { $0.integer(min: 1, max: maxExperts) } ?? groups
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
        let fixed = object["fixedSecondsPerLayer"].map { $0.number(.nonNegative, max: 3600) } ?? 0
        let factor = object["weightTrafficFactor"].map { $0.number(.positive, max: 1000) } ?? 1
        guard let fixed, let factor else { return nil }
        return ExpertKernelCost(fixedSecondsPerLayer: fixed, weightTrafficFactor: factor)
    }
}
