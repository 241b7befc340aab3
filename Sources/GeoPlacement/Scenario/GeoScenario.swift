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

    public var instance: GeoInstance
    public var requests: Int
    public var arrivalRate: Double
    public var seed: UInt64
    public var methods: [GeoMethod]
    /// |R| for CG-BP (nil: the Little's-law-plus-one-standard-deviation rule).
    public var plannedRequests: Int?
    /// Per-request allocation delays (`allocationDelays: {proposed, petals}`; `.none` when absent).
    public var allocationDelays: GeoAllocationDelays

    /// The delays the online simulation compares with no delay: the scenario's, or the paper scripts'
    /// (`GeoAllocationDelays.paperScripts`) when it sets none or only zeros.
    public var comparedAllocationDelays: GeoAllocationDelays {
        allocationDelays == .none ? .paperScripts : allocationDelays
    }

    /// Most blocks, tokens per request, seconds in any time field, bytes of memory and arrivals per second.
    public static let maxBlocks = 10_000
    public static let maxTokens = 10_000_000
    public static let maxSeconds = 3600.0
    public static let maxMemoryBytes = 1e15
    public static let maxArrivalRate = 1e6

    /// Reads and checks the scenario; throws every problem found (also left in the envelope's diagnostics).
    public static func read(_ envelope: ScenarioEnvelope) throws(ScenarioError) -> GeoScenario {
        let body = envelope.body
        let model = body.require("model").flatMap(readModel)
        var servers: [GeoServer] = []
        var clients: [GeoClient] = []
        var network: GeoNetwork?
        if let node = body.require("network"), GeoScatteredSection.isScattered(node) {
            for key in ["servers", "clients"] {
                body[key]?.report("not allowed with network.scattered, which places the servers and clients itself")
            }
            if let layout = GeoScatteredSection.read(node) { (servers, clients, network) = layout }
        } else {
            if let list = body.require("servers")?.list(nonEmpty: true) { servers = readNamed(list, readServer, name: \.name) }
            if let list = body.require("clients")?.list(nonEmpty: true) {
                clients = readNamed(list, { node in
                    guard let o = node.object(allowedKeys: ["name", "site"]), let name = o.require("name")?.string(),
                          let site = o.require("site")?.string() else { return nil }
                    return GeoClient(name: name, site: site)
                }, name: \.name)
            }
            let sites = Array(Set(servers.map(\.site) + clients.map(\.site))).sorted()
            if let node = body["network"], checkNetworkSize(sites: sites.count, servers: servers.count, clients: clients.count,
                                                            envelope: envelope, at: node) {
                network = GeoNetworkSection.read(node, sites: sites)
            }
        }
        if let model, !servers.isEmpty, let node = body["servers"] ?? body["network"] {
            checkSomeServerHoldsABlock(model: model, servers: servers, at: node)
        }
        let timing = body["timing"].map(readTiming) ?? GeoTimingConstants()
        var requests: Int?, rate: Double?, seed: Int?
        if let workload = body.require("workload")?.object(allowedKeys: ["requests", "arrivalRate", "seed"]) {
            requests = workload.require("requests")?.integer(min: 1, max: 1_000_000)
            rate = workload.require("arrivalRate").flatMap { number($0, .positive, atMost: maxArrivalRate) }
            seed = workload["seed"].map { $0.integer(min: 0) } ?? 1
        }
        let methods = body["methods"].map { node -> [GeoMethod]? in
            guard let list = node.list(nonEmpty: true) else { return nil }
            let names = list.compactMap { $0.choice(GeoMethod.allCases.map(\.rawValue)) }
            guard names.count == list.count, noDuplicates(names, in: list) else { return nil }
            return names.compactMap(GeoMethod.init(rawValue:))
        } ?? [.cgbpWSRR, .petals]
        if let requests, let methods {
            // `simulate geo` runs every method but the MILP twice (without and with the allocation
            // delays), on one seed; `GeoEvaluator.checkWork` checks the runs a command adds (5,000
            // requests on the 9-server testbed ran for over 10 minutes).
            let runs = 2 * methods.filter { $0 != .milp }.count
            let steps = routingSteps(requests: requests, runs: runs, servers: servers.count)
            do {
                try envelope.limits.check(
                    requests: steps, what: "routing steps (requests × requests in flight, up to requests / 2, × \(runs) runs × \(servers.count) servers)",
                    at: "workload.requests")
            } catch {
                for issue in error.issues { envelope.diagnostics.report(issue.path, issue.message) }
            }
        }
        if let methods, methods.contains(.milp), let node = body["servers"] ?? body["network"] {
            let size = GeoMILP.size(servers: servers.count, requests: GeoMILP.maxRequests)
            do {
                try envelope.limits.check(
                    memoryBytes: size.nonzeros * GeoMILP.bytesPerNonzero,
                    what: "the MILP (\(String(format: "%.3g", size.rows)) rows, \(String(format: "%.3g", size.nonzeros)) nonzeros "
                        + "for \(servers.count) servers and \(GeoMILP.maxRequests) requests)", at: node.path)
            } catch {
                for issue in error.issues { envelope.diagnostics.report(issue.path, issue.message) }
            }
        }
        let planned: Int?? = body["plannedRequests"].map { $0.integer(min: 1, max: 1_000_000) }
        var delays: GeoAllocationDelays? = GeoAllocationDelays.none
        if let node = body["allocationDelays"] {
            delays = nil
            if let o = node.object(allowedKeys: ["proposed", "petals"]) {
                let p = o["proposed"].map(seconds) ?? 0
                let q = o["petals"].map(seconds) ?? 0
                if let p, let q { delays = GeoAllocationDelays(proposed: p, petals: q) }
            }
        }
        guard envelope.diagnostics.issues.isEmpty, let model, let network, let timing, let requests, let rate, let seed,
              let methods, let delays else { throw envelope.diagnostics.failure() }
        let instance = GeoInstance(model: model, servers: servers, clients: clients, network: network, timing: timing)
        if methods.contains(.milp), let problem = GeoMILP.numericalProblem(instance) {
            body["model"]?.report(problem)
            throw envelope.diagnostics.failure()
        }
        return GeoScenario(
            instance: instance, requests: requests, arrivalRate: rate, seed: UInt64(seed), methods: methods,
            plannedRequests: planned ?? nil, allocationDelays: delays)
    }

    /// The work of `runs` online simulations of `requests` requests on `servers` servers, in routing
    /// steps: each request's routing looks at every server and at the sessions in flight there, up to
    /// every earlier request when the fleet cannot keep up (requests × requests / 2 × runs × servers).
    public static func routingSteps(requests: Int, runs: Int, servers: Int) -> Double {
        Double(requests) * Double(requests) / 2 * Double(runs) * Double(max(1, servers))
    }

    /// Reads every item of `list` with `read`, then reports each name used twice, naming both
    /// indices; the result keeps only items that read (a later duplicate is reported, not dropped).
    static func readNamed<Item>(_ list: [ConfigNode], _ read: (ConfigNode) -> Item?, name: (Item) -> String) -> [Item] {
        var items: [Item] = []
        var first: [String: Int] = [:]
        for (index, node) in list.enumerated() {
            guard let item = read(node) else { continue }
            if let earlier = first[name(item)] {
                node.report("duplicate name '\(name(item))' (also \(list[earlier].path)); names must be unique")
            } else {
                first[name(item)] = index
            }
            items.append(item)
        }
        return items
    }

    /// Reports every value of `values` (read from `list`) given twice, naming both indices; false if any.
    static func noDuplicates(_ values: [String], in list: [ConfigNode]) -> Bool {
        var first: [String: Int] = [:]
        var unique = true
        for (index, value) in values.enumerated() {
            if let earlier = first[value] {
                list[index].report("duplicate '\(value)' (also \(list[earlier].path))")
                unique = false
            } else {
                first[value] = index
            }
        }
        return unique
    }

    /// Refuses (reports, returns false) a network whose RTT tables would exceed the memory limit:
    /// sites² RTTs plus a client × server table, 8 bytes each, before any is allocated.
    static func checkNetworkSize(sites: Int, servers: Int, clients: Int, envelope: ScenarioEnvelope, at node: ConfigNode) -> Bool {
        let bytes = 8 * (Double(sites) * Double(sites) * 2 + Double(clients) * Double(servers))
        do {
            try envelope.limits.check(memoryBytes: bytes, what: "the RTT tables of \(sites) sites", at: node.path)
            return true
        } catch {
            for issue in error.issues { envelope.diagnostics.report(issue.path, issue.message) }
            return false
        }
    }

    /// A time of at most `maxSeconds` seconds, ≥ 0.
    static func seconds(_ node: ConfigNode) -> Double? { number(node, .nonNegative, atMost: maxSeconds) }

    /// A number satisfying `rule` (its usual message) and at most `limit` (the stated maximum).
    static func number(_ node: ConfigNode, _ rule: NumberRule, atMost limit: Double) -> Double? {
        guard let value = node.number(rule) else { return nil }
        guard value <= limit else {
            node.report("must be <= \(String(format: "%.0f", limit)), got \(value)")
            return nil
        }
        return value
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
        let blocks = o.require("blocks")?.integer(min: 1, max: maxBlocks)
        let blockBytes = o.require("blockBytes")?.bytes(.range(1...maxMemoryBytes))
        let cache = o.require("cacheBytesPerToken")?.bytes(.range(1...1e10))
        let prompt = o.require("promptTokens")?.integer(min: 1, max: maxTokens)
        let output = o.require("outputTokens")?.integer(min: 1, max: maxTokens)
        guard let blocks, let blockBytes, let cache, let prompt, let output else { return nil }
        return GeoModel(blocks: blocks, blockBytes: blockBytes, cacheBytesPerToken: cache, promptTokens: prompt, outputTokens: output)
    }

    static func readServer(_ node: ConfigNode) -> GeoServer? {
        guard let o = node.object(allowedKeys: ["name", "site", "memoryBytes", "decodeSecondsPerBlock", "prefill", "maxBlocks"]) else {
            return nil
        }
        let name = o.require("name")?.string()
        let site = o.require("site")?.string()
        let memory = o.require("memoryBytes")?.bytes(.range(1...maxMemoryBytes))
        let decode = o.require("decodeSecondsPerBlock").flatMap { number($0, .positive, atMost: maxSeconds) }
        var perToken: Double?, fixed: Double?
        if let prefill = o.require("prefill")?.object(allowedKeys: ["perToken", "fixed"]) {
            perToken = prefill.require("perToken").flatMap(seconds)
            fixed = prefill.require("fixed").flatMap(seconds)
        }
        let maxBlocks: Int?? = o["maxBlocks"].map { $0.integer(min: 1, max: Self.maxBlocks) }
        guard let name, let site, let memory, let decode, let perToken, let fixed else { return nil }
        if case .some(.none) = maxBlocks { return nil }
        return GeoServer(
            name: name, site: site, memoryBytes: memory, decodeSecondsPerBlock: decode, prefillPerToken: perToken,
            prefillFixed: fixed, maxBlocks: maxBlocks ?? nil)
    }

    static func readTiming(_ node: ConfigNode) -> GeoTimingConstants? {
        guard let o = node.object(allowedKeys: ["perTokenOverhead", "promptPerToken", "promptFixed", "initialDelay"]) else { return nil }
        let defaults = GeoTimingConstants()
        let a = o["perTokenOverhead"].map(seconds) ?? defaults.perTokenOverhead
        let b = o["promptPerToken"].map(seconds) ?? defaults.promptPerToken
        let c = o["promptFixed"].map(seconds) ?? defaults.promptFixed
        let d = o["initialDelay"].map(seconds) ?? defaults.initialDelay
        guard let a, let b, let c, let d else { return nil }
        return GeoTimingConstants(perTokenOverhead: a, promptPerToken: b, promptFixed: c, initialDelay: d)
    }
}
