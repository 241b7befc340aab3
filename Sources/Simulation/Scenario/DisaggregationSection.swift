import ServingModel

/// The keys of a prefill/decode-disaggregated fleet in a `kind: simulate` scenario: the groups'
/// `role: prefill | decode`, the `network:` between them and the `decodePolicy:`.
///
/// ```yaml
/// replicas:
///   - {gpu: H200-141GB, tp: 1, count: 4, role: prefill}
///   - {gpu: H200-141GB, tp: 4, count: 1, role: decode}
/// network:
///   bandwidthGBps: 450          # each replica's interface, per direction (GB/s = 1e9 bytes/s)
///   latencySeconds: 0.00002     # default 0
///   links: [{from: 0, to: 1, bandwidthGBps: 50, latencySeconds: 0.00001}]   # group pairs, optional
/// decodePolicy: least-kv        # least-outstanding (default) | least-kv | round-robin
/// ```
///
/// A fleet either has no prefill or decode group (and then no `network:` nor `decodePolicy:`) or
/// has both and no general group; every decode replica's KV cache must hold one whole request of
/// the workload (`largestRequestTokens`) in the blocks an admission can get (the watermark kept free).
enum DisaggregationSection {
    /// The roles a scenario may give (`mixed` and `solo` are the gate-and-route planner's own).
    static let roles: [ReplicaRole] = [.general, .prefill, .decode]
    /// Top-level keys it reads.
    static let keys = ["network", "decodePolicy"]
    /// Largest bandwidth (GB/s) and latency (s) a link may have.
    static let maxBandwidthGBps = 1e6
    static let maxLatencySeconds = 3600.0

    /// Reads the keys and checks the fleet; nil for a fleet without prefill and decode roles, or
    /// after reporting every problem. `replicas` are the fleet's replicas as read (groups with
    /// problems missing), `groupCount` the length of the `replicas:` list.
    static func read(
        _ body: ConfigObject, replicas: [ReplicaConfiguration], groupCount: Int, workload: Workload?
    ) -> Disaggregation? {
        var roles = [ReplicaRole?](repeating: nil, count: groupCount)
        var pools = [KVBlockPool?](repeating: nil, count: groupCount)
        for replica in replicas where replica.group < groupCount {
            roles[replica.group] = replica.role
            pools[replica.group] = KVBlockPool(
                capacityTokens: replica.kvCapacityTokens, blockSize: replica.blockSize, watermark: replica.watermark)
        }
        let prefill = roles.indices.filter { roles[$0] == .prefill }
        let decode = roles.indices.filter { roles[$0] == .decode }
        // A group that could not be read has been reported; its role is unknown, so nothing more is said.
        guard !roles.contains(nil) else { return nil }
        guard !prefill.isEmpty || !decode.isEmpty else {
            for key in keys where body.has(key) {
                body.report(key: key, "only a disaggregated fleet uses it, and no replica group has role prefill or decode")
            }
            return nil
        }
        if decode.isEmpty {
            body.report(key: "replicas", "a disaggregated fleet needs a group with role decode: group(s) "
                + "\(prefill.map(String.init).joined(separator: ", ")) have role prefill, none has role decode")
        }
        if prefill.isEmpty {
            body.report(key: "replicas", "a disaggregated fleet needs a group with role prefill: group(s) "
                + "\(decode.map(String.init).joined(separator: ", ")) have role decode, none has role prefill")
        }
        for group in roles.indices where roles[group] == .general {
            body.report(key: "replicas[\(group)].role", "a disaggregated fleet has only prefill and decode groups; "
                + "give this group role prefill or decode")
        }
        if let workload {
            let largest = largestRequestTokens(workload)
            for group in decode {
                guard let pool = pools[group] else { continue }
                let capacity = pool.admissibleBlocks * pool.blockSize
                if capacity < largest {
                    body.report(key: "replicas[\(group)]", "a decode replica's KV cache gives one request at most "
                        + "\(capacity) tokens (\(pool.admissibleBlocks) blocks of \(pool.blockSize), "
                        + "\(pool.watermarkBlocks) kept free), below one request of the workload (\(largest) prompt + output tokens)")
                }
            }
        }
        let decodePolicy = body["decodePolicy"].map { node in
            node.choice(DecodePolicyName.allCases.map(\.rawValue)).flatMap(DecodePolicyName.init(rawValue:))
        } ?? .leastOutstanding
        let network = body.require("network").flatMap { readNetwork($0, roles: roles) }
        guard let network, let decodePolicy, !prefill.isEmpty, !decode.isEmpty else { return nil }
        return Disaggregation(network: network, decodePolicy: decodePolicy)
    }

    /// Tokens of the largest request the workload makes (prompt + output): the largest of a
    /// bounded length (fixed, uniform, empirical, a trace's requests) and the mean of an unbounded
    /// one (exponential, lognormal), whose longer draws the simulator rejects one by one.
    static func largestRequestTokens(_ workload: Workload) -> Int {
        func bound(_ lengths: LengthDistribution) -> Int {
            switch lengths {
            case let .fixed(length): return max(1, length)
            case let .uniform(_, high): return high
            case let .exponential(mean), let .lognormal(mean, _): return Int(mean.rounded(.up))
            case let .empirical(values): return values.max() ?? 1
            }
        }
        switch workload {
        case let .synthetic(classes):
            return classes.map { bound($0.promptTokens) + bound($0.outputTokens) }.max() ?? 0
        case let .trace(_, requests, _):
            return requests.reduce(0) { max($0, max(1, $1.promptTokens) + max(1, $1.outputTokens)) }
        }
    }

    private static func readNetwork(_ node: ConfigNode, roles: [ReplicaRole?]) -> KVTransferNetwork? {
        guard let object = node.object(allowedKeys: ["bandwidthGBps", "latencySeconds", "links"]) else { return nil }
        let defaultLink = readLink(object)
        var links: [GroupPair: TransferLink] = [:]
        var valid = true
        for entry in object["links"]?.list() ?? [] {
            guard let link = entry.object(allowedKeys: ["from", "to", "bandwidthGBps", "latencySeconds"]) else {
                valid = false
                continue
            }
            let from = link.require("from")?.integer(min: 0, max: roles.count - 1)
            let to = link.require("to")?.integer(min: 0, max: roles.count - 1)
            guard let from, let to, let value = readLink(link) else {
                valid = false
                continue
            }
            if roles[from] != .prefill || roles[to] != .decode {
                link.report("a link carries caches from a prefill group to a decode group; group \(from) → group \(to) is not such a pair")
                valid = false
            } else if links.updateValue(value, forKey: GroupPair(from: from, to: to)) != nil {
                link.report("group \(from) → group \(to) is given twice")
                valid = false
            }
        }
        guard let defaultLink, valid else { return nil }
        return KVTransferNetwork(defaultLink: defaultLink, links: links)
    }

    /// `bandwidthGBps` (required, > 0) and `latencySeconds` (default 0, >= 0) of a link.
    private static func readLink(_ object: ConfigObject) -> TransferLink? {
        let bandwidth = object.require("bandwidthGBps")?.number(.positive, max: maxBandwidthGBps)
        let latency = object["latencySeconds"].map { $0.number(.nonNegative, max: maxLatencySeconds) } ?? 0
        guard let bandwidth, let latency else { return nil }
        return TransferLink(bandwidthBytesPerSecond: bandwidth * 1e9, latencySeconds: latency)
    }
}
