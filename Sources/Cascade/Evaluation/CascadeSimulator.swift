import ServingModel
import Simulation

/// Settings of a cascade simulation.
public struct CascadeSimulationSettings: Sendable, Hashable {
    /// Requests per run (arrivals stop after this many; the system then drains).
    public var requests: Int
    /// Share of the first arrivals served but not measured.
    public var warmupFraction: Double
    /// Seconds a judge call adds after a non-final stage.
    public var judgeLatency: Double

    /// Settings; the defaults measure 1,800 of 2,000 requests.
    public init(requests: Int = 2000, warmupFraction: Double = 0.1, judgeLatency: Double = CascadeProblem.defaultJudgeLatency) {
        self.requests = requests
        self.warmupFraction = warmupFraction
        self.judgeLatency = judgeLatency
    }
}

/// Simulates a cascade on the `Simulation` target's replica model, stage by stage.
///
/// Arrivals are Poisson at the given rate; each draws a request of the quality sample uniformly
/// (prompt, per-model output length and score). Stage 1's replicas (least-outstanding routing,
/// roofline iteration times, the engine's batch and chunk limits, KV capacity from the memory model)
/// serve every arrival; a request whose score there is below the stage's threshold re-enters at
/// stage 2 when its answer is done plus the judge's latency, and so on. Stages share no GPUs and
/// requests only flow forward, so simulating stage k after stage k − 1 (its arrivals being k − 1's
/// departures) is exactly the joint simulation. A request's end-to-end latency runs from its arrival
/// to the answer it returns (plus the judge's latency when that answer came from a non-final stage,
/// which had to be judged before being accepted). Requests a replica cannot hold are dropped and
/// count as missing every SLO (infinite latency).
public enum CascadeSimulator {
    /// End-to-end latencies (seconds) of the measured requests, one per request.
    public static func run(
        _ cascade: CascadeConfiguration, samples: QualitySamples, rate: Double, engine: CascadeEngine,
        settings: CascadeSimulationSettings, seed: UInt64
    ) -> [Double] {
        var random = SeededRandom(seed: seed)
        var time = 0.0
        var arrivals: [Double] = []
        var picks: [Int] = []
        for _ in 0..<settings.requests {
            time += random.exponential(rate: rate)
            arrivals.append(time)
            picks.append(random.integer(in: 0...(samples.requests.count - 1)))
        }
        var done = [Double](repeating: .infinity, count: settings.requests)
        // Entry time at the current stage per request still in the cascade.
        var entering = Array(zip(arrivals.indices, arrivals))
        for (index, stage) in cascade.stages.enumerated() {
            guard !entering.isEmpty else { break }
            entering.sort { $0.1 < $1.1 }
            let requests = entering.enumerated().map { position, entry in
                let sample = samples.requests[picks[entry.0]]
                return Request(
                    id: position, classIndex: 0, arrivalTime: entry.1, promptTokens: sample.promptTokens,
                    outputTokens: sample.outputTokens[stage.sampleColumn])
            }
            let finished = simulateStage(stage, requests: requests, engine: engine, seed: seed &+ UInt64(index))
            var next: [(Int, Double)] = []
            for (position, entry) in entering.enumerated() {
                guard let end = finished[position] else { continue }
                let request = entry.0
                if index == cascade.stages.count - 1 {
                    done[request] = end
                } else if samples.requests[picks[request]].scores[stage.sampleColumn] >= cascade.thresholds[index] {
                    done[request] = end + settings.judgeLatency
                } else {
                    next.append((request, end + settings.judgeLatency))
                }
            }
            entering = next
        }
        let first = Int((Double(settings.requests) * settings.warmupFraction).rounded())
        return (first..<settings.requests).map { done[$0] - arrivals[$0] }
    }

    /// Completion time per position in `requests` (nil for a request the stage dropped).
    static func simulateStage(_ stage: CascadeStage, requests: [Request], engine: CascadeEngine, seed: UInt64) -> [Double?] {
        let fit = MemoryFit(
            model: stage.model, gpu: engine.gpu, layout: stage.layout.layout, memoryUtilization: engine.memoryUtilization,
            maxNumSeqs: engine.batchSize, maxBatchedTokens: engine.chunkSize)
        let replica = ReplicaConfiguration(
            name: "\(stage.model.name) \(stage.layout.layout)",
            iterationModel: RooflineModel(model: stage.model, gpu: engine.gpu, layout: stage.layout.layout),
            batchSize: engine.batchSize, chunkSize: engine.chunkSize, kvCapacityTokens: fit.kvCapacityTokens)
        var configuration = SimulationConfiguration(
            replicas: [ReplicaConfiguration](repeating: replica, count: stage.layout.replicas), classNames: ["cascade"],
            horizon: requests.last!.arrivalTime, sampleCount: 0)
        configuration.recordsCompletions = true
        var source = TraceWorkload(requests: requests)
        let report = Simulator(configuration: configuration, policy: LeastOutstandingRouting(), seed: seed).run(&source)
        var finished = [Double?](repeating: nil, count: requests.count)
        for completion in report.completions ?? [] { finished[completion.id] = completion.time }
        return finished
    }
}
