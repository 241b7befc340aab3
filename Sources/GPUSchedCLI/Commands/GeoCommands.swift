import ArgumentParser
import Foundation
import GeoPlacement
import ServingModel

/// `gpusched plan geo FILE`: CG-BP placement (and the exact MILP on small instances) vs PETALS' placement.
struct GeoPlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "geo",
        abstract: "Place model blocks on geo-distributed servers (CG-BP, PETALS' join rule, the MILP).",
        discussion: """
            |R| (the planned concurrency) is the scenario's plannedRequests, or Little's law plus one \
            standard deviation: min(round(λT̂ + √(λT̂)), R_max), T̂ one request's time alone.

            With milp in the scenario's methods, the exact MILP runs on min(|R|, 10) requests; its \
            'gap' is how far CG-BP (for that many requests) with shortest-path routing is above the \
            MILP's value, 'mipGap' the solver's own gap (0 when proven optimal).

            Example:
              gpusched plan geo examples/geo-clustered.yaml --json
            """
    )

    @Argument(help: "Scenario file (kind: geo).")
    var file: String

    @Option(name: .long, help: "Time limit of the MILP in seconds (when the scenario lists milp).")
    var timeLimit: Double = 60

    @OptionGroup var output: OutputOptions

    @OptionGroup var workLimits: WorkLimitOptions

    func validate() throws {
        guard timeLimit.isFinite, timeLimit > 0, timeLimit <= 86_400 else {
            throw ValidationError("--time-limit must be a number of seconds in (0, 86400], got \(timeLimit)")
        }
    }

    struct Method: Encodable {
        var name: String
        var placement: [Placement]
        var meanPerTokenSeconds: Double?
        /// MILP only: (CG-BP + shortest path − MILP) / MILP on the MILP's requests.
        var gap: Double?
        /// MILP only: the solver's relative gap between its incumbent and its bound (0 when optimal).
        var mipGap: Double?
        /// MILP only: optimal, timeLimitFeasible, ...
        var status: String?
        var runtimeSeconds: Double
    }

    struct Placement: Encodable {
        var server: String
        var firstBlock: Int
        var blockCount: Int
    }

    struct Report: Encodable {
        var plannedRequests: Int
        var perTokenBound: Double?
        var methods: [Method]
    }

    func run() throws {
        let scenario = try ScenarioKinds.loadGeo(path: file, limits: workLimits.limits)
        let instance = scenario.instance
        let planned = GeoPlanning.plannedRequests(scenario)
        func rows(_ placement: BlockPlacement) -> [Placement] {
            placement.ranges.enumerated().compactMap { j, range in
                range.map { Placement(server: instance.servers[j].name, firstBlock: $0.firstBlock, blockCount: $0.blockCount) }
            }
        }
        var methods: [Method] = []
        let start = ContinuousClock.now
        let cgbp: CGBPResult
        do {
            cgbp = try CGBP.place(instance: instance, plannedRequests: planned)
        } catch {
            throw InputError("CG-BP cannot place the model for |R| = \(planned): \(error)")
        }
        let cgbpSeconds = (ContinuousClock.now - start).inSeconds
        let cgbpPerToken = GeoPlanning.meanPerTokenSeconds(instance: instance, placement: cgbp.placement)
        methods.append(Method(name: "cg-bp", placement: rows(cgbp.placement), meanPerTokenSeconds: cgbpPerToken,
                              runtimeSeconds: cgbpSeconds))
        let petalsStart = ContinuousClock.now
        let petals = PetalsPlacement.joinPlacement(instance: instance, seed: scenario.seed)
        methods.append(Method(
            name: "petals", placement: rows(petals),
            meanPerTokenSeconds: GeoPlanning.meanPerTokenSeconds(instance: instance, placement: petals),
            runtimeSeconds: (ContinuousClock.now - petalsStart).inSeconds))
        if scenario.methods.contains("milp") {
            let requests = (0..<min(planned, GeoMILP.maxRequests)).map { $0 % instance.clients.count }
            let milp: GeoMILP.Result
            do {
                milp = try GeoMILP.solve(instance: instance, requestClients: requests, timeLimit: timeLimit)
            } catch let error as GeoPlanningError {
                throw InputError(error.message)
            }
            let gap = milp.heuristicGap
            methods.append(Method(
                name: "milp", placement: rows(milp.placement), meanPerTokenSeconds: milp.meanPerTokenSeconds, gap: gap,
                mipGap: milp.relativeGap, status: milp.status, runtimeSeconds: milp.solveSeconds))
            if !output.json {
                print("MILP on \(requests.count) requests: \(milp.status), solver gap "
                    + (milp.relativeGap.map { Format.fixed($0 * 100, 3) + " %" } ?? "-") + "; CG-BP (|R| = \(requests.count)) + shortest path "
                    + (gap.map { "is \(Format.fixed($0 * 100, 2)) % above it" } ?? "has no placement with every server holding a block"))
            }
        }
        let report = Report(plannedRequests: planned, perTokenBound: cgbp.perTokenBound, methods: methods)
        if output.json {
            try JSONOutput.print(report, kind: "plan-geo")
            return
        }
        print("|R| = \(planned); Theorem 2 bound on CG-BP's per-token time: \(Format.fixed(cgbp.perTokenBound, 4)) s")
        for method in methods {
            print("")
            print("\(method.name): mean per-token time (no contention) \(method.meanPerTokenSeconds.map { Format.fixed($0, 4) } ?? "-") s, "
                + "runtime \(Format.fixed(method.runtimeSeconds * 1000, 2)) ms")
            var table = TextTable(["server", "first block", "blocks"])
            for row in method.placement { table.add([row.server, "\(row.firstBlock)", "\(row.blockCount)"]) }
            print(table.render())
        }
    }
}

/// `gpusched simulate geo FILE`: the online simulation of CG-BP + WS-RR and PETALS on the same arrivals.
struct GeoSimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "geo",
        abstract: "Simulate CG-BP + WS-RR and PETALS on the same arrivals and RTTs, with and without allocation delays.",
        discussion: """
            Example:
              gpusched simulate geo examples/geo-clustered.yaml --json
            """
    )

    @Argument(help: "Scenario file (kind: geo).")
    var file: String

    @OptionGroup var output: OutputOptions

    @OptionGroup var workLimits: WorkLimitOptions

    struct Row: Encodable {
        var name: String
        var allocationDelaySeconds: Double
        var meanPerTokenSeconds: Double
        var meanTTFT: Double
        var meanWait: Double
        var runtimeSeconds: Double
        var completed: Int
    }

    func run() throws {
        let scenario = try ScenarioKinds.loadGeo(path: file, limits: workLimits.limits)
        let instance = scenario.instance
        let planned = GeoPlanning.plannedRequests(scenario)
        var rows: [Row] = []
        // The paper's scripts add 60 s (proposed) and 250–350 s (PETALS, 300 here) per request; show both.
        let delays = [(0.0, 0.0), scenario.allocationDelays == (0, 0) ? (60.0, 300.0) : scenario.allocationDelays]
        for (proposedDelay, petalsDelay) in delays {
            for method in scenario.methods where method != "milp" {
                let delay = method == "petals" ? petalsDelay : proposedDelay
                let config = GeoOnlineConfig(requests: scenario.requests, arrivalRate: scenario.arrivalRate, seed: scenario.seed, allocationDelay: delay)
                let result: GeoOnlineResult
                if method == "petals" {
                    result = GeoOnlineSimulation.run(instance: instance, config: config) { PetalsGeoRouter(instance: instance, seed: scenario.seed) }
                } else {
                    do {
                        result = try GeoOnlineSimulation.run(instance: instance, config: config) {
                            try WSRRRouter(instance: instance, plannedRequests: planned)
                        }
                    } catch {
                        throw InputError("CG-BP cannot place the model for |R| = \(planned): \(error)")
                    }
                }
                rows.append(Row(
                    name: method, allocationDelaySeconds: delay, meanPerTokenSeconds: result.meanPerTokenSeconds,
                    meanTTFT: result.meanTTFT, meanWait: result.meanWait, runtimeSeconds: result.runtimeSeconds,
                    completed: result.completed))
            }
        }
        if output.json {
            try JSONOutput.print(GeoSimulationReport(methods: rows), kind: "simulate-geo")
            return
        }
        print("\(scenario.requests) requests at \(scenario.arrivalRate)/s, seed \(scenario.seed), |R| = \(planned)")
        var table = TextTable(["method", "alloc. delay s", "per-token s", "TTFT s", "wait s", "runtime ms", "completed"])
        for row in rows {
            table.add([
                row.name, Format.fixed(row.allocationDelaySeconds, 0), Format.fixed(row.meanPerTokenSeconds, 3),
                Format.fixed(row.meanTTFT, 2), Format.fixed(row.meanWait, 2), Format.fixed(row.runtimeSeconds * 1000, 2),
                "\(row.completed)",
            ])
        }
        print(table.render())
    }
}

/// `simulate geo --json`: one row per method and allocation delay.
struct GeoSimulationReport: Encodable {
    var methods: [GeoSimulateCommand.Row]
}

/// Shared planning helpers for the geo verbs.
enum GeoPlanning {
    /// |R|: the scenario's value, or min(round(λT̂ + √(λT̂)), R_max) with T̂ from CG-BP at |R| = 1 and
    /// R_max = ⌊(ΣM − s_m(L + |V_s|)) / (s_c(L + |V_s|))⌋ (the paper's feasibility bound).
    static func plannedRequests(_ scenario: GeoScenario) -> Int {
        scenario.plannedRequests ?? plannedRequests(instance: scenario.instance, arrivalRate: scenario.arrivalRate)
    }

    /// The |R| rule alone: min(round(λT̂ + √(λT̂)), R_max) for arrival rate λ.
    static func plannedRequests(instance: GeoInstance, arrivalRate: Double) -> Int {
        let model = instance.model
        let servers = Double(instance.servers.count)
        let total = instance.servers.reduce(0) { $0 + $1.memoryBytes }
        let bound = ((total - model.blockBytes * (Double(model.blocks) + servers))
            / (model.cacheSlotBytes * (Double(model.blocks) + servers))).rounded(.down)
        // The reader caps |R| at 1,000,000; the bound is clamped there before it becomes an Int.
        let maxRequests = bound >= 1 ? Int(min(bound, 1_000_000)) : 1
        guard let single = try? CGBP.place(instance: instance, plannedRequests: 1),
              let path = CGBPRouting.route(instance: instance, placement: single.placement, client: 0) else { return 1 }
        return WSRRRouter.plannedRequests(arrivalRate: arrivalRate, singleRequestSeconds: path.cost, max: maxRequests)
    }

    /// Mean over clients of the per-token time Σ(t_cj + τ_j k) on the shortest path of `placement`.
    static func meanPerTokenSeconds(instance: GeoInstance, placement: BlockPlacement) -> Double? {
        var total = 0.0
        for client in instance.clients.indices {
            guard let path = CGBPRouting.route(instance: instance, placement: placement, client: client) else { return nil }
            total += instance.perTokenSeconds(client: client, hops: path.hops)
        }
        return total / Double(instance.clients.count)
    }
}
