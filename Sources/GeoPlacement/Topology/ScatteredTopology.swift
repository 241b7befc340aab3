import Foundation
import ServingModel

/// A seeded generator of scattered topologies: a connected graph of sites, servers (A100s and MIG
/// slices with the paper's calibration) on some sites and clients on others.
///
/// The paper evaluates on three Topology Zoo backbones with Repetita link delays (AboveNet: 23 nodes,
/// 62 links; BellCanada: 48, 130; GTS-CE: 149, 386), servers on 0.4 of the nodes, of which 0.2 are
/// A100s, and one proxy node issuing the requests (the paper's §4). Those graphs are
/// not shipped; this generator draws graphs of the same size and density instead:
/// - sites uniform in a square of `areaKilometres` per side;
/// - links: the Euclidean minimum spanning tree (so the graph is connected), plus further links drawn
///   without replacement with Waxman's weight exp(−d/(α·d_max)) (d the distance, d_max the largest
///   one), until there are round(`linksPerSite` · sites) links. The default 1.35 is the Zoo graphs'
///   density counting each direction once (31/23, 65/48, 193/149 ≈ 1.35, 1.35, 1.30);
/// - one-way delay = distance × 5 µs/km (light in fibre), so raw RTT = 2 × shortest-path delay;
/// - a seeded shuffle of the sites: the first round(`serverFraction` · sites) host one server each, the
///   first round(`a100Fraction` · servers) of those an A100 and the rest a MIG slice; the next
///   max(1, round(`clientFraction` · sites)) host one client each.
public struct ScatteredTopology: Sendable, Hashable, Codable {
    /// One-way propagation delay per kilometre of fibre, seconds.
    public static let secondsPerKilometre = 5e-6

    public var sites: Int
    public var serverFraction: Double
    public var a100Fraction: Double
    /// Share of the sites that host a client (at least one site does).
    public var clientFraction: Double
    public var linksPerSite: Double
    public var areaKilometres: Double
    /// Waxman's α: smaller values favour short links.
    public var waxmanAlpha: Double
    public var seed: UInt64

    public init(
        sites: Int, serverFraction: Double = 0.4, a100Fraction: Double = 0.2, clientFraction: Double = 0,
        linksPerSite: Double = 1.35, areaKilometres: Double = 4000, waxmanAlpha: Double = 0.2, seed: UInt64 = 1
    ) {
        self.sites = sites
        self.serverFraction = serverFraction
        self.a100Fraction = a100Fraction
        self.clientFraction = clientFraction
        self.linksPerSite = linksPerSite
        self.areaKilometres = areaKilometres
        self.waxmanAlpha = waxmanAlpha
        self.seed = seed
    }

    /// Number of server sites, A100s among them, and client sites.
    public var counts: (servers: Int, a100s: Int, clients: Int) {
        let servers = max(1, Int((serverFraction * Double(sites)).rounded()))
        return (servers, Int((a100Fraction * Double(servers)).rounded()), max(1, Int((clientFraction * Double(sites)).rounded())))
    }

    /// Why these parameters cannot make a topology (nil when they can).
    public var problem: String? {
        let (servers, _, clients) = counts
        if sites < 2 { return "needs at least 2 sites, got \(sites)" }
        if servers + clients > sites {
            return "\(servers) server sites + \(clients) client sites exceed the \(sites) sites"
        }
        return nil
    }

    /// The site graph: site "n0" … "n<sites−1>" and its links.
    public func graph() -> GeoSiteGraph {
        var random = SeededRandom(seed: seed).substream(0)
        let points = (0..<sites).map { _ in (x: random.uniform() * areaKilometres, y: random.uniform() * areaKilometres) }
        func distance(_ i: Int, _ j: Int) -> Double {
            ((points[i].x - points[j].x) * (points[i].x - points[j].x) + (points[i].y - points[j].y) * (points[i].y - points[j].y)).squareRoot()
        }
        func link(_ i: Int, _ j: Int) -> GeoLink {
            GeoLink(from: min(i, j), to: max(i, j), delaySeconds: distance(i, j) * Self.secondsPerKilometre)
        }
        // Prim's algorithm on the complete Euclidean graph.
        var links: [GeoLink] = []
        var inTree = [Bool](repeating: false, count: sites)
        var nearest = [Double](repeating: .infinity, count: sites)
        var parent = [Int](repeating: 0, count: sites)
        nearest[0] = 0
        for _ in 0..<sites {
            var next = -1
            for i in 0..<sites where !inTree[i] && (next < 0 || nearest[i] < nearest[next]) { next = i }
            inTree[next] = true
            if next != 0 { links.append(link(parent[next], next)) }
            for j in 0..<sites where !inTree[j] && distance(next, j) < nearest[j] {
                nearest[j] = distance(next, j)
                parent[j] = next
            }
        }
        // Waxman links, weighted sampling without replacement (Efraimidis–Spirakis keys log(u)/w).
        let treeLinks = Set(links.map { $0.from * sites + $0.to })
        var dMax = 0.0
        for i in 0..<sites { for j in (i + 1)..<sites { dMax = max(dMax, distance(i, j)) } }
        var keyed: [(key: Double, i: Int, j: Int)] = []
        for i in 0..<sites {
            for j in (i + 1)..<sites where !treeLinks.contains(i * sites + j) {
                let weight = Foundation.exp(-distance(i, j) / (waxmanAlpha * max(dMax, .leastNonzeroMagnitude)))
                keyed.append((Foundation.log(random.uniform()) / weight, i, j))
            }
        }
        let extra = max(0, Int((linksPerSite * Double(sites)).rounded()) - links.count)
        keyed.sort { ($0.key, $0.i, $0.j) > ($1.key, $1.i, $1.j) }
        links += keyed.prefix(extra).map { link($0.i, $0.j) }
        return GeoSiteGraph(sites: (0..<sites).map { "n\($0)" }, links: links)
    }

    /// Servers (one per server site, A100s first in shuffle order), clients and the RTTs between
    /// their sites; nil when `problem` is not nil.
    public func layout() -> (servers: [GeoServer], clients: [GeoClient], network: GeoNetwork)? {
        guard problem == nil else { return nil }
        let graph = graph()
        var random = SeededRandom(seed: seed).substream(1)
        let order = graph.sites.indices.shuffled(using: &random)
        let (serverCount, a100s, clientCount) = counts
        let servers = order.prefix(serverCount).enumerated().map { rank, site -> GeoServer in
            let name = graph.sites[site]
            return rank < a100s ? GeoCalibration.a100(name: "a100@\(name)", site: name) : GeoCalibration.mig(name: "mig@\(name)", site: name)
        }
        let clients = order.dropFirst(serverCount).prefix(clientCount).map { GeoClient(name: "client@\(graph.sites[$0])", site: graph.sites[$0]) }
        let used = servers.map(\.site) + clients.map(\.site)
        guard let network = graph.network(between: used) else { return nil }
        return (servers, Array(clients), network)
    }
}
