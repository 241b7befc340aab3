import ServingModel

/// The `network:` section: an RTT table between sites, or links whose shortest-path delays give RTTs.
enum GeoNetworkSection {
    static func read(_ node: ConfigNode, sites: [String]) -> GeoNetwork? {
        guard let o = node.object(allowedKeys: ["rttSeconds", "intraSite", "links"]) else { return nil }
        let intra = o["intraSite"].map(GeoScenario.seconds) ?? 0
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
                guard let entry = checked[key] else { continue }
                let value = GeoScenario.seconds(entry)
                let parts = key.split(separator: "-", maxSplits: 1).map(String.init)
                guard parts.count == 2, let i = sites.firstIndex(of: parts[0]), let j = sites.firstIndex(of: parts[1]) else {
                    let unknown = parts.first { !sites.contains($0) }
                    entry.report("'\(key)' must be two known sites joined by '-'"
                        + (unknown.map { "; unknown site '\($0)'" + NameSuggestion.hint(for: $0, in: sites) } ?? "")
                        + "; sites: " + sites.joined(separator: ", "))
                    failed = true
                    continue
                }
                guard let value else { failed = true; continue }
                rtt[i][j] = value
                rtt[j][i] = value
            }
            if failed { return nil }
        } else if let links = o["links"]?.list(nonEmpty: true) {
            var graphLinks: [GeoLink] = []
            var failed = false
            for link in links {
                guard let l = link.object(allowedKeys: ["from", "to", "delaySeconds"]),
                      let from = l.require("from")?.string(), let to = l.require("to")?.string(),
                      let d = l.require("delaySeconds").flatMap(GeoScenario.seconds) else { failed = true; continue }
                guard let i = sites.firstIndex(of: from), let j = sites.firstIndex(of: to) else {
                    link.report("unknown site in link \(from)–\(to); sites: " + sites.joined(separator: ", "))
                    failed = true
                    continue
                }
                graphLinks.append(GeoLink(from: i, to: j, delaySeconds: d))
            }
            if failed { return nil }
            let delays = GeoSiteGraph(sites: sites, links: graphLinks).shortestDelays(from: Array(0..<n))
            for i in 0..<n { for j in 0..<n where i != j { rtt[i][j] = 2 * delays[i][j] } }
        } else {
            node.report("give rttSeconds, links or scattered")
            return nil
        }
        for i in 0..<n { for j in 0..<n where rtt[i][j] == .infinity {
            node.report("no RTT between sites '\(sites[i])' and '\(sites[j])' (the topology is disconnected or the table incomplete)")
            return nil
        } }
        return GeoNetwork(sites: sites, rtt: rtt)
    }
}
