import Planning
import ServingModel

/// The online evaluation of a geo placement: `GeoOnlineSimulation` of the method that serves it (WS-RR
/// over CG-BP's or the MILP's placement, PETALS' router over PETALS') on the same Poisson arrivals per
/// seed, once per allocation-delay setting.
/// ```
/// let evaluator = GeoEvaluator(scenario)                       // no delays, then the compared delays
/// let evaluation = try evaluator.evaluate(planned.plan, named: "plan", seeds: [1], progress: .silent)
/// evaluation.runs[0].meanPerTokenSeconds.mean
/// ```
public struct GeoEvaluator: Evaluator, Sendable {
    public var instance: GeoInstance
    /// Requests per seed.
    public var requests: Int
    /// λ, Poisson arrivals per second.
    public var arrivalRate: Double
    /// The settings every candidate runs with, in order (one `GeoSimulationRun` each).
    public var delaySettings: [GeoAllocationDelays]

    public init(instance: GeoInstance, requests: Int, arrivalRate: Double, delaySettings: [GeoAllocationDelays]) {
        self.instance = instance
        self.requests = requests
        self.arrivalRate = arrivalRate
        self.delaySettings = delaySettings
    }

    /// The scenario's workload, without allocation delays and then with `scenario.comparedAllocationDelays`.
    public init(_ scenario: GeoScenario) {
        self.init(
            instance: scenario.instance, requests: scenario.requests, arrivalRate: scenario.arrivalRate,
            delaySettings: [.none, scenario.comparedAllocationDelays])
    }

    /// Simulates `candidate` on every seed under every delay setting; `name` labels the progress lines.
    public func evaluate(_ candidate: GeoPlan, named name: String, seeds: [UInt64], progress: ProgressReporter) -> GeoEvaluation {
        let method = candidate.method.online
        let runs = delaySettings.map { delays in
            let delay = delays.delay(for: method)
            let results = SeedRuns.map(seeds, progress: progress, label: "\(name), allocation delay \(delay) s") { seed in
                simulate(candidate, seed: seed, allocationDelay: delay)
            }
            return GeoSimulationRun(allocationDelaySeconds: delay, results: results)
        }
        return GeoEvaluation(method: method, runs: runs)
    }

    /// One simulation of `candidate`'s placement with its online method.
    func simulate(_ candidate: GeoPlan, seed: UInt64, allocationDelay: Double) -> GeoOnlineResult {
        let config = GeoOnlineConfig(requests: requests, arrivalRate: arrivalRate, seed: seed, allocationDelay: allocationDelay)
        switch candidate.method {
        case .cgbp, .milp:
            return GeoOnlineSimulation.run(instance: instance, config: config) { WSRRRouter(instance: instance, placement: candidate.blocks) }
        case .petals:
            return GeoOnlineSimulation.run(instance: instance, config: config) { PetalsGeoRouter(instance: instance, placement: candidate.blocks) }
        }
    }

    /// Refuses (bad input) evaluating `candidates` placements on `seeds` seeds when the routing steps
    /// exceed `limits` (the scenario reader's estimate per run, `GeoScenario.routingSteps`, times the runs).
    public func checkWork(candidates: Int, seeds: Int, limits: WorkLimits) throws(PlanningError) {
        let runs = candidates * delaySettings.count * seeds
        let steps = GeoScenario.routingSteps(requests: requests, runs: runs, servers: instance.servers.count)
        do {
            try limits.check(
                requests: steps, what: "routing steps (requests × requests in flight, up to requests / 2, × \(runs) runs "
                    + "(\(candidates) methods × \(delaySettings.count) delay settings × \(seeds) seeds) × \(instance.servers.count) servers)",
                at: "workload.requests")
        } catch {
            throw PlanningError(.badInput, lines: error.issues.map(\.description))
        }
    }
}

/// What the online simulation found for one placement: one run per allocation-delay setting.
public struct GeoEvaluation: Sendable, Encodable {
    /// The online method simulated (`milp`: the MILP's placement served by WS-RR).
    public var method: GeoMethod
    public var runs: [GeoSimulationRun]
}

/// One method under one allocation delay, summarised over seeds (means over completed requests per seed).
public struct GeoSimulationRun: Sendable, Encodable {
    /// The constant every request also spent, seconds.
    public var allocationDelaySeconds: Double
    /// (completion − arrival) / l, seconds per output token.
    public var meanPerTokenSeconds: Estimate
    /// Time to first token: wait + initial delay + allocation delay + the prompt's hops.
    public var meanTTFTSeconds: Estimate
    /// Wait before starting.
    public var meanWaitSeconds: Estimate
    /// Requests routed, summed over seeds.
    public var completed: Int
    /// Wall-clock seconds of the simulations (building the router over the placement, then routing and
    /// releasing), summed over seeds; the placement's own time is the plan's `solve.wallSeconds`.
    public var wallSeconds: Double

    init(allocationDelaySeconds: Double, results: [GeoOnlineResult]) {
        self.allocationDelaySeconds = allocationDelaySeconds
        meanPerTokenSeconds = SeedRuns.estimate(results, \.meanPerTokenSeconds)
        meanTTFTSeconds = SeedRuns.estimate(results, \.meanTTFTSeconds)
        meanWaitSeconds = SeedRuns.estimate(results, \.meanWaitSeconds)
        completed = results.reduce(0) { $0 + $1.completed }
        wallSeconds = results.reduce(0) { $0 + $1.wallSeconds }
    }
}
