import GeoPlacement
import Planning

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
        let problem = GeoProblem(
            instance: instance, plannedRequests: GeoPlanning.plannedRequests(instance: instance, arrivalRate: 0.5),
            methods: [.cgbpWSRR, .petals], petalsSeed: 1)
        let evaluator = GeoEvaluator(instance: instance, requests: 100, arrivalRate: 0.5, delaySettings: [.none])
        let planner = GeoPlanner()
        let proposed = evaluator.evaluate(try planner.plan(problem, context: PlanningContext()).plan, named: "proposed", seeds: [1], progress: .silent)
        let petals = evaluator.evaluate(planner.petals(problem), named: "petals", seeds: [1], progress: .silent)
        report = Report(
            proposedPerTokenSeconds: proposed.runs[0].meanPerTokenSeconds.mean, petalsPerTokenSeconds: petals.runs[0].meanPerTokenSeconds.mean)
    }

    func render() -> String {
        let saving = 1 - report.proposedPerTokenSeconds / report.petalsPerTokenSeconds
        return "mean per-token time: CG-BP + WS-RR \(Format.fixed(report.proposedPerTokenSeconds, 3)) s, "
            + "PETALS \(Format.fixed(report.petalsPerTokenSeconds, 3)) s (\(Format.fixed(saving * 100, 0)) % lower)"
            + "\n(full comparison: gpusched simulate geo examples/geo-clustered.yaml)"
    }
}
