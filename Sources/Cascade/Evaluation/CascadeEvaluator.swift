import Planning
import ServingModel

/// Evaluates cascades in the simulator on the same workload and seeds: percentiles, SLO attainment
/// over SLO scales, and the highest rate sustained at 95 % attainment.
public struct CascadeEvaluator: Sendable {
    /// The quality sample requests are drawn from.
    public var samples: QualitySamples
    /// Hardware and engine limits.
    public var engine: CascadeEngine
    /// Arrival rate of the percentile and attainment figures.
    public var rate: Double
    /// The p95 SLO (seconds) that scales multiply.
    public var slo: Double
    /// SLO scales of the attainment figures.
    public var scales: [Double]
    /// Seeds; each run draws its own arrivals and requests, the same for every cascade.
    public var seeds: [UInt64]
    /// Requests per run, warm-up, judge latency.
    public var settings: CascadeSimulationSettings
    /// Whether `evaluate` also searches the sustainable rate (`simulate cascade`).
    public var searchesRate: Bool

    /// Default SLO scales.
    public static let defaultScales = [0.5, 0.75, 1, 1.5, 2, 3]

    /// An evaluator; see the properties.
    public init(
        samples: QualitySamples, engine: CascadeEngine, rate: Double, slo: Double,
        scales: [Double] = CascadeEvaluator.defaultScales, seeds: [UInt64], settings: CascadeSimulationSettings,
        searchesRate: Bool = false
    ) {
        self.samples = samples
        self.engine = engine
        self.rate = rate
        self.slo = slo
        self.scales = scales
        self.seeds = seeds
        self.settings = settings
        self.searchesRate = searchesRate
    }

    /// The evaluation of `scenario`: its sample, engine, arrival rate, SLO and simulation settings, on `seeds`.
    /// ```
    /// let evaluator = CascadeEvaluator(scenario: scenario, seeds: scenario.seeds, searchesRate: true)
    /// ```
    public init(scenario: CascadeScenario, seeds: [UInt64], searchesRate: Bool = false) {
        self.init(
            samples: scenario.problem.samples, engine: scenario.problem.engine, rate: scenario.problem.arrivalRate,
            slo: scenario.slo, seeds: seeds, settings: scenario.settings, searchesRate: searchesRate)
    }

    /// Requests simulated for five cascades (the plan and four baselines): per seed one run at the
    /// rate, or 19 with the rate search; a run has at least `settings.requests` and spans ten SLOs.
    public var simulatedRequests: Double {
        let withSearch = CascadeWorkEstimate.simulatedRequests(seeds: seeds.count, requests: settings.requests, rate: rate, slo: slo)
        return searchesRate ? withSearch : withSearch / 19
    }

    /// Throws when `simulatedRequests` exceed `limits`; `path` names the flag that drives it.
    public func check(_ limits: WorkLimits, at path: String) throws(ScenarioError) {
        try limits.check(
            requests: simulatedRequests,
            what: "simulated requests (seeds × 5 cascades × \(searchesRate ? "19 runs" : "1 run") × requests per run, "
                + "a run spanning ten SLOs)",
            at: path)
    }

    /// Latencies of every seed's measured requests at `rate`, pooled and sorted. A run has at least
    /// `settings.requests` arrivals and enough to span ten SLOs, so that a high rate is measured in
    /// steady state rather than as one burst the batches absorb.
    public func latencies(_ cascade: CascadeConfiguration, rate: Double) -> [Double] {
        var run = settings
        run.requests = max(settings.requests, Int((rate * 10 * slo).rounded(.up)))
        return SeedRuns.map(seeds) { [run] in CascadeSimulator.run(cascade, samples: samples, rate: rate, engine: engine, settings: run, seed: $0) }
            .flatMap { $0 }.sorted()
    }

    /// Percentiles and attainment at the evaluator's rate; the sustainable rate when `searchRate`.
    public func metrics(_ cascade: CascadeConfiguration, searchRate: Bool) -> LatencyMetrics {
        let sorted = latencies(cascade, rate: rate)
        return LatencyMetrics(
            p95: LatencyMetrics.quantile(sorted, 0.95), p99: LatencyMetrics.quantile(sorted, 0.99),
            attainment: scales.map { LatencyMetrics.attainment(sorted, within: $0 * slo) },
            sustainableRate: searchRate ? sustainableRate(cascade) : nil)
    }

    /// The highest rate at which at least 95 % of requests finish within the SLO: doubling or
    /// halving from the evaluator's rate to bracket it, then 7 bisection steps (under 1 % of the
    /// bracket). 0 when even 1/1000 of the rate fails.
    public func sustainableRate(_ cascade: CascadeConfiguration) -> Double {
        func meets(_ rate: Double) -> Bool {
            LatencyMetrics.attainment(latencies(cascade, rate: rate), within: slo) >= 0.95
        }
        var low = rate, high = rate
        if meets(rate) {
            high = rate * 2
            while meets(high) && high < rate * 1024 {
                low = high
                high *= 2
            }
        } else {
            low = rate / 2
            while !meets(low) {
                high = low
                low /= 2
                if low < rate / 1000 { return 0 }
            }
        }
        for _ in 0..<7 {
            let middle = (low + high) / 2
            if meets(middle) { low = middle } else { high = middle }
        }
        return low
    }
}
