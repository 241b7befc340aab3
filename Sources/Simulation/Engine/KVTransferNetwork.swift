/// The network that carries KV caches from prefill replicas to decode replicas in a
/// disaggregated fleet, and the decode-side policy.
///
/// Transfer model (exact, O(1) per transfer): every replica has one full-duplex network interface.
/// A transfer from replica p to replica d needs p's outbound and d's inbound interface for
/// `bytes / bandwidth` seconds (bytes: the tokens p prefilled × p's `kvBytesPerToken`; the blocks
/// holding them stay allocated on p until the cache has arrived), where the link (bandwidth,
/// latency) is the one given for the pair (p's group, d's group), else the default. Transfers are
/// served in the order their prefills finish: a transfer starts at max(now, p's outbound free,
/// d's inbound free), holds both interfaces until start + bytes / bandwidth, and its cache has
/// arrived `latency` seconds after that. So two caches sent at once to one decode replica (or from one prefill replica) are
/// serialised: the second arrives bytes₂ / bandwidth after the first. Serialisation was chosen over
/// processor sharing because each transfer's end is known when it starts (one event, never
/// rescheduled) and the interface is used at full rate the whole time, like an RDMA queue pair
/// draining its work requests in order; an interface can idle while a transfer waits for the other
/// end (no backfilling).
///
/// ```swift
/// let network = KVTransferNetwork(
///     defaultLink: TransferLink(bandwidthBytesPerSecond: 50e9, latencySeconds: 2e-5))
/// let configuration = SimulationConfiguration(replicas: fleet, classNames: ["chat"], horizon: 600,
///                                             disaggregation: Disaggregation(network: network))
/// ```
public struct KVTransferNetwork: Sendable, Hashable {
    /// The link between replicas of every pair of groups not listed in `links`.
    public var defaultLink: TransferLink
    /// Links between the replicas of one group (`from`, where the cache is sent) and another (`to`).
    public var links: [GroupPair: TransferLink]

    /// Creates a network.
    public init(defaultLink: TransferLink, links: [GroupPair: TransferLink] = [:]) {
        self.defaultLink = defaultLink
        self.links = links
    }

    /// The link a cache takes from a replica of group `from` to one of group `to`.
    public func link(from: Int, to: Int) -> TransferLink {
        links[GroupPair(from: from, to: to)] ?? defaultLink
    }
}

/// A network link: bandwidth per direction and one-way latency.
public struct TransferLink: Sendable, Hashable {
    /// Bytes per second in each direction (infinity: transfers take only the latency).
    public var bandwidthBytesPerSecond: Double
    /// Seconds from the last byte sent to the cache usable at the other end.
    public var latencySeconds: Double

    /// Creates a link.
    public init(bandwidthBytesPerSecond: Double, latencySeconds: Double) {
        self.bandwidthBytesPerSecond = bandwidthBytesPerSecond
        self.latencySeconds = latencySeconds
    }
}

/// An ordered pair of replica groups (indices in the scenario's `replicas:` list).
public struct GroupPair: Sendable, Hashable {
    public var from: Int
    public var to: Int

    /// Creates a pair.
    public init(from: Int, to: Int) {
        self.from = from
        self.to = to
    }
}

/// How a disaggregated fleet runs: replicas with role `prefill` prefill, those with role `decode`
/// decode; a prefilled request's KV cache crosses `network` to the decode replica that
/// `decodePolicy` chooses.
public struct Disaggregation: Sendable, Hashable {
    /// The network between the replicas.
    public var network: KVTransferNetwork
    /// How the decode replica is chosen.
    public var decodePolicy: DecodePolicyName

    /// Creates the settings.
    public init(network: KVTransferNetwork, decodePolicy: DecodePolicyName = .leastOutstanding) {
        self.network = network
        self.decodePolicy = decodePolicy
    }
}
