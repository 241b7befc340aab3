import GeoPlacement
import Planning
import Solver

/// `gpusched bench geo`: the runtime of CG-BP + WS-RR on the paper's testbed (26 servers) and on
/// larger fleets up to 1,000 servers, and the BPRR MILP on the 9-server testbed with 10 requests.
struct GeoBenchmark: Encodable {
    /// One fleet: CG-BP + WS-RR (median and fastest of `repeats` runs) and PETALS (median of
    /// `petalsRepeats`, it is much slower) on 100 arrivals at 0.5/s. The fastest run is the one least
    /// disturbed by other processes on a shared machine.
    struct Fleet: Encodable {
        var servers: Int
        var a100s: Int
        var plannedRequests: Int
        /// CG-BP alone (Steps 1–2), seconds.
        var placementSeconds: Double
        /// CG-BP, then WS-RR routing and releasing all 100 requests, seconds.
        var proposedSeconds: Double
        /// The fastest of those runs, seconds.
        var proposedFastestSeconds: Double
        /// PETALS' join placement, then its routing of the same requests, seconds.
        var petalsSeconds: Double
    }

    /// The MILP on the small testbed.
    struct MILP: Encodable {
        var servers: Int
        var requests: Int
        /// The solve (objective and bound in mean per-token seconds).
        var solve: SolveSummary
        @Nullable var meanPerTokenSeconds: Double?
        /// CG-BP (|R| = 10) + shortest path above the MILP's value, relative.
        @Nullable var cgbpGapToMilp: Double?
    }

    static let repeats = 21
    static let petalsRepeats = 3
    static let requests = 100
    static let arrivalRate = 0.5

    var fleets: [Fleet]
    var milp: MILP

    /// The paper's large testbed (5 A100s + 21 MIG slices), then fleets of 100, 250 and 1,000 servers
    /// with one A100 in five, all on the clustered network; the MILP within `timeLimit` seconds on `solver`.
    static func measure(timeLimit: Double, progress: ProgressReporter, solver: any LinearSolver) throws -> GeoBenchmark {
        let sizes = [(5, 21), (20, 80), (50, 200), (200, 800)]
        var fleets: [Fleet] = []
        for (a100s, migs) in sizes {
            progress.say("CG-BP + WS-RR (\(repeats) runs) and PETALS (\(petalsRepeats)) on \(a100s + migs) servers, \(requests) requests")
            fleets.append(try fleet(a100s: a100s, migs: migs))
        }
        progress.say("the MILP on 9 servers and 10 requests (limit \(Int(timeLimit)) s)")
        let instance = GeoCalibration.clusteredTestbed(a100s: 2, migs: 7)
        let result = try GeoMILP.solve(instance: instance, requestClients: Array(repeating: 0, count: 10), timeLimit: timeLimit, solver: solver)
        return GeoBenchmark(fleets: fleets, milp: MILP(
            servers: 9, requests: 10, solve: result.solve, meanPerTokenSeconds: result.meanPerTokenSeconds,
            cgbpGapToMilp: result.cgbpGapToMilp))
    }

    private static func fleet(a100s: Int, migs: Int) throws -> Fleet {
        let instance = GeoCalibration.clusteredTestbed(a100s: a100s, migs: migs)
        let planned = GeoPlanning.plannedRequests(instance: instance, arrivalRate: arrivalRate)
        let config = GeoOnlineConfig(requests: requests, arrivalRate: arrivalRate, seed: 1)
        func sorted(_ runs: Int, _ body: () throws -> Double) rethrows -> [Double] {
            try (0..<runs).map { _ in try body() }.sorted()
        }
        let placement = try sorted(repeats) {
            try Stopwatch.time { try CGBP.place(instance: instance, plannedRequests: planned) }.1
        }
        let proposed = try sorted(repeats) {
            try GeoOnlineSimulation.run(instance: instance, config: config) {
                try WSRRRouter(instance: instance, plannedRequests: planned)
            }.wallSeconds
        }
        let petals = sorted(petalsRepeats) {
            GeoOnlineSimulation.run(instance: instance, config: config) { PetalsGeoRouter(instance: instance, seed: 1) }.wallSeconds
        }
        return Fleet(servers: a100s + migs, a100s: a100s, plannedRequests: planned, placementSeconds: placement[repeats / 2],
                     proposedSeconds: proposed[repeats / 2], proposedFastestSeconds: proposed[0], petalsSeconds: petals[petalsRepeats / 2])
    }

    func render() -> String {
        var table = TextTable(["servers", "A100s", "|R|", "CG-BP ms", "CG-BP + WS-RR ms", "fastest ms", "PETALS ms"])
        for fleet in fleets {
            table.add([
                "\(fleet.servers)", "\(fleet.a100s)", "\(fleet.plannedRequests)", Format.fixed(fleet.placementSeconds * 1000, 3),
                Format.fixed(fleet.proposedSeconds * 1000, 2), Format.fixed(fleet.proposedFastestSeconds * 1000, 2),
                Format.fixed(fleet.petalsSeconds * 1000, 2),
            ])
        }
        return table.render() + "\n"
            + "placement plus routing of \(Self.requests) requests at \(Self.arrivalRate)/s (clustered network), "
            + "medians of \(Self.repeats) runs (PETALS: \(Self.petalsRepeats))\n\n"
            + "MILP, \(milp.servers) servers and \(milp.requests) requests: \(milp.solve.status.rawValue) in "
            + "\(Format.fixed(milp.solve.solveSeconds, 2)) s, solver gap " + (milp.solve.relativeGap.map { Format.fixed($0 * 100, 3) + " %" } ?? "-")
            + ", mean per-token time " + (milp.meanPerTokenSeconds.map { Format.fixed($0, 4) + " s" } ?? "-")
            + "; CG-BP + shortest path " + (milp.cgbpGapToMilp.map { Format.fixed($0 * 100, 2) + " %" } ?? "-") + " above it"
    }
}
