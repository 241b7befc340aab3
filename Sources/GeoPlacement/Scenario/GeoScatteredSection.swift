import ServingModel

/// `network: {scattered: {...}}`: a generated topology (`ScatteredTopology`) that also places the
/// servers and clients, so the scenario then has no `servers` or `clients`.
///
/// ```yaml
/// network:
///   scattered: {sites: 50, serverFraction: 0.4, a100Fraction: 0.2, clientFraction: 0, seed: 1}
///   # optional: linksPerSite (1.35), areaKilometres (4000), waxmanAlpha (0.2)
/// ```
enum GeoScatteredSection {
    static let keys = ["sites", "serverFraction", "a100Fraction", "clientFraction", "linksPerSite", "areaKilometres", "waxmanAlpha", "seed"]

    /// True when `network` is a mapping with a `scattered` key.
    static func isScattered(_ network: ConfigNode) -> Bool {
        guard case let .object(entries) = network.value else { return false }
        return entries.contains { $0.key == "scattered" }
    }

    static func read(_ network: ConfigNode) -> (servers: [GeoServer], clients: [GeoClient], network: GeoNetwork)? {
        guard let outer = network.object(allowedKeys: ["scattered"]),
              let node = outer.require("scattered"), let o = node.object(allowedKeys: keys) else { return nil }
        let defaults = ScatteredTopology(sites: 2)
        let sites = o.require("sites")?.integer(min: 2, max: 500)
        let servers = o["serverFraction"].map { $0.number(.range(0.000_001...1)) } ?? defaults.serverFraction
        let a100 = o["a100Fraction"].map { $0.number(.fraction) } ?? defaults.a100Fraction
        let clients = o["clientFraction"].map { $0.number(.fraction) } ?? defaults.clientFraction
        // A complete graph has (sites − 1) / 2 links per site; the Earth's circumference is 40,075 km.
        let density = o["linksPerSite"].map { $0.number(.range(0.001...250)) } ?? defaults.linksPerSite
        let area = o["areaKilometres"].map { $0.number(.range(0.001...40_075)) } ?? defaults.areaKilometres
        let alpha = o["waxmanAlpha"].map { $0.number(.range(1e-6...1e6)) } ?? defaults.waxmanAlpha
        let seed = o["seed"].map { $0.integer(min: 0) } ?? 1
        guard let sites, let servers, let a100, let clients, let density, let area, let alpha, let seed else { return nil }
        let topology = ScatteredTopology(
            sites: sites, serverFraction: servers, a100Fraction: a100, clientFraction: clients, linksPerSite: density,
            areaKilometres: area, waxmanAlpha: alpha, seed: UInt64(seed))
        if let problem = topology.problem {
            node.report(problem)
            return nil
        }
        guard let layout = topology.layout() else {
            node.report("these parameters give no connected layout of servers and clients")
            return nil
        }
        return layout
    }
}
