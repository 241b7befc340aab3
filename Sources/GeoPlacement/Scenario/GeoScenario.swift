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
        if let list = body.require("servers")?.list(nonEmpty: true) { servers = list.compactMap(readServer) }
        var clients: [GeoClient] = []
        if let list = body.require("clients")?.list(nonEmpty: true) {
            clients = list.compactMap { node in
                guard let o = node.object(allowedKeys: ["name", "site"]), let name = o.require("name")?.string(),
                      let site = o.require("site")?.string() else { return nil }
                return GeoClient(name: name, site: site)
            }
        }
        let sites = Array(Set(servers.map(\.site) + clients.map(\.site))).sorted()
        let network = body.require("network").flatMap { GeoNetworkSection.read($0, sites: sites) }
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

/// The `network:` section: an RTT table between sites, or links whose shortest-path delays give RTTs.
enum GeoNetworkSection {
    static func read(_ node: ConfigNode, sites: [String]) -> GeoNetwork? {
        guard let o = node.object(allowedKeys: ["rttSeconds", "intraSite", "links"]) else { return nil }
        let intra = o["intraSite"].map { $0.number(.nonNegative) } ?? 0
        guard let intra else { return nil }
        let n = sites.count
        var rtt = [[Double]](repeating: [Double](repeating: .infinity, count: n), count: n)
        for i in 0..<n { rtt[i][i] = intra }
        if let table = o["rttSeconds"] {
            guard case let .object(entries) = table.value else {
                table.report("must be a mapping like {siteA-siteB: seconds}")
                return nil
            }
            guard let checked = table.object(allowedKeys: entries.map(\.key)) else { return nil }
            var failed = false
            for key in checked.keys {
                let value = checked[key]!.number(.nonNegative)
                let parts = key.split(separator: "-", maxSplits: 1).map(String.init)
                guard parts.count == 2, let i = sites.firstIndex(of: parts[0]), let j = sites.firstIndex(of: parts[1]) else {
                    checked[key]!.report("'\(key)' must be two known sites joined by '-'; sites: " + sites.joined(separator: ", "))
                    failed = true
                    continue
                }
                guard let value else { failed = true; continue }
                rtt[i][j] = value
                rtt[j][i] = value
            }
            if failed { return nil }
        } else if let links = o["links"]?.list(nonEmpty: true) {
            var delay = [[Double]](repeating: [Double](repeating: .infinity, count: n), count: n)
            for i in 0..<n { delay[i][i] = 0 }
            var failed = false
            for link in links {
                guard let l = link.object(allowedKeys: ["from", "to", "delaySeconds"]),
                      let from = l.require("from")?.string(), let to = l.require("to")?.string(),
                      let d = l.require("delaySeconds")?.number(.nonNegative) else { failed = true; continue }
                guard let i = sites.firstIndex(of: from), let j = sites.firstIndex(of: to) else {
                    link.report("unknown site in link \(from)–\(to); sites: " + sites.joined(separator: ", "))
                    failed = true
                    continue
                }
                delay[i][j] = min(delay[i][j], d)
                delay[j][i] = min(delay[j][i], d)
            }
            if failed { return nil }
            for k in 0..<n { for i in 0..<n { for j in 0..<n where delay[i][k] + delay[k][j] < delay[i][j] {
                delay[i][j] = delay[i][k] + delay[k][j]
            } } }
            for i in 0..<n { for j in 0..<n where i != j { rtt[i][j] = 2 * delay[i][j] } }
        } else {
            node.report("give rttSeconds or links")
            return nil
        }
        for i in 0..<n { for j in 0..<n where rtt[i][j] == .infinity {
            node.report("no RTT between sites '\(sites[i])' and '\(sites[j])' (the topology is disconnected or the table incomplete)")
            return nil
        } }
        return GeoNetwork(sites: sites, rtt: rtt)
    }
}
