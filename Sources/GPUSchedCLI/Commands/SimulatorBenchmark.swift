import ServingModel
import Simulation

/// The simulator benchmark: token-level batching of Llama-3.1-8B on H100 replicas (B = 64,
/// C = 512), Poisson arrivals at about 70% of capacity, chat-like lengths; iteration times from the
/// roofline model (about a dozen operations per iteration) or from a fitted law (one formula), so
/// the engine's own speed and the cost of the roofline show separately.
struct SimulatorBenchmark: Encodable {
    enum IterationModelKind: String, CaseIterable {
        case roofline
        case fittedLaw = "fitted-law"
    }

    var description: String
    var requests: Int
    var completed: Int
    var replicas: Int
    var events: Int
    var iterations: Int
    var simulatedSeconds: Double
    var wallSeconds: Double
    var eventsPerSecond: Double
    /// Simulated requests per wall-clock second.
    var requestsPerSecond: Double
    var peakInSystem: Int

    /// Requests per second one replica sustains at about 70% load in this set-up.
    static let ratePerReplica = 8.0
    /// Most replicas (`--replicas`), as in a scenario's fleet.
    static let maxReplicas = 100_000

    /// The work of the benchmark: `requests` arrivals, once per iteration-time model, least-outstanding.
    static func work(requests: Int, replicas: Int) -> SimulationWork {
        SimulationWork(
            requestsPerRun: Double(requests), runs: IterationModelKind.allCases.count, replicas: replicas,
            policy: .leastOutstanding, counted: "--requests × \(IterationModelKind.allCases.count) iteration-time models")
    }

    static func measure(requests: Int, replicas count: Int, iterationModel kind: IterationModelKind) throws -> SimulatorBenchmark {
        let catalog = Catalog.builtin
        let model = try catalog.requireModel(named: "llama-3.1-8b")
        let gpu = try catalog.requireGPU(named: "H100-80GB")
        let layout = ParallelLayout()
        let capacity = MemoryFit(model: model, gpu: gpu, layout: layout, maxNumSeqs: 64, maxBatchedTokens: 512).kvCapacityTokens
        let iterationModel: any IterationTimeModel
        switch kind {
        case .roofline: iterationModel = RooflineModel(model: model, gpu: gpu, layout: layout)
        // A law close to the roofline's for this replica: 12 ms per iteration plus 45 µs per batched token.
        case .fittedLaw: iterationModel = FittedIterationLaw(c: 0.012, a: 4.5e-5, b0: 0)
        }
        let replicas = (0..<count).map {
            ReplicaConfiguration(
                name: "H100 #\($0)", iterationModel: iterationModel, batchSize: 64, chunkSize: 512, kvCapacityTokens: capacity)
        }
        let rate = ratePerReplica * Double(count)
        let horizon = Double(requests) / rate
        let chat = RequestClass(
            name: "chat", arrivals: .poisson(rate: rate), promptTokens: .lognormal(mean: 600, sd: 300),
            outputTokens: .exponential(mean: 200))
        let configuration = SimulationConfiguration(
            replicas: replicas, classNames: ["chat"], horizon: horizon, warmup: 0, sampleCount: 100)
        var source = SyntheticWorkload(classes: [chat], horizon: horizon, seed: 1)
        let report = RoutingPolicyName.leastOutstanding.simulate(configuration, source: &source, seed: 1)
        return SimulatorBenchmark(
            description: "llama-3.1-8b on \(count) x H100-80GB (\(kind.rawValue), B=64, C=512), Poisson "
                + "\(Format.fixed(rate, 0)) req/s, prompt lognormal(600, 300), output exponential(200), least-outstanding",
            requests: report.overall.arrived, completed: report.overall.completed, replicas: count, events: report.events,
            iterations: report.iterations, simulatedSeconds: report.simulatedSeconds, wallSeconds: report.wallSeconds,
            eventsPerSecond: report.eventsPerSecond,
            requestsPerSecond: Double(report.overall.arrived) / max(report.wallSeconds, 1e-9),
            peakInSystem: report.peakInSystem)
    }
}
