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
/// nodeLimit: 2000               # optional: branch-and-bound nodes per layer's MILP (reproducible on one thread)
/// ```
/// Sizes are checked before anything is built (`MoEWorkEstimate`): at most `maxExperts` experts
/// and `maxGPUs` GPUs, and the statistics, distance matrix and MILPs within the memory limit.
public struct MoEScenario: Sendable {
    /// Top-level keys.
    public static let keys = [
        "model", "topology", "slotsPerGPU", "memoryPerGPU", "activations", "tokenSources", "methods", "balance",
        "redundantExperts", "timeLimit", "nodeLimit",
    ]
    /// Most routed experts per layer, GPUs in a topology, and seconds per balance MILP.
    public static let maxExperts = 65_536
    public static let maxGPUs = 65_536
    public static let maxSeconds = 86_400.0

    /// Where the statistics come from.
    public enum Activations: Sendable {
        /// The documented generator.
        case synthetic(SyntheticActivations)
        /// A CSV file (absolute path).
        case csv(String)

        /// Tokens per split the generator draws (0 for a CSV, whose size the file bounds).
        var syntheticTokens: Int {
            if case let .synthetic(generator) = self { return generator.tokens }
            return 0
        }
    }

    /// The model (with its MoE part).
    public var model: ModelSpec
    /// The model's MoE part.
    public var moe: MoESpec
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
    /// Methods to compare, in the listed order.
    public var methods: [PlacementMethod]
    /// The balance row's max/mean, if any.
    public var maxImbalance: Double?
    /// Limits for the hops-vs-imbalance sweep.
    public var sweep: [Double]
    /// Extra replicas per layer.
    public var redundantExperts: Int
    /// Seconds per balance MILP.
    public var timeLimit: Double
    /// Branch-and-bound nodes per layer of each balance MILP (nil: no limit).
    public var nodeLimit: Int?

    /// Bytes of one routed expert's weights: 3 × hidden × intermediate × bytes per parameter.
    public var expertBytes: Double { Self.expertBytes(model) }

    static func expertBytes(_ model: ModelSpec) -> Double {
        3 * Double(model.hiddenSize) * Double(model.moe?.expertIntermediateSize ?? 0) * model.bytesPerParameter
    }

    /// Bytes one activation moves each way: the hidden state in bf16.
    public var bytesPerActivation: Double { Double(model.hiddenSize) * 2 }

    /// Reads and checks the scenario within the envelope's work limits; throws every problem found
    /// (also left in the envelope's diagnostics).
    public static func read(_ envelope: ScenarioEnvelope, baseDirectory: String) throws(ScenarioError) -> MoEScenario {
        let body = envelope.body
        func refuse(_ error: ScenarioError) {
            for issue in error.issues { envelope.diagnostics.report(issue.path, issue.message) }
        }
        var model: ModelSpec?
        if let node = body.require("model"), let name = node.string() {
            if let found = envelope.catalog.model(named: name) {
                if let moe = found.moe {
                    if moe.routedExperts > maxExperts {
                        node.report("'\(name)' has \(moe.routedExperts) routed experts; expert placement handles at most \(maxExperts)")
                    } else {
                        model = found
                    }
                } else {
                    node.report("'\(name)' is a dense model; expert placement needs an MoE model")
                }
            } else {
                node.report("unknown model '\(name)'" + NameSuggestion.hint(for: name, in: envelope.catalog.models.map(\.name)))
            }
        }
        let topology = body.require("topology").flatMap { TopologySection.read($0, limits: envelope.limits) }
        let gpuCount = topology?.gpuCount
        let redundant = body["redundantExperts"].map { $0.integer(min: 0, max: maxExperts) } ?? 0
        var slots: Int?
        switch (body["slotsPerGPU"], body["memoryPerGPU"]) {
        case let (node?, nil): slots = node.integer(min: 1, max: 2 * maxExperts)
        case let (nil, node?):
            if let bytes = node.bytes(), let model, let moe = model.moe {
                let perLayer = expertBytes(model) * Double(moe.moeLayers)
                let fit = (bytes / perLayer).rounded(.down)
                if fit >= 1 {
                    slots = Int(min(fit, Double(2 * maxExperts)))
                } else {
                    node.report(String(
                        format: "%.3g GB cannot hold one expert of each of the %d MoE layers (%.3g GB)", bytes / 1e9, moe.moeLayers, perLayer / 1e9))
                }
            }
        case (.some, .some): body.report("give slotsPerGPU or memoryPerGPU, not both")
        case (nil, nil): body.report(key: "slotsPerGPU", "missing required key (or give memoryPerGPU)")
        }
        if let slots, let gpuCount, let model, let moe = model.moe, let redundant,
           slots * gpuCount < moe.routedExperts + redundant {
            body[body.has("slotsPerGPU") ? "slotsPerGPU" : "memoryPerGPU"]?.report(
                "\(gpuCount) GPUs × \(slots) slots = \(slots * gpuCount) cannot hold \(moe.routedExperts) experts"
                    + (redundant > 0 ? " + \(redundant) redundant" : "") + " of \(model.name)")
        }
        let activations = body.require("activations").flatMap { readActivations($0, baseDirectory: baseDirectory) }
        let uniform = body["tokenSources"].map { $0.choice(["uniform", "per-source"]).map { $0 == "uniform" } } ?? false
        let methods = body["methods"].map { node -> [PlacementMethod]? in
            guard let list = node.list(nonEmpty: true) else { return nil }
            let names = list.compactMap { $0.choice(PlacementMethod.listable.map(\.rawValue)) }
            guard names.count == list.count else { return nil }
            var first: [String: String] = [:]
            for (item, name) in zip(list, names) {
                if let earlier = first[name] { item.report("duplicate method '\(name)' (also \(earlier))") } else { first[name] = item.path }
            }
            return first.count == names.count ? names.compactMap(PlacementMethod.init(rawValue:)) : nil
        } ?? PlacementMethod.defaults
        var maxImbalance: Double?, sweep: [Double]? = []
        if let node = body["balance"], let o = node.object(allowedKeys: ["maxImbalance", "sweep"]) {
            maxImbalance = o["maxImbalance"]?.number(.range(1...100))
            if let list = o["sweep"]?.list(nonEmpty: true) {
                let values = list.compactMap { $0.number(.range(1...100)) }
                sweep = values.count == list.count ? values : nil
            }
            if !o.has("maxImbalance") && !o.has("sweep") { o.report("give maxImbalance, sweep or both") }
        }
        let timeLimit = body["timeLimit"].map { $0.number(.range(0.001...maxSeconds)) } ?? 60
        let nodeLimit = body["nodeLimit"].flatMap { $0.integer(min: 1, max: 1_000_000_000) }
        var withinLimits = true
        if let model, let moe = model.moe, let gpuCount, let activations, let slots, let redundant {
            let estimate = MoEWorkEstimate(
                layers: moe.moeLayers, experts: moe.routedExperts, physical: moe.routedExperts + redundant, gpus: gpuCount,
                slots: slots, topK: moe.expertsPerToken, syntheticTokens: activations.syntheticTokens)
            do { try estimate.check(envelope.limits, at: "activations") } catch { refuse(error); withinLimits = false }
        }
        // Shortest paths from every GPU only once the sizes are known to be within the limits.
        var distances: DistanceMatrix?
        if let topology, withinLimits {
            do { distances = try topology.gpuDistances() } catch { body["topology"]?.report(error.message) }
        }
        guard envelope.diagnostics.issues.isEmpty, let model, let moe = model.moe, let topology, let distances, let slots,
              let activations, let uniform, let methods, let sweep, let redundant, let timeLimit else {
            throw envelope.diagnostics.failure()
        }
        return MoEScenario(
            model: model, moe: moe, topology: topology, distances: distances, slotsPerGPU: slots, activations: activations,
            uniformSources: uniform, methods: methods, maxImbalance: maxImbalance, sweep: sweep, redundantExperts: redundant,
            timeLimit: timeLimit, nodeLimit: nodeLimit)
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

/// The `topology:` section. Sizes are checked before anything is built: at most
/// `MoEScenario.maxGPUs` GPUs, and the graph within the memory limit.
enum TopologySection {
    static func read(_ node: ConfigNode, limits: WorkLimits) -> ClusterTopology? {
        let shapes = ["fatTree", "dragonfly", "edges"]
        guard let o = node.object(allowedKeys: shapes + ["weights"]) else { return nil }
        let weights = o["weights"].map(readWeights) ?? LinkWeights()
        let given = shapes.filter { o.has($0) }
        guard given.count == 1, let weights, let shape = o[given[0]] else {
            if given.count != 1 { o.report("give exactly one of " + shapes.joined(separator: ", ")) }
            return nil
        }
        switch given[0] {
        case "fatTree":
            guard let f = shape.object(allowedKeys: ["gpusPerNode", "nodesPerLeaf", "leaves", "spines"]) else { return nil }
            let gpus = f.require("gpusPerNode")?.integer(min: 1, max: 1024)
            let perLeaf = f.require("nodesPerLeaf")?.integer(min: 1, max: 1024)
            let leaves = f.require("leaves")?.integer(min: 1, max: 1024)
            let spines = f["spines"].map { $0.integer(min: 1, max: 1024) } ?? 1
            guard let gpus, let perLeaf, let leaves, let spines else { return nil }
            let servers = Double(leaves) * Double(perLeaf)
            guard fits(gpus: servers * Double(gpus), vertices: servers * Double(gpus + 1) + Double(leaves + spines),
                       edges: servers * Double(gpus + 1) + Double(leaves) * Double(spines), limits: limits, at: shape) else { return nil }
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
            let g = Double(groups), n = Double(nodes), servers = g * n
            let edges = servers * Double(gpus + 1) + g * n * (n - 1) / 2 + g * (g - 1) / 2 * Double(links)
            guard fits(gpus: servers * Double(gpus), vertices: servers * Double(gpus + 2), edges: edges, limits: limits, at: shape) else {
                return nil
            }
            return .dragonfly(
                groups: groups, nodesPerGroup: nodes, gpusPerNode: gpus, globalLinksPerPair: links, drop: drop, seed: UInt64(seed),
                weights: weights)
        default:
            guard let e = shape.object(allowedKeys: ["servers", "gpusPerNode", "links"]) else { return nil }
            let serverNodes = e.require("servers")?.list(nonEmpty: true)
            var servers = serverNodes?.compactMap { $0.string() }
            if let list = serverNodes, let names = servers, names.count == list.count {
                var first: [String: String] = [:]
                for (item, name) in zip(list, names) {
                    if let earlier = first[name] { item.report("duplicate server '\(name)' (also \(earlier))") } else { first[name] = item.path }
                }
                if first.count != names.count { servers = nil }
            }
            let gpus = e.require("gpusPerNode")?.integer(min: 1, max: 1024)
            var links: [(from: String, to: String, weight: Double)]? = []
            for item in e.require("links")?.list() ?? [] {
                guard let l = item.object(allowedKeys: ["from", "to", "weight"]),
                      let from = l.require("from")?.string(), let to = l.require("to")?.string(),
                      let weight = l["weight"].map({ $0.number(.range(0...1e9)) }) ?? 1 else { links = nil; continue }
                links?.append((from, to, weight))
            }
            guard let servers, let gpus, let links else { return nil }
            let count = Double(servers.count)
            guard fits(gpus: count * Double(gpus), vertices: count * Double(gpus + 1) + 2 * Double(links.count),
                       edges: count * Double(gpus) + Double(links.count), limits: limits, at: shape) else { return nil }
            return .explicit(servers: servers, gpusPerNode: gpus, links: links, weights: weights)
        }
    }

    /// Reports (and returns false) a topology of more than `MoEScenario.maxGPUs` GPUs, one whose
    /// graph (about 64 bytes per vertex and per edge) and GPU distance matrix (8 bytes per pair,
    /// twice: the matrix and the placers' round-trip table) exceed the memory limit, or one whose
    /// shortest paths (Dijkstra from every GPU) exceed `MoEWorkEstimate.maxSteps`.
    static func fits(gpus: Double, vertices: Double, edges: Double, limits: WorkLimits, at node: ConfigNode) -> Bool {
        guard gpus <= Double(MoEScenario.maxGPUs) else {
            node.report("\(Int(gpus)) GPUs; expert placement handles at most \(MoEScenario.maxGPUs) "
                + "(the distance matrix and every placement grow with GPUs²)")
            return false
        }
        do {
            try limits.check(
                memoryBytes: 64 * (vertices + edges) + 16 * gpus * gpus,
                what: "the topology (\(Int(vertices)) vertices, \(Int(edges)) links)", at: node.path)
        } catch {
            for issue in error.issues { node.diagnostics.report(issue.path, issue.message) }
            return false
        }
        let paths = gpus * (vertices + edges) * Foundation.log2(max(2, vertices))
        guard limits.allowLarge || paths <= MoEWorkEstimate.maxSteps else {
            node.report("shortest paths from \(Int(gpus)) GPUs need about \(String(format: "%.2g", paths)) steps, over the limit of "
                + "\(String(format: "%.2g", MoEWorkEstimate.maxSteps)); use a smaller topology or --allow-large")
            return false
        }
        return true
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
