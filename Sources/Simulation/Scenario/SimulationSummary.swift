import Planning
import ServingModel

/// The result of a scenario run over several seeds: means across seeds in the same shape as one
/// run (`overall`, `classes`), 95% confidence intervals, and each seed's own figures.
public struct SimulationSummary: Sendable, Codable {
    /// Per-seed facts.
    public struct Run: Sendable, Codable {
        public var seed: UInt64
        public var overall: ClassReport
        public var meanInSystem: Double
        public var arrivalRate: Double
        public var events: Int
        public var iterations: Int
        /// Per replica: the share of the measurement window it spent running iterations.
        public var replicaBusyFraction: [Double]
        public var rejected: Int
        /// The run's rejections by reason (warm-up included).
        public var rejections: [Rejection]
        public var peakInSystem: Int
        public var simulatedSeconds: Double
        public var wallSeconds: Double
        public var eventsPerSecond: Double
        public var queueSamples: [QueueSample]
        /// The run's KV-cache transfers (a disaggregated fleet; null otherwise).
        @Nullable public var transfers: TransferReport?
    }

    public var policy: String
    public var seeds: [UInt64]
    public var replicas: Int
    public var overall: ClassReport
    public var classes: [ClassReport]
    public var overallConfidence: ClassConfidence
    public var classConfidence: [ClassConfidence]
    /// Requests rejected in all runs together (warm-up included), by reason; empty when none were.
    public var rejections: [Rejection]
    /// Events per wall-clock second over all runs.
    public var eventsPerSecond: Double
    /// KV-cache transfers of a disaggregated fleet, each figure the mean over seeds; null otherwise.
    @Nullable public var transfers: TransferReport?
    /// Per replica (the scenario's order): how busy it was across seeds.
    public var replicaUtilization: [ReplicaUtilization]
    public var runs: [Run]

    /// Folds seeded reports of a fleet of `replicas` into a summary.
    public init(reports: [SimulationReport], replicas: [ReplicaConfiguration]) {
        precondition(!reports.isEmpty)
        policy = reports[0].policy
        seeds = reports.map(\.seed)
        self.replicas = replicas.count
        replicaUtilization = replicas.enumerated().map { index, replica in
            ReplicaUtilization(
                replica: index, role: replica.role, gpu: replica.gpu,
                busyFraction: Estimate(reports.map { $0.replicaBusyFraction[index] }))
        }
        let overallAggregate = ClassAggregate(reports.map(\.overall))
        overall = overallAggregate.summary
        overallConfidence = overallAggregate.confidence
        let classAggregates = reports[0].classes.indices.map { index in ClassAggregate(reports.map { $0.classes[index] }) }
        classes = classAggregates.map(\.summary)
        classConfidence = classAggregates.map(\.confidence)
        let events = reports.reduce(0) { $0 + $1.events }
        let wall = reports.reduce(0) { $0 + $1.wallSeconds }
        eventsPerSecond = Double(events) / max(wall, 1e-9)
        rejections = Rejection.merged(reports.flatMap(\.rejections))
        transfers = TransferReport.mean(reports.compactMap(\.transfers))
        runs = reports.map {
            Run(seed: $0.seed, overall: $0.overall, meanInSystem: $0.meanInSystem, arrivalRate: $0.arrivalRate,
                events: $0.events, iterations: $0.iterations, replicaBusyFraction: $0.replicaBusyFraction,
                rejected: $0.rejected, rejections: $0.rejections,
                peakInSystem: $0.peakInSystem,
                simulatedSeconds: $0.simulatedSeconds, wallSeconds: $0.wallSeconds,
                eventsPerSecond: $0.eventsPerSecond, queueSamples: $0.queueSamples, transfers: $0.transfers)
        }
    }
}

/// How busy one replica was: the share of the measurement window [warm-up, horizon] it spent
/// running iterations, an estimate across seeds.
public struct ReplicaUtilization: Sendable, Codable {
    /// Index in the fleet (the scenario's `replicas:` groups expanded in order).
    public var replica: Int
    public var role: ReplicaRole
    /// Its GPU type; null where the fleet names none.
    @Nullable public var gpu: String?
    public var busyFraction: Estimate
}

extension SimulateScenario {
    /// Runs every seed, at most `jobs` at once on separate cores (`SeedRuns.map`), and folds the
    /// results in seed order; `progress` hears about each seed. The summary is the same, bit for
    /// bit, whatever `jobs` (only the runs' wall times differ).
    public func run(progress: ProgressReporter = .silent, jobs: Int = SeedRuns.defaultJobs) -> SimulationSummary {
        let (configuration, workload, horizon, policy) = (configuration, workload, horizon, policy)
        progress.say("simulating \(replicas.count) replicas to t=\(horizon) s")
        let reports = SeedRuns.map(seeds, jobs: jobs, progress: progress, label: "simulate") { seed in
            var source = workload.source(horizon: horizon, seed: seed)
            return policy.simulate(configuration, source: &source, seed: seed)
        }
        return SimulationSummary(reports: reports, replicas: replicas)
    }
}
