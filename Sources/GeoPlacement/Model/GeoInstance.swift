/// A decoder-only model split into identical blocks, as geo-distributed serving sees it
/// (after Sun, He, Ji & Parag, arXiv 2512.21884).
public struct GeoModel: Sendable, Hashable, Codable {
    /// L, the number of transformer blocks.
    public var blocks: Int
    /// s_m, bytes of one block's weights.
    public var blockBytes: Double
    /// KV-cache bytes one token of one session takes in one block (2 · d_model · bytes).
    public var cacheBytesPerToken: Double
    /// l_I, prompt tokens of a request.
    public var promptTokens: Int
    /// l, output tokens of a request.
    public var outputTokens: Int

    public init(blocks: Int, blockBytes: Double, cacheBytesPerToken: Double, promptTokens: Int, outputTokens: Int) {
        self.blocks = blocks
        self.blockBytes = blockBytes
        self.cacheBytesPerToken = cacheBytesPerToken
        self.promptTokens = promptTokens
        self.outputTokens = outputTokens
    }

    /// s_c, bytes of one cache slot: one session's cache in one block, for l_I + l tokens.
    public var cacheSlotBytes: Double { cacheBytesPerToken * Double(promptTokens + outputTokens) }
}

/// A server: its site, memory and per-block compute times.
public struct GeoServer: Sendable, Hashable, Codable {
    public var name: String
    public var site: String
    /// M_j, bytes available for weights and cache.
    public var memoryBytes: Double
    /// τ_j, seconds per block per decode token.
    public var decodeSecondsPerBlock: Double
    /// τ^I_j = prefillPerToken · l_I + prefillFixed, seconds per block for the prompt.
    public var prefillPerToken: Double
    public var prefillFixed: Double
    /// An upper limit on blocks this server may hold (the paper caps MIG slices at 4).
    public var maxBlocks: Int?

    public init(
        name: String, site: String, memoryBytes: Double, decodeSecondsPerBlock: Double, prefillPerToken: Double,
        prefillFixed: Double, maxBlocks: Int? = nil
    ) {
        self.name = name
        self.site = site
        self.memoryBytes = memoryBytes
        self.decodeSecondsPerBlock = decodeSecondsPerBlock
        self.prefillPerToken = prefillPerToken
        self.prefillFixed = prefillFixed
        self.maxBlocks = maxBlocks
    }

    /// τ^I_j for a prompt of `promptTokens` tokens, seconds per block.
    public func prefillSecondsPerBlock(promptTokens: Int) -> Double {
        prefillPerToken * Double(promptTokens) + prefillFixed
    }
}

/// A client that issues requests from a site; it relays activations between servers (hub and spoke).
public struct GeoClient: Sendable, Hashable, Codable {
    public var name: String
    public var site: String

    public init(name: String, site: String) {
        self.name = name
        self.site = site
    }
}

/// Raw round-trip times between sites, seconds (symmetric; `intraSite` within one site).
public struct GeoNetwork: Sendable, Hashable, Codable {
    /// Site names, indexing `rtt`.
    public var sites: [String]
    /// rtt[a][b], seconds.
    public var rtt: [[Double]]

    public init(sites: [String], rtt: [[Double]]) {
        self.sites = sites
        self.rtt = rtt
    }

    /// The RTT between two sites by name (nil when either is unknown).
    public func rtt(from a: String, to b: String) -> Double? {
        guard let i = sites.firstIndex(of: a), let j = sites.firstIndex(of: b) else { return nil }
        return rtt[i][j]
    }
}

/// Per-request overheads the authors' simulator adds to raw RTTs (their calibration, kept apart
/// from the algorithms): t_cj = RTT + perTokenOverhead; t^I_cj = RTT + promptPerToken·l_I + promptFixed.
public struct GeoTimingConstants: Sendable, Hashable, Codable {
    /// Added to every per-token RTT, seconds (0.1 in the scattered scripts, 0.05 in the clustered one).
    public var perTokenOverhead: Double
    /// Per prompt token added to the prompt RTT, seconds (0.7049 ms).
    public var promptPerToken: Double
    /// Fixed part added to the prompt RTT, seconds (67 ms).
    public var promptFixed: Double
    /// Added once per request, seconds (70 ms).
    public var initialDelay: Double

    public init(perTokenOverhead: Double = 0.1, promptPerToken: Double = 0.0007049, promptFixed: Double = 0.067, initialDelay: Double = 0.07) {
        self.perTokenOverhead = perTokenOverhead
        self.promptPerToken = promptPerToken
        self.promptFixed = promptFixed
        self.initialDelay = initialDelay
    }

    /// No overheads: times are raw RTTs (for test vectors and hand-checkable cases).
    public static let none = GeoTimingConstants(perTokenOverhead: 0, promptPerToken: 0, promptFixed: 0, initialDelay: 0)
}

/// A geo-distributed serving problem.
public struct GeoInstance: Sendable, Hashable, Codable {
    public var model: GeoModel
    public var servers: [GeoServer] { didSet { resolveRTTs() } }
    public var clients: [GeoClient] { didSet { resolveRTTs() } }
    public var network: GeoNetwork { didSet { resolveRTTs() } }
    public var timing: GeoTimingConstants
    /// rawRTT[c][j], the RTT between client c's and server j's sites (+∞ where a site is unknown),
    /// looked up once so that routing does not search site names.
    private var rawRTT: [[Double]] = []

    private enum CodingKeys: String, CodingKey { case model, servers, clients, network, timing }

    public init(model: GeoModel, servers: [GeoServer], clients: [GeoClient], network: GeoNetwork, timing: GeoTimingConstants) {
        self.model = model
        self.servers = servers
        self.clients = clients
        self.network = network
        self.timing = timing
        resolveRTTs()
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            model: c.decode(GeoModel.self, forKey: .model), servers: c.decode([GeoServer].self, forKey: .servers),
            clients: c.decode([GeoClient].self, forKey: .clients), network: c.decode(GeoNetwork.self, forKey: .network),
            timing: c.decode(GeoTimingConstants.self, forKey: .timing))
    }

    private mutating func resolveRTTs() {
        let index = Dictionary(network.sites.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        rawRTT = clients.map { client in
            servers.map { server in
                guard let a = index[client.site], let b = index[server.site] else { return .infinity }
                return network.rtt[a][b]
            }
        }
    }

    /// t_cj: per-token time of the hop between client c and server j, seconds.
    public func perTokenRTT(client c: Int, server j: Int) -> Double {
        rawRTT[c][j] + timing.perTokenOverhead
    }

    /// t^I_cj: prompt time of the hop between client c and server j, seconds.
    public func promptRTT(client c: Int, server j: Int) -> Double {
        rawRTT[c][j] + timing.promptPerToken * Double(model.promptTokens) + timing.promptFixed
    }
}

/// The contiguous block range one server holds (0-based first block).
public struct BlockRange: Sendable, Hashable, Codable {
    public var firstBlock: Int
    public var blockCount: Int

    public init(firstBlock: Int, blockCount: Int) {
        self.firstBlock = firstBlock
        self.blockCount = blockCount
    }

    /// One past the last block.
    public var endBlock: Int { firstBlock + blockCount }
}

/// A placement: the range of each server (nil for a server that holds nothing).
public struct BlockPlacement: Sendable, Hashable, Codable {
    public var ranges: [BlockRange?]

    public init(ranges: [BlockRange?]) { self.ranges = ranges }
}
