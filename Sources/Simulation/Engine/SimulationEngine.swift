import Foundation
import Planning
import ServingModel

/// The state of one run: the event loop between the cluster policy (global scheduler) and the
/// replicas' schedulers. A value type run in place: its stored properties are accessed without
/// the dynamic exclusivity checks a class would pay on every access in the hot loop.
///
/// The engine owns the request table, the cluster's queues (held requests, the decode buffer) and
/// the counters of the report; `SimulationEngine+Routing` talks to the policy,
/// `SimulationEngine+Events` to the replica schedulers, `SimulationEngine+Invariants` checks (in
/// debug builds) that the counters agree with what the queues hold.
///
/// The replicas are `ReplicaScheduler`s, and the engine uses nothing of them but that protocol;
/// it names the one conforming type rather than taking a generic parameter because the engine's
/// entry points are generic over the request source and so never specialised: an unspecialised
/// scheduler parameter copies the scheduler on every property read, which made the hot loop about
/// 3× slower when tried. The engines' batching rules (vLLM V1, vLLM V0, Sarathi, single chunk) are
/// therefore one scheduler type whose `BatchingRule` is switched once per iteration.
///
/// ```swift
/// var engine = SimulationEngine(configuration: configuration, policy: RoundRobinRouting(), seed: 1)
/// let report = engine.run(&source)
/// ```
struct SimulationEngine<Policy: ClusterPolicy> {
    /// The replica scheduler of every replica.
    typealias Scheduler = ContinuousBatchingScheduler

    let configuration: SimulationConfiguration
    var policy: Policy
    let seed: UInt64
    var patienceRandom: SeededRandom
    let sampleInterval: Double

    var now = 0.0
    var heap = EventHeap()
    var table = RequestTable()
    var replicas: [Scheduler]
    /// The replicas' iteration-time models, kept apart from the mutable replica state.
    let iterationModels: [any IterationTimeModel]
    var load: ClusterLoad
    /// The next arrival of the source, not yet processed.
    var pendingArrival: Request?
    /// Requests held at the cluster, one FCFS queue per class (abandoned ones removed lazily).
    var heldByClass: [SlotQueue]
    /// Prefilled requests waiting for a decode slot, one FCFS queue per class.
    var decodeBuffer: [SlotQueue]
    var bufferedTotal = 0
    /// KV-cache transfers of a disaggregated fleet (`SimulationEngine+Transfer`).
    var transfers: KVTransfers

    var metrics: [ClassMetrics]
    var overall = ClassMetrics()
    /// Requests arrived and not yet departed (completed, abandoned or rejected).
    var inSystem = 0
    /// Requests not in a batch: queued on a replica, held, buffered for decode, or preempted.
    var waitingTotal = 0
    /// Requests in a batch, or moved to a replica to decode there.
    var runningTotal = 0
    var peakInSystem = 0
    var inSystemArea = 0.0
    var waitingArea = 0.0
    var lastChange = 0.0
    var samples: [QueueSample] = []
    var events = 0
    var iterations = 0
    var rejections: [Rejection] = []
    /// Seconds of the measurement window each replica spent running iterations.
    var busySeconds: [Double]
    var completions: [RequestCompletion] = []

    init(configuration: SimulationConfiguration, policy: Policy, seed: UInt64) {
        self.configuration = configuration
        self.policy = policy
        self.seed = seed
        patienceRandom = SeededRandom(seed: seed).substream(0x7061_7469)
        sampleInterval = configuration.horizon / Double(max(1, configuration.sampleCount))
        replicas = configuration.replicas.map(Scheduler.init)
        iterationModels = configuration.replicas.map(\.iterationModel)
        let replicaCount = configuration.replicas.count
        let classCount = max(1, configuration.classNames.count)
        load = ClusterLoad(
            outstanding: [Int](repeating: 0, count: replicaCount), running: [Int](repeating: 0, count: replicaCount),
            prefilling: [Int](repeating: 0, count: replicaCount), decoding: [Int](repeating: 0, count: replicaCount),
            kvUsed: [Int](repeating: 0, count: replicaCount), kvCapacity: configuration.replicas.map(\.kvCapacityTokens),
            batchSize: configuration.replicas.map(\.batchSize), roles: configuration.replicas.map(\.role),
            held: 0, heldPerClass: [Int](repeating: 0, count: classCount),
            bufferedPerClass: [Int](repeating: 0, count: classCount))
        heldByClass = [SlotQueue](repeating: SlotQueue(), count: classCount)
        decodeBuffer = [SlotQueue](repeating: SlotQueue(), count: classCount)
        metrics = [ClassMetrics](repeating: ClassMetrics(), count: classCount)
        transfers = KVTransfers(configuration: configuration)
        busySeconds = [Double](repeating: 0, count: replicaCount)
    }

    mutating func run(_ source: inout some RequestSource) -> SimulationReport {
        let watch = Stopwatch()
        begin(&source)
        while step(&source) { checkInvariants() }
        checkInvariants(always: true)
        return report(wallSeconds: watch.seconds)
    }

    /// Schedules the first sample and reads the first arrival.
    mutating func begin(_ source: inout some RequestSource) {
        if configuration.sampleCount > 0 { heap.push(time: sampleInterval, kind: .sample, index: 1) }
        pendingArrival = source.next()
    }

    /// Processes the next event (an arrival before the horizon, or the earliest scheduled event);
    /// false when there is none left.
    mutating func step(_ source: inout some RequestSource) -> Bool {
        let arrivalTime = pendingArrival.map { $0.arrivalTime <= configuration.horizon ? $0.arrivalTime : .infinity } ?? .infinity
        let eventTime = heap.nextTime
        if arrivalTime == .infinity && eventTime == .infinity { return false }
        events += 1
        if arrivalTime <= eventTime, let request = pendingArrival {
            advance(to: arrivalTime)
            arrive(request)
            pendingArrival = source.next()
            return true
        }
        guard let event = heap.pop() else { return false }
        advance(to: event.time)
        switch event.kind {
        case .iterationEnd: finishIteration(Int(event.index))
        case .patienceExpired: expire(slot: event.index, generation: event.generation)
        case .transferEnd: finishTransfer(event.index)
        case .sample:
            samples.append(QueueSample(time: now, waiting: waitingTotal, running: runningTotal))
            let next = Int(event.index) + 1
            if next <= configuration.sampleCount {
                heap.push(time: Double(next) * sampleInterval, kind: .sample, index: Int32(next))
            }
        }
        return true
    }

    // MARK: Time

    private mutating func advance(to time: Double) {
        let windowStart = configuration.warmup
        let windowEnd = configuration.horizon
        let from = max(lastChange, windowStart)
        let to = min(time, windowEnd)
        if to > from {
            inSystemArea += Double(inSystem) * (to - from)
            waitingArea += Double(waitingTotal) * (to - from)
        }
        lastChange = time
        now = time
    }

    // MARK: Report

    private func report(wallSeconds: Double) -> SimulationReport {
        let window = configuration.horizon - configuration.warmup
        let names = configuration.classNames.isEmpty ? ["default"] : configuration.classNames
        return SimulationReport(
            seed: seed, policy: policy.name,
            overall: overall.report(name: "overall", window: window, slo: configuration.slo),
            classes: zip(names, metrics).map { $1.report(name: $0, window: window, slo: configuration.slo) },
            meanInSystem: inSystemArea / window, meanWaiting: waitingArea / window,
            arrivalRate: Double(overall.arrived) / window, queueSamples: samples, events: events,
            iterations: iterations, replicaBusyFraction: busySeconds.map { $0 / window },
            rejected: rejections.reduce(0) { $0 + $1.count }, rejections: rejections,
            simulatedSeconds: now, wallSeconds: wallSeconds,
            eventsPerSecond: Double(events) / max(wallSeconds, 1e-9), peakInSystem: peakInSystem,
            completions: configuration.recordsCompletions ? completions : nil,
            transfers: configuration.disaggregation.map {
                transfers.report(
                    decodePolicy: $0.decodePolicy, roles: configuration.replicas.map(\.role),
                    replicaGroups: configuration.replicas.map(\.group))
            })
    }
}
