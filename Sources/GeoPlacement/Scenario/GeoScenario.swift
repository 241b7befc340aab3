import Foundation
import ServingModel

/// A `kind: geo` scenario.
///
/// ```yaml
/// kind: geo
/// model: {blocks: 70, blockBytes: 1.323e9, cacheBytesPerToken: 57344, promptTokens: 20, outputTokens: 128}
/// servers:
///   - {name: a100-1, site: dc1, memoryBytes: 79.13e9, decodeSecondsPerBlock: 0.0032197,
///      prefill: {perToken: 7.43e-5, fixed: 0.03299}}
///   - {name: mig-1, site: dc2, memoryBytes: 8.2e9, decodeSecondsPerBlock: 0.0162488,
///      prefill: {perToken: 1.041e-4, fixed: 0.20635}, maxBlocks: 4}
/// clients: [{name: c1, site: edge}]
/// network: {rttSeconds: {dc1-dc2: 0.1, dc1-edge: 0.1, dc2-edge: 0.1}, intraSite: 0.005}
///   # or {links: [{from: a, to: b, delaySeconds: 0.01}, ...]}: RTT = 2 × shortest-path delay
///   # or {scattered: {sites: 50, serverFraction: 0.4, seed: 1}}: a generated topology that also
///   #    places A100 and MIG servers and the clients (then no servers or clients keys; `GeoScatteredSection`)
/// timing: {perTokenOverhead: 0.1, promptPerToken: 0.0007049, promptFixed: 0.067, initialDelay: 0.07}  # optional
/// workload: {requests: 100, arrivalRate: 0.5, seed: 1}
/// methods: [cg-bp+ws-rr, petals, milp]
/// ```
public struct GeoScenario: Sendable {
    public static let keys = ["model", "servers", "clients", "network", "timing", "workload", "methods", "plannedRequests", "allocationDelays"]
    public static let methodNames = ["cg-bp+ws-rr", "petals", "milp"]

    public var instance: GeoInstance
    public var requests: Int
    public var arrivalRate: Double
    public var seed: UInt64
    public var methods: [String]
    /// |R| for CG-BP (nil: the Little's-law-plus-one-standard-deviation rule).
    public var plannedRequests: Int?
    /// Per-request allocation delays the paper's scripts add (seconds): proposed and PETALS.
    public var allocationDelays: (proposed: Double, petals: Double)

    public static func read(_ envelope: ScenarioEnvelope) -> GeoScenario? {
        let body = envelope.body
        let model = body.require("model").flatMap(readModel)
        var servers: [GeoServer] = []
        var clients: [GeoClient] = []
        var network: GeoNetwork?
        if let node = body.require("network"), GeoScatteredSection.isScattered(node) {
            for key in ["servers", "clients"] where body.has(key) {
                body[key]!.report("not allowed with network.scattered, which places the servers and clients itself")
            }
            if let layout = GeoScatteredSection.read(node) { (servers, clients, network) = layout }
        } else {
            if let list = body.require("servers")?.list(nonEmpty: true) { servers = list.compactMap(readServer) }
            if let list = body.require("clients")?.list(nonEmpty: true) {
                clients = list.compactMap { node in
                    guard let o = node.object(allowedKeys: ["name", "site"]), let name = o.require("name")?.string(),
                          let site = o.require("site")?.string() else { return nil }
                    return GeoClient(name: name, site: site)
                }
            }
            let sites = Array(Set(servers.map(\.site) + clients.map(\.site))).sorted()
            network = body["network"].flatMap { GeoNetworkSection.read($0, sites: sites) }
        }
        if let model, !servers.isEmpty {
            checkSomeServerHoldsABlock(model: model, servers: servers, at: body["servers"] ?? body["network"]!)
        }
        let timing = body["timing"].map(readTiming) ?? GeoTimingConstants()
        var requests: Int?, rate: Double?, seed: Int?
        if let workload = body.require("workload")?.object(allowedKeys: ["requests", "arrivalRate", "seed"]) {
            requests = workload.require("requests")?.integer(min: 1, max: 1_000_000)
            rate = workload.require("arrivalRate")?.number(.positive)
            seed = workload["seed"].map { $0.integer(min: 0) } ?? 1
        }
        let methods = body["methods"].map { node -> [String]? in
            guard let list = node.list(nonEmpty: true) else { return nil }
            let names = list.compactMap { $0.choice(methodNames) }
            return names.count == list.count ? names : nil
        } ?? ["cg-bp+ws-rr", "petals"]
        let planned: Int?? = body["plannedRequests"].map { $0.integer(min: 1) }
        var delays: (Double, Double)? = (0, 0)
        if let node = body["allocationDelays"] {
            delays = nil
            if let o = node.object(allowedKeys: ["proposed", "petals"]) {
                let p = o["proposed"].map { $0.number(.nonNegative) } ?? 0
                let q = o["petals"].map { $0.number(.nonNegative) } ?? 0
                if let p, let q { delays = (p, q) }
            }
        }
        guard envelope.diagnostics.issues.isEmpty, let model, let network, let timing, let requests, let rate, let seed,
              let methods, let delays else { return nil }
        if case .some(.none) = planned { return nil }
        return GeoScenario(
            instance: GeoInstance(model: model, servers: servers, clients: clients, network: network, timing: timing),
            requests: requests, arrivalRate: rate, seed: UInt64(seed), methods: methods,
            plannedRequests: planned ?? nil, allocationDelays: delays)
    }

    private static func gigabytes(_ bytes: Double) -> String { String(format: "%.4g GB", bytes / 1e9) }

    /// Reports when no server can hold one block plus one request's cache slot (s_m + s_c > M_j for all j).
    static func checkSomeServerHoldsABlock(model: GeoModel, servers: [GeoServer], at node: ConfigNode) {
        let need = model.blockBytes + model.cacheSlotBytes
        guard let largest = servers.map(\.memoryBytes).max(), largest < need else { return }
        node.report("no server can hold one block plus its cache: s_m + s_c = \(gigabytes(need)) "
            + "(block \(gigabytes(model.blockBytes)) + one request's cache \(gigabytes(model.cacheSlotBytes))), "
            + "the largest memoryBytes is \(gigabytes(largest))")
    }

    static func readModel(_ node: ConfigNode) -> GeoModel? {
        guard let o = node.object(allowedKeys: ["blocks", "blockBytes", "cacheBytesPerToken", "promptTokens", "outputTokens"]) else {
            return nil
        }
        let blocks = o.require("blocks")?.integer(min: 1)
        let blockBytes = o.require("blockBytes")?.bytes()
        let cache = o.require("cacheBytesPerToken")?.bytes()
        let prompt = o.require("promptTokens")?.integer(min: 1)
        let output = o.require("outputTokens")?.integer(min: 1)
        guard let blocks, let blockBytes, let cache, let prompt, let output else { return nil }
        return GeoModel(blocks: blocks, blockBytes: blockBytes, cacheBytesPerToken: cache, promptTokens: prompt, outputTokens: output)
    }

    static func readServer(_ node: ConfigNode) -> GeoServer? {
        guard let o = node.object(allowedKeys: ["name", "site", "memoryBytes", "decodeSecondsPerBlock", "prefill", "maxBlocks"]) else {
            return nil
        }
        let name = o.require("name")?.string()
        let site = o.require("site")?.string()
        let memory = o.require("memoryBytes")?.bytes()
        let decode = o.require("decodeSecondsPerBlock")?.number(.positive)
        var perToken: Double?, fixed: Double?
        if let prefill = o.require("prefill")?.object(allowedKeys: ["perToken", "fixed"]) {
            perToken = prefill.require("perToken")?.number(.nonNegative)
            fixed = prefill.require("fixed")?.number(.nonNegative)
        }
        let maxBlocks: Int?? = o["maxBlocks"].map { $0.integer(min: 1) }
        guard let name, let site, let memory, let decode, let perToken, let fixed else { return nil }
        if case .some(.none) = maxBlocks { return nil }
        return GeoServer(
            name: name, site: site, memoryBytes: memory, decodeSecondsPerBlock: decode, prefillPerToken: perToken,
            prefillFixed: fixed, maxBlocks: maxBlocks ?? nil)
    }

    static func readTiming(_ node: ConfigNode) -> GeoTimingConstants? {
        guard let o = node.object(allowedKeys: ["perTokenOverhead", "promptPerToken", "promptFixed", "initialDelay"]) else { return nil }
        let defaults = GeoTimingConstants()
        let a = o["perTokenOverhead"].map { $0.number(.nonNegative) } ?? defaults.perTokenOverhead
        let b = o["promptPerToken"].map { $0.number(.nonNegative) } ?? defaults.promptPerToken
        let c = o["promptFixed"].map { $0.number(.nonNegative) } ?? defaults.promptFixed
        let d = o["initialDelay"].map { $0.number(.nonNegative) } ?? defaults.initialDelay
        guard let a, let b, let c, let d else { return nil }
        return GeoTimingConstants(perTokenOverhead: a, promptPerToken: b, promptFixed: c, initialDelay: d)
    }
}
