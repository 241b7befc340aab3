import GeoPlacement

/// Demo section: the geo paper's clustered testbed (2 A100s and 7 MIG slices serving BLOOM-176B),
/// CG-BP + WS-RR against PETALS on the same 100 arrivals.
struct GeoSection {
    struct Report: Encodable {
        var proposedPerTokenSeconds: Double
        var petalsPerTokenSeconds: Double
    }

    let report: Report

    init() throws {
        let instance = GeoCalibration.clusteredTestbed(a100s: 2, migs: 7)
        let config = GeoOnlineConfig(requests: 100, arrivalRate: 0.5, seed: 1)
        let proposed = try GeoOnlineSimulation.run(instance: instance, config: config) {
            try WSRRRouter(instance: instance, plannedRequests: GeoPlanning.plannedRequests(instance: instance, arrivalRate: 0.5))
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
