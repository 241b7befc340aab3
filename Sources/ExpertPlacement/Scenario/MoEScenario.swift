import Foundation
import ServingModel

/// A `kind: moe-placement` scenario.
///
/// ```yaml
/// kind: moe-placement
/// model: deepseek-v3            # a catalog model with an MoE part (inline ones via `catalog:`)
/// topology: {dragonfly: {groups: 4, nodesPerGroup: 4, gpusPerNode: 8, globalLinksPerPair: 1, drop: 0.3, seed: 1}}
///   # or {fatTree: {gpusPerNode: 8, nodesPerLeaf: 4, leaves: 4, spines: 2}}
///   # or {edges: {servers: [a, b], gpusPerNode: 8, links: [{from: a, to: sw, weight: 1}, ...]}}
///   # plus optional weights: {intraNode: 0, nodeUplink: 1, spine: 1, local: 1, global: 1}
/// slotsPerGPU: 8                # per layer; or memoryPerGPU: 60GB (÷ expert bytes × MoE layers)
/// activations: {synthetic: {zipf: 1.0, sourceSkew: 0.5, tokens: 100000, seed: 3}}   # or {csv: stats.csv}
/// tokenSources: per-source      # or uniform: spread each expert's count evenly over the GPUs
/// methods: [load-aware, unweighted, round-robin, contiguous, eplb, greedy]
/// balance: {maxImbalance: 1.10, sweep: [1.5, 1.25, 1.1]}   # optional
/// redundantExperts: 0           # optional, per layer
/// timeLimit: 60                 # seconds per balance MILP (all layers)
/// ```
public struct MoEScenario: Sendable {
    /// Top-level keys.
    public static let keys = [
        "model", "topology", "slotsPerGPU", "memoryPerGPU", "activations", "tokenSources", "methods", "balance",
        "redundantExperts", "timeLimit",
    ]

    /// Where the statistics come from.
    public enum Activations: Sendable {
        /// The documented generator.
        case synthetic(SyntheticActivations)
        /// A CSV file (absolute path).
        case csv(String)
    }

    /// The model (with its MoE part).
    public var model: ModelSpec
    /// The cluster.
    public var topology: ClusterTopology
    /// GPU-to-GPU distances of `topology`.
    public var distances: DistanceMatrix
    /// Expert slots per GPU per layer.
    public var slotsPerGPU: Int
    /// Statistics source.
    public var activations: Activations
    /// Spread every expert's count evenly over the GPUs.
    public var uniformSources: Bool
    /// Methods to compare.
    public var methods: [String]
    /// The balance row's max/mean, if any.
    public var maxImbalance: Double?
    /// Limits for the hops-vs-imbalance sweep.
    public var sweep: [Double]
    /// Extra replicas per layer.
    public var redundantExperts: Int
    /// Seconds per balance MILP.
    public var timeLimit: Double

    /// The MoE part (the reader checks that it exists).
    public var moe: MoESpec { model.moe! }

    /// Bytes of one routed expert's weights: 3 × hidden × intermediate × bytes per parameter.
    public var expertBytes: Double { Self.expertBytes(model) }

    static func expertBytes(_ model: ModelSpec) -> Double {
        3 * Double(model.hiddenSize) * Double(model.moe?.expertIntermediateSize ?? 0) * model.bytesPerParameter
    }

    /// Bytes one activation moves each way: the hidden state in bf16.
    public var bytesPerActivation: Double { Double(model.hiddenSize) * 2 }

    /// Reads and checks the scenario; problems go to the envelope's diagnostics.
    public static func read(_ envelope: ScenarioEnvelope, baseDirectory: String) -> MoEScenario? {
        let body = envelope.body
        var model: ModelSpec?
        if let node = body.require("model"), let name = node.string() {
            if let found = envelope.catalog.model(named: name) {
                if found.moe == nil { node.report("'\(name)' is a dense model; expert placement needs an MoE model") } else { model = found }
            } else {
                node.report("unknown model '\(name)'" + NameSuggestion.hint(for: name, in: envelope.catalog.models.map(\.name)))
            }
        }
        let topology = body.require("topology").flatMap(TopologySection.read)
        var distances: DistanceMatrix?
        if let topology {
            do { distances = try topology.gpuDistances() } catch { body["topology"]?.report(error.message) }
        }
        let redundant = body["redundantExperts"].map { $0.integer(min: 0) } ?? 0
        var slots: Int?
        switch (body["slotsPerGPU"], body["memoryPerGPU"]) {
        case let (node?, nil): slots = node.integer(min: 1)
        case let (nil, node?):
            if let bytes = node.bytes(), let model, let moe = model.moe {
                let perLayer = expertBytes(model) * Double(moe.moeLayers)
                slots = Int((bytes / perLayer).rounded(.down))
                if slots! < 1 {
                    node.report(String(
                        format: "%.3g GB cannot hold one expert of each of the %d MoE layers (%.3g GB)", bytes / 1e9, moe.moeLayers, perLayer / 1e9))
                    slots = nil
                }
            }
        case (.some, .some): body.report("give slotsPerGPU or memoryPerGPU, not both")
        case (nil, nil): body.report("missing slotsPerGPU (or memoryPerGPU)")
        }
        if let slots, let distances, let model, let moe = model.moe, let redundant,
           slots * distances.count < moe.routedExperts + redundant {
            body[body.has("slotsPerGPU") ? "slotsPerGPU" : "memoryPerGPU"]?.report(
                "\(distances.count) GPUs × \(slots) slots = \(slots * distances.count) cannot hold \(moe.routedExperts) experts"
                    + (redundant > 0 ? " + \(redundant) redundant" : "") + " of \(model.name)")
        }
        let activations = body.require("activations").flatMap { readActivations($0, baseDirectory: baseDirectory) }
        let uniform = body["tokenSources"].map { $0.choice(["uniform", "per-source"]).map { $0 == "uniform" } } ?? false
        let methods = body["methods"].map { node -> [String]? in
            guard let list = node.list(nonEmpty: true) else { return nil }
            let names = list.compactMap { $0.choice(MethodComparison.methodNames) }
            return names.count == list.count ? names : nil
        } ?? ["load-aware", "unweighted", "round-robin", "contiguous", "eplb", "greedy"]
        var maxImbalance: Double?, sweep: [Double]? = []
        if let node = body["balance"], let o = node.object(allowedKeys: ["maxImbalance", "sweep"]) {
            maxImbalance = o["maxImbalance"]?.number(.range(1...100))
            if let list = o["sweep"]?.list(nonEmpty: true) {
                let values = list.compactMap { $0.number(.range(1...100)) }
                sweep = values.count == list.count ? values : nil
            }
            if !o.has("maxImbalance") && !o.has("sweep") { o.report("give maxImbalance, sweep or both") }
        }
        let timeLimit = body["timeLimit"].map { $0.number(.positive) } ?? 60
        guard envelope.diagnostics.issues.isEmpty, let model, let topology, let distances, let slots, let activations,
              let uniform, let methods, let sweep, let redundant, let timeLimit else { return nil }
        return MoEScenario(
            model: model, topology: topology, distances: distances, slotsPerGPU: slots, activations: activations,
            uniformSources: uniform, methods: methods, maxImbalance: maxImbalance, sweep: sweep, redundantExperts: redundant,
            timeLimit: timeLimit)
    }

    static func readActivations(_ node: ConfigNode, baseDirectory: String) -> Activations? {
        if case .string = node.value, let path = node.string() { return .csv(resolve(path, baseDirectory)) }
        guard let o = node.object(allowedKeys: ["synthetic", "csv"]) else { return nil }
        if let csv = o["csv"], o["synthetic"] == nil {
            return csv.string().map { .csv(resolve($0, baseDirectory)) }
        }
        guard let synthetic = o["synthetic"], o["csv"] == nil else {
            o.report("give exactly one of synthetic or csv")
            return nil
        }
        guard let s = synthetic.object(allowedKeys: ["zipf", "sourceSkew", "tokens", "seed"]) else { return nil }
        let zipf = s["zipf"].map { $0.number(.nonNegative) } ?? 1
        let skew = s["sourceSkew"].map { $0.number(.nonNegative) } ?? 0
        let tokens = s.require("tokens")?.integer(min: 1, max: 100_000_000)
        let seed = s["seed"].map { $0.integer(min: 0) } ?? 1
        guard let zipf, let skew, let tokens, let seed else { return nil }
        return .synthetic(SyntheticActivations(zipf: zipf, sourceSkew: skew, tokens: tokens, seed: UInt64(seed)))
    }

    static func resolve(_ path: String, _ base: String) -> String {
        path.hasPrefix("/") ? path : URL(fileURLWithPath: base).appendingPathComponent(path).path
    }

    /// The statistics (generated or read) and the placement problem on their profiling split.
    public func instance() throws(PlacementError) -> (problem: PlacementProblem, data: ActivationData) {
        var data: ActivationData
        switch activations {
        case let .synthetic(generator):
            data = generator.generate(layers: moe.moeLayers, experts: moe.routedExperts, topK: moe.expertsPerToken, sources: distances.count)
        case let .csv(path):
            data = try ActivationCSV.read(
                path: path, layers: moe.moeLayers, experts: moe.routedExperts, sources: distances.count, topK: moe.expertsPerToken)
        }
        if uniformSources {
            data = ActivationData(profile: data.profile.spreadEvenly(), evaluation: data.evaluation.spreadEvenly(), heldOut: data.heldOut)
        }
        let problem = try PlacementProblem(
            experts: moe.routedExperts, slotsPerGPU: slotsPerGPU, redundantExperts: redundantExperts,
            expertGroups: moe.expertGroups, distances: distances, profile: data.profile)
        return (problem, data)
    }
}

/// The `topology:` section.
enum TopologySection {
    static func read(_ node: ConfigNode) -> ClusterTopology? {
        let shapes = ["fatTree", "dragonfly", "edges"]
        guard let o = node.object(allowedKeys: shapes + ["weights"]) else { return nil }
        let weights = o["weights"].map(readWeights) ?? LinkWeights()
        let given = shapes.filter { o.has($0) }
        guard given.count == 1, let weights else {
            if given.count != 1 { o.report("give exactly one of " + shapes.joined(separator: ", ")) }
            return nil
        }
        let shape = o[given[0]]!
        switch given[0] {
        case "fatTree":
            guard let f = shape.object(allowedKeys: ["gpusPerNode", "nodesPerLeaf", "leaves", "spines"]) else { return nil }
            let gpus = f.require("gpusPerNode")?.integer(min: 1, max: 1024)
            let perLeaf = f.require("nodesPerLeaf")?.integer(min: 1, max: 1024)
            let leaves = f.require("leaves")?.integer(min: 1, max: 1024)
            let spines = f["spines"].map { $0.integer(min: 1, max: 1024) } ?? 1
            guard let gpus, let perLeaf, let leaves, let spines else { return nil }
            return .fatTree(gpusPerNode: gpus, nodesPerLeaf: perLeaf, leaves: leaves, spines: spines, weights: weights)
        case "dragonfly":
            guard let d = shape.object(allowedKeys: ["groups", "nodesPerGroup", "gpusPerNode", "globalLinksPerPair", "drop", "seed"]) else {
                return nil
            }
            let groups = d.require("groups")?.integer(min: 1, max: 256)
            let nodes = d.require("nodesPerGroup")?.integer(min: 1, max: 256)
            let gpus = d.require("gpusPerNode")?.integer(min: 1, max: 1024)
            let links = d["globalLinksPerPair"].map { $0.integer(min: 1, max: 64) } ?? 1
            let drop = d["drop"].map { $0.number(.fraction) } ?? 0
            let seed = d["seed"].map { $0.integer(min: 0) } ?? 1
            guard let groups, let nodes, let gpus, let links, let drop, let seed else { return nil }
            return .dragonfly(
                groups: groups, nodesPerGroup: nodes, gpusPerNode: gpus, globalLinksPerPair: links, drop: drop, seed: UInt64(seed),
                weights: weights)
        default:
            guard let e = shape.object(allowedKeys: ["servers", "gpusPerNode", "links"]) else { return nil }
            let servers = e.require("servers")?.list(nonEmpty: true)?.compactMap { $0.string() }
            let gpus = e.require("gpusPerNode")?.integer(min: 1, max: 1024)
            var links: [(from: String, to: String, weight: Double)]? = []
            for item in e.require("links")?.list() ?? [] {
                guard let l = item.object(allowedKeys: ["from", "to", "weight"]),
                      let from = l.require("from")?.string(), let to = l.require("to")?.string(),
                      let weight = l["weight"].map({ $0.number(.nonNegative) }) ?? 1 else { links = nil; continue }
                links?.append((from, to, weight))
            }
            guard let servers, let gpus, let links else { return nil }
            return .explicit(servers: servers, gpusPerNode: gpus, links: links, weights: weights)
        }
    }

    static func readWeights(_ node: ConfigNode) -> LinkWeights? {
        let kinds = LinkKind.allCases.filter { $0 != .custom }
        guard let o = node.object(allowedKeys: kinds.map(\.rawValue)) else { return nil }
        var weights: [LinkKind: Double] = [:]
        var failed = false
        for kind in kinds {
            guard let entry = o[kind.rawValue] else { continue }
            if let value = entry.number(.nonNegative) { weights[kind] = value } else { failed = true }
        }
        return failed ? nil : LinkWeights(weights)
    }
}
