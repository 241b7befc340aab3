import GeoPlacement

/// Demo section: the geo paper's clustered testbed (2 A100s and 7 MIG slices serving BLOOM-176B),
/// CG-BP + WS-RR against PETALS on the same 100 arrivals.
struct GeoSection {
    struct Report: Encodable {
        var proposedPerTokenSeconds: Double
        var petalsPerTokenSeconds: Double
    }

    static var instance: GeoInstance {
        let a100 = (1...2).map {
            GeoServer(name: "a100-\($0)", site: "cluster1", memoryBytes: 79.13e9, decodeSecondsPerBlock: 0.0032197,
                      prefillPerToken: 7.43e-5, prefillFixed: 0.03299)
        }
        let mig = (1...7).map {
            GeoServer(name: "mig-\($0)", site: "cluster2", memoryBytes: 8.2e9, decodeSecondsPerBlock: 0.0162488,
                      prefillPerToken: 1.041e-4, prefillFixed: 0.20635, maxBlocks: 4)
        }
        return GeoInstance(
            model: GeoModel(blocks: 70, blockBytes: 1.323e9, cacheBytesPerToken: 57344, promptTokens: 20, outputTokens: 128),
            servers: a100 + mig, clients: [GeoClient(name: "client", site: "cluster0")],
            network: GeoNetwork(
                sites: ["cluster0", "cluster1", "cluster2"],
                rtt: [[0.005, 0.1, 0.1], [0.1, 0.005, 0.1], [0.1, 0.1, 0.005]]),
            timing: GeoTimingConstants(perTokenOverhead: 0.05))
    }

    let report: Report

    init() throws {
        let instance = Self.instance
        let config = GeoOnlineConfig(requests: 100, arrivalRate: 0.5, seed: 1)
        let proposed = try GeoOnlineSimulation.run(instance: instance, config: config) {
            try WSRRRouter(instance: instance, plannedRequests: 41)
        }
        let petals = GeoOnlineSimulation.run(instance: instance, config: config) { PetalsGeoRouter(instance: instance, seed: 1) }
        report = Report(proposedPerTokenSeconds: proposed.meanPerTokenSeconds, petalsPerTokenSeconds: petals.meanPerTokenSeconds)
    }

    func render() -> String {
        let saving = 1 - report.proposedPerTokenSeconds / report.petalsPerTokenSeconds
        return "mean per-token time: CG-BP + WS-RR \(Format.fixed(report.proposedPerTokenSeconds, 3)) s, "
            + "PETALS \(Format.fixed(report.petalsPerTokenSeconds, 3)) s (\(Format.fixed(saving * 100, 0)) % lower)"
            + "\n(full comparison: gpusched simulate geo examples/geo-clustered.yaml)"
    }
}
