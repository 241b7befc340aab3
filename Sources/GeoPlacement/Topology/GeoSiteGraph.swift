import ServingModel

/// An undirected link between two sites with its one-way propagation delay.
public struct GeoLink: Sendable, Hashable, Codable {
    /// Site indices into `GeoSiteGraph.sites`.
    public var from: Int
    public var to: Int
    /// One-way delay, seconds.
    public var delaySeconds: Double

    public init(from: Int, to: Int, delaySeconds: Double) {
        self.from = from
        self.to = to
        self.delaySeconds = delaySeconds
    }
}

/// A graph of network sites whose shortest-path delays give the RTTs between servers and clients
/// (raw RTT = 2 × the shortest one-way delay, as in the authors' simulator).
public struct GeoSiteGraph: Sendable, Hashable, Codable {
    public var sites: [String]
    public var links: [GeoLink]

    public init(sites: [String], links: [GeoLink]) {
        self.sites = sites
        self.links = links
    }

    /// True when every site can reach every other one.
    public var isConnected: Bool {
        guard !sites.isEmpty else { return true }
        return shortestDelays(from: [0])[0].allSatisfy(\.isFinite)
    }

    /// Shortest one-way delays from each of `sources` to every site (+∞ where unreachable), by
    /// Dijkstra; parallel links count with their smallest delay.
    public func shortestDelays(from sources: [Int]) -> [[Double]] {
        var neighbours = [[(vertex: Int, weight: Double)]](repeating: [], count: sites.count)
        for link in links {
            neighbours[link.from].append((link.to, link.delaySeconds))
            neighbours[link.to].append((link.from, link.delaySeconds))
        }
        return sources.map { ShortestPaths.dijkstra(adjacency: neighbours, from: $0) }
    }

    /// The RTTs between the sites named in `used` (2 × shortest delay; `intraSite` on the diagonal),
    /// or nil when some pair is disconnected or a name is not a site of this graph.
    public func network(between used: [String], intraSite: Double = 0) -> GeoNetwork? {
        let index = Dictionary(sites.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        let sources = used.compactMap { index[$0] }
        guard sources.count == used.count else { return nil }
        let delays = shortestDelays(from: sources)
        var rtt = [[Double]](repeating: [Double](repeating: 0, count: used.count), count: used.count)
        for a in used.indices {
            for b in used.indices {
                guard delays[a][sources[b]].isFinite else { return nil }
                rtt[a][b] = a == b ? intraSite : 2 * delays[a][sources[b]]
            }
        }
        return GeoNetwork(sites: used, rtt: rtt)
    }
}
