import Foundation
import Planning
import ServingModel
import Simulation

/// The simulator benchmark: token-level batching of Llama-3.1-8B on H100 replicas (B = 64,
/// C = 512), Poisson arrivals at about 70% of capacity, chat-like lengths; iteration times from the
/// roofline model (about a dozen operations per iteration) or from a fitted law (one formula), so
/// the engine's own speed and the cost of the roofline show separately. Each run is repeated; the
/// figures are those of the median run, with the range over the repeats beside them. One run uses
/// one core, so its events per second are per core.
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
    /// The median repeat's wall time.
    var wallSeconds: Double
    /// The median repeat's events per wall-clock second.
    var eventsPerSecond: Double
    /// Simulated requests per wall-clock second (median repeat).
    var requestsPerSecond: Double
    var peakInSystem: Int
    var repeats: Int
    var wallSecondsSpread: BenchmarkSpread
    var eventsPerSecondSpread: BenchmarkSpread
    /// Events per CPU second of the simulating thread: per core, whatever else the machine runs.
    var eventsPerCPUSecondSpread: BenchmarkSpread

    /// Requests per second one replica sustains at about 70% load in this set-up.
    static let ratePerReplica = 8.0
    /// Most replicas (`--replicas`), as in a scenario's fleet.
    static let maxReplicas = 100_000

    /// The work of one repeat of the benchmark: `requests` arrivals once per iteration-time model,
    /// plus the seeds-in-parallel runs (`SeedParallelism`), least-outstanding. Repeats run the same
    /// work again one after another (memory does not add up), so the limits apply per repeat.
    static func work(requests: Int, replicas: Int) -> SimulationWork {
        let parallel = SeedParallelism.requestsPerSeed(requests) * SeedParallelism.seedCount * 2
        return SimulationWork(
            requestsPerRun: Double(requests) + Double(parallel) / Double(IterationModelKind.allCases.count),
            runs: IterationModelKind.allCases.count, replicas: replicas, policy: .leastOutstanding,
            counted: "--requests × \(IterationModelKind.allCases.count) iteration-time models + the seeds-in-parallel runs, per repeat")
    }

    /// The replicas and Poisson chat class of the benchmark for `count` replicas and `requests` arrivals.
    static func setUp(
        requests: Int, replicas count: Int, iterationModel kind: IterationModelKind
    ) throws -> (configuration: SimulationConfiguration, chat: RequestClass, horizon: Double) {
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
        // The scheduler `kind: simulate` runs by default: vLLM V1's, 16-token blocks, 1% watermark.
        let replicas = (0..<count).map {
            ReplicaConfiguration(
                name: "H100 #\($0)", iterationModel: iterationModel, batchSize: 64, chunkSize: 512, kvCapacityTokens: capacity,
                scheduler: .vllmV1, blockSize: 16, watermark: 0.01)
        }
        let rate = ratePerReplica * Double(count)
        let horizon = Double(requests) / rate
        let chat = RequestClass(
            name: "chat", arrivals: .poisson(rate: rate), promptTokens: .lognormal(mean: 600, sd: 300),
            outputTokens: .exponential(mean: 200))
        let configuration = SimulationConfiguration(
            replicas: replicas, classNames: ["chat"], horizon: horizon, warmup: 0, sampleCount: 100)
        return (configuration, chat, horizon)
    }

    static func measure(
        requests: Int, replicas count: Int, iterationModel kind: IterationModelKind, repeats: Int
    ) throws -> SimulatorBenchmark {
        let (configuration, chat, horizon) = try setUp(requests: requests, replicas: count, iterationModel: kind)
        var reports: [SimulationReport] = []
        var eventsPerCPUSecond: [Double] = []
        for _ in 0..<max(1, repeats) {
            var source = SyntheticWorkload(classes: [chat], horizon: horizon, seed: 1)
            let cpuBefore = BenchmarkCPUTime.threadSeconds()
            let report = RoutingPolicyName.leastOutstanding.simulate(configuration, source: &source, seed: 1)
            eventsPerCPUSecond.append(Double(report.events) / max(BenchmarkCPUTime.threadSeconds() - cpuBefore, 1e-9))
            reports.append(report)
        }
        let byWall = reports.sorted { $0.wallSeconds < $1.wallSeconds }
        let report = byWall[byWall.count / 2]
        return SimulatorBenchmark(
            description: "llama-3.1-8b on \(count) x H100-80GB (\(kind.rawValue), vllm-v1, B=64, C=512), Poisson "
                + "\(Format.fixed(ratePerReplica * Double(count), 0)) req/s, "
                + "prompt lognormal(600, 300), output exponential(200), least-outstanding",
            requests: report.overall.arrived, completed: report.overall.completed, replicas: count, events: report.events,
            iterations: report.iterations, simulatedSeconds: report.simulatedSeconds, wallSeconds: report.wallSeconds,
            eventsPerSecond: report.eventsPerSecond,
            requestsPerSecond: Double(report.overall.arrived) / max(report.wallSeconds, 1e-9),
            peakInSystem: report.peakInSystem, repeats: reports.count,
            wallSecondsSpread: BenchmarkSpread(reports.map(\.wallSeconds)),
            eventsPerSecondSpread: BenchmarkSpread(reports.map(\.eventsPerSecond)),
            eventsPerCPUSecondSpread: BenchmarkSpread(eventsPerCPUSecond))
    }
}

/// Independent seeds one at a time against all at once (`SeedRuns.map` with `jobs` 1 and the
/// active processor count): wall times, the speed-up, and whether the results are identical.
struct SeedParallelism: Encodable {
    var description: String
    var seeds: Int
    var requestsPerSeed: Int
    /// `ProcessInfo.activeProcessorCount` on the machine that ran it.
    var activeProcessors: Int
    /// Seeds run at once in the parallel case.
    var jobs: Int
    var repeats: Int
    var sequentialSeconds: BenchmarkSpread
    var parallelSeconds: BenchmarkSpread
    /// CPU seconds of the whole process (every thread) in each case: equal work, so a speed-up
    /// below `jobs` with equal CPU time means the cores were busy with other processes.
    var sequentialCPUSeconds: BenchmarkSpread
    var parallelCPUSeconds: BenchmarkSpread
    /// Median sequential over median parallel wall time.
    var speedup: Double
    /// Every parallel run's reports equal the sequential ones bit for bit (wall times left out).
    var identical: Bool

    static let seedCount = 8
    static let replicas = 8

    /// Requests per seed for a benchmark of `requests`: a fortieth of them (25,000 at the default).
    static func requestsPerSeed(_ requests: Int) -> Int { max(1, requests / 40) }

    static func measure(requests: Int, repeats: Int) throws -> SeedParallelism {
        let perSeed = requestsPerSeed(requests)
        let (configuration, chat, horizon) = try SimulatorBenchmark.setUp(
            requests: perSeed, replicas: replicas, iterationModel: .roofline)
        let seeds = SeedRuns.consecutive(from: 1, count: seedCount)
        let jobs = max(1, ProcessInfo.processInfo.activeProcessorCount)
        func run(jobs: Int) throws -> (seconds: Double, cpu: Double, reports: String) {
            let watch = Stopwatch(), cpuBefore = BenchmarkCPUTime.processSeconds()
            let reports = SeedRuns.map(seeds, jobs: jobs) { seed in
                var source = SyntheticWorkload(classes: [chat], horizon: horizon, seed: seed)
                return RoutingPolicyName.leastOutstanding.simulate(configuration, source: &source, seed: seed)
            }
            let seconds = watch.seconds, cpu = BenchmarkCPUTime.processSeconds() - cpuBefore
            return (seconds, cpu, try fingerprint(reports))
        }
        var sequential: [Double] = [], parallel: [Double] = [], sequentialCPU: [Double] = [], parallelCPU: [Double] = []
        var identical = true
        for _ in 0..<max(1, repeats) {
            let one = try run(jobs: 1), all = try run(jobs: jobs)
            sequential.append(one.seconds)
            parallel.append(all.seconds)
            sequentialCPU.append(one.cpu)
            parallelCPU.append(all.cpu)
            identical = identical && one.reports == all.reports
        }
        let sequentialSpread = BenchmarkSpread(sequential), parallelSpread = BenchmarkSpread(parallel)
        return SeedParallelism(
            description: "\(seedCount) seeds of \(perSeed) requests, llama-3.1-8b on \(replicas) x H100-80GB (roofline, vllm-v1), "
                + "jobs 1 against jobs \(jobs)",
            seeds: seedCount, requestsPerSeed: perSeed, activeProcessors: jobs, jobs: jobs, repeats: sequential.count,
            sequentialSeconds: sequentialSpread, parallelSeconds: parallelSpread,
            sequentialCPUSeconds: BenchmarkSpread(sequentialCPU), parallelCPUSeconds: BenchmarkSpread(parallelCPU),
            speedup: sequentialSpread.median / max(parallelSpread.median, 1e-9), identical: identical)
    }

    /// The reports as sorted-key JSON with the wall-clock fields zeroed: equal strings mean equal
    /// results, bit for bit (doubles print in their shortest exact form).
    static func fingerprint(_ reports: [SimulationReport]) throws -> String {
        let timeless = reports.map { report in
            var report = report
            report.wallSeconds = 0
            report.eventsPerSecond = 0
            return report
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(timeless), as: UTF8.self)
    }
}
