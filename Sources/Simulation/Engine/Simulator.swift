import Foundation
import ServingModel

/// The discrete-event simulator of an LLM serving cluster.
///
/// Events are arrivals (pulled one at a time from the workload, so memory does not grow with the
/// horizon), iteration ends of replicas, patience expiries and queue-length samples. Replicas run
/// the scheduler of `ReplicaState`; the cluster policy routes arrivals and releases held requests.
/// One run is deterministic for its seed: same inputs, same report (wall-clock fields aside).
///
/// ```swift
/// let report = Simulator(configuration: configuration, policy: LeastOutstandingRouting(), seed: 1).run(&source)
/// ```
public struct Simulator<Policy: ClusterPolicy> {
    private let configuration: SimulationConfiguration
    private let policy: Policy
    private let seed: UInt64

    /// Prepares a run.
    public init(configuration: SimulationConfiguration, policy: Policy, seed: UInt64) {
        precondition(!configuration.replicas.isEmpty, "a simulation needs at least one replica")
        self.configuration = configuration
        self.policy = policy
        self.seed = seed
    }

    /// Runs the workload to its horizon and until every admitted request has left, then reports.
    public func run(_ source: inout some RequestSource) -> SimulationReport {
        var engine = SimulationEngine(configuration: configuration, policy: policy, seed: seed)
        return engine.run(&source)
    }
}

/// The state of one run. A value type run in place: its stored properties are accessed without
/// the dynamic exclusivity checks a class would pay on every access in the hot loop.
struct SimulationEngine<Policy: ClusterPolicy> {
    private let configuration: SimulationConfiguration
    private var policy: Policy
    private let seed: UInt64
    private var patienceRandom: SeededRandom

    private var now = 0.0
    private var heap = EventHeap()
    private var table = RequestTable()
    private var replicas: [ReplicaState]
    /// The replicas' iteration-time models, kept apart from the mutable replica state.
    private let iterationModels: [any IterationTimeModel]
    private var load: ClusterLoad
    /// Requests held at the cluster, one FCFS queue per class (abandoned ones removed lazily).
    private var heldByClass: [SlotQueue]
    /// Prefilled requests waiting for a decode slot, one FCFS queue per class.
    private var decodeBuffer: [SlotQueue]
    private var bufferedTotal = 0

    private var metrics: [ClassMetrics]
    private var overall = ClassMetrics()
    private var inSystem = 0
    private var waitingTotal = 0
    private var runningTotal = 0
    private var peakInSystem = 0
    private var inSystemArea = 0.0
    private var waitingArea = 0.0
    private var lastChange = 0.0
    private var samples: [QueueSample] = []
    private var events = 0
    private var iterations = 0
    private var rejections: [Rejection] = []
    private var nextDecodeEpoch: UInt64 = 0
    private var completions: [RequestCompletion] = []

    init(configuration: SimulationConfiguration, policy: Policy, seed: UInt64) {
        self.configuration = configuration
        self.policy = policy
        self.seed = seed
        patienceRandom = SeededRandom(seed: seed).substream(0x7061_7469)
        replicas = configuration.replicas.map(ReplicaState.init)
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
    }

    mutating func run(_ source: inout some RequestSource) -> SimulationReport {
        let started = ContinuousClock.now
        let sampleInterval = configuration.horizon / Double(max(1, configuration.sampleCount))
        if configuration.sampleCount > 0 { heap.push(time: sampleInterval, kind: .sample, index: 1) }
        var nextArrival = source.next()
        while true {
            let arrivalTime = nextArrival.map { $0.arrivalTime <= configuration.horizon ? $0.arrivalTime : .infinity } ?? .infinity
            let eventTime = heap.nextTime
            if arrivalTime == .infinity && eventTime == .infinity { break }
            events += 1
            if arrivalTime <= eventTime, let request = nextArrival {
                advance(to: arrivalTime)
                arrive(request)
                nextArrival = source.next()
                continue
            }
            guard let event = heap.pop() else { break }
            advance(to: event.time)
            switch event.kind {
            case .iterationEnd: finishIteration(Int(event.index))
            case .patienceExpired: expire(slot: event.index, generation: event.generation)
            case .sample:
                samples.append(QueueSample(time: now, waiting: waitingTotal, running: runningTotal))
                let next = Int(event.index) + 1
                if next <= configuration.sampleCount {
                    heap.push(time: Double(next) * sampleInterval, kind: .sample, index: Int32(next))
                }
            }
        }
        let wall = (ContinuousClock.now - started).inSeconds
        return report(wallSeconds: wall)
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

    // MARK: Arrivals and routing

    private mutating func arrive(_ request: Request) {
        let measured = request.arrivalTime >= configuration.warmup
        // Lengths are clamped to WorkloadBounds.maxTokens (scenario readers refuse longer ones), so
        // prompt + generated always fits the 32-bit counters.
        let prompt = Int32(clamping: min(max(1, request.promptTokens), WorkloadBounds.maxTokens))
        let output = Int32(clamping: min(max(1, request.outputTokens), WorkloadBounds.maxTokens))
        let record = RequestRecord(
            id: request.id, classIndex: Int32(request.classIndex), arrival: request.arrivalTime,
            promptTokens: prompt, outputTokens: output, prefillTarget: prompt, measured: measured)
        let slot = table.insert(record)
        inSystem += 1
        waitingTotal += 1
        peakInSystem = max(peakInSystem, inSystem)
        if measured {
            metrics[request.classIndex].arrived += 1
            overall.arrived += 1
        }
        let classIndex = request.classIndex
        if classIndex < configuration.meanPatience.count, let patience = configuration.meanPatience[classIndex] {
            let deadline = now + patienceRandom.exponential(rate: 1 / patience)
            heap.push(time: deadline, kind: .patienceExpired, index: slot, generation: table.generations[Int(slot)])
        }
        if let replica = policy.route(info(slot), load: load) {
            enqueue(slot, on: replica)
        } else {
            heldByClass[classIndex].append(slot)
            load.held += 1
            load.heldPerClass[classIndex] += 1
        }
    }

    private mutating func enqueue(_ slot: Int32, on replica: Int) {
        table[slot].replica = Int32(replica)
        replicas[replica].waiting.append(slot)
        replicas[replica].waitingCount += 1
        load.outstanding[replica] += 1
        if !replicas[replica].busy { startIteration(replica) }
    }

    private mutating func dispatchHeld() {
        while load.held > 0 {
            let (slots, candidates) = headsOfLine(\.heldByClass)
            guard !candidates.isEmpty, let (choice, replica) = policy.dispatchHeld(candidates, load: load) else { break }
            let slot = slots[choice]
            let classIndex = candidates[choice].classIndex
            heldByClass[classIndex].removeFirst()
            load.held -= 1
            load.heldPerClass[classIndex] -= 1
            enqueue(slot, on: replica)
        }
    }

    private mutating func dispatchDecodes() {
        while bufferedTotal > 0 {
            let (slots, candidates) = headsOfLine(\.decodeBuffer)
            guard !candidates.isEmpty, let (choice, replica) = policy.dispatchDecode(candidates, load: load) else { break }
            let slot = slots[choice]
            let classIndex = candidates[choice].classIndex
            decodeBuffer[classIndex].removeFirst()
            bufferedTotal -= 1
            load.bufferedPerClass[classIndex] -= 1
            waitingTotal -= 1
            runningTotal += 1
            sendToDecode(slot, on: replica)
        }
    }

    /// The head of every non-empty queue (abandoned heads are dropped and their slots freed).
    private mutating func headsOfLine(
        _ queues: WritableKeyPath<SimulationEngine, [SlotQueue]>
    ) -> (slots: [Int32], candidates: [RequestInfo]) {
        var slots: [Int32] = []
        var candidates: [RequestInfo] = []
        for classIndex in self[keyPath: queues].indices {
            while let slot = self[keyPath: queues][classIndex].first, table[slot].abandoned {
                self[keyPath: queues][classIndex].removeFirst()
                table.remove(slot)
            }
            if let slot = self[keyPath: queues][classIndex].first {
                slots.append(slot)
                candidates.append(info(slot))
            }
        }
        return (slots, candidates)
    }

    /// Queues a prefilled request on `replica`, where it is admitted as a decoding stream.
    private mutating func sendToDecode(_ slot: Int32, on replica: Int) {
        table[slot].replica = Int32(replica)
        replicas[replica].incomingDecodes.append(slot)
        load.outstanding[replica] += 1
        load.decoding[replica] += 1
        if !replicas[replica].busy { startIteration(replica) }
    }

    /// Takes a request whose prefill just finished off its replica (its KV cache goes with it).
    private mutating func detach(_ slot: Int32, from index: Int) {
        if let position = replicas[index].running.firstIndex(of: slot) { replicas[index].running.remove(at: position) }
        replicas[index].kvUsed -= Int(table[slot].kvHeld)
        table[slot].kvHeld = 0
        load.outstanding[index] -= 1
    }

    /// Carries out the policy's decision for a request whose prefill finished on `index`.
    private mutating func placeDecode(_ slot: Int32, prefilledOn index: Int) {
        switch policy.placeDecode(info(slot), prefilledOn: index, load: load) {
        case .stay:
            startDecoding(slot, on: index)
        case let .replica(target) where target == index:
            startDecoding(slot, on: index)
        case let .replica(target):
            detach(slot, from: index)
            sendToDecode(slot, on: target)
        case .buffer:
            detach(slot, from: index)
            let classIndex = Int(table[slot].classIndex)
            table[slot].replica = -1
            decodeBuffer[classIndex].append(slot)
            bufferedTotal += 1
            load.bufferedPerClass[classIndex] += 1
            runningTotal -= 1
            waitingTotal += 1
        }
    }

    private mutating func refreshLoad(_ index: Int) {
        load.kvUsed[index] = replicas[index].kvUsed
        load.running[index] = replicas[index].running.count
        load.prefilling[index] = replicas[index].prefilling.count
        load.decoding[index] = replicas[index].decodeCount + replicas[index].incomingDecodes.count
    }

    private func info(_ slot: Int32) -> RequestInfo {
        let record = table[slot]
        return RequestInfo(
            id: record.id, classIndex: Int(record.classIndex), arrivalTime: record.arrival,
            promptTokens: Int(record.promptTokens), outputTokens: Int(record.outputTokens))
    }

    // MARK: Replica iterations

    private mutating func startIteration(_ index: Int) {
        let capacity = replicas[index].configuration.kvCapacityTokens
        let batchSize = replicas[index].configuration.batchSize
        // 1. Admission: streams moved here to decode first, then new prefills FCFS with head-of-line
        //    blocking on KV space (one prefill at a time on a mixed replica).
        while replicas[index].running.count < batchSize, let slot = replicas[index].incomingDecodes.first {
            let need = Int(table[slot].promptTokens + table[slot].generated)
            guard replicas[index].kvUsed + need <= capacity else { break }
            replicas[index].incomingDecodes.removeFirst()
            replicas[index].kvUsed += need
            replicas[index].running.append(slot)
            table[slot].kvHeld = Int32(need)
            startDecoding(slot, on: index)
        }
        let onePrefill = replicas[index].configuration.role == .mixed
        while replicas[index].running.count < batchSize, !onePrefill || replicas[index].prefilling.isEmpty,
              let slot = replicas[index].waiting.first {
            if table[slot].abandoned {
                replicas[index].waiting.removeFirst()
                table.remove(slot)
                continue
            }
            let need = Int(table[slot].prefillTarget)
            if need > capacity {
                replicas[index].waiting.removeFirst()
                replicas[index].waitingCount -= 1
                load.outstanding[index] -= 1
                reject(slot, need: need, capacity: capacity)
                continue
            }
            guard replicas[index].kvUsed + need <= capacity else { break }
            replicas[index].waiting.removeFirst()
            replicas[index].waitingCount -= 1
            replicas[index].kvUsed += need
            replicas[index].running.append(slot)
            replicas[index].prefilling.append(slot)
            table[slot].kvHeld = Int32(need)
            table[slot].isWaiting = false
            if table[slot].firstScheduled.isNaN { table[slot].firstScheduled = now }
            waitingTotal -= 1
            runningTotal += 1
        }
        // 2. One KV token per decoding stream; preempt the newest streams when the cache is full.
        var preempted = false
        while replicas[index].kvUsed + replicas[index].decodeCount > capacity, let victim = replicas[index].running.last {
            preempt(victim, on: index)
            preempted = true
        }
        replicas[index].kvUsed += replicas[index].decodeCount
        // 3. The prefill chunk and the batch shape.
        var shape = BatchShape(decodeStreams: replicas[index].decodeCount, decodeContextTokens: replicas[index].decodeContext)
        replicas[index].currentPrefill = -1
        if let slot = replicas[index].prefilling.first {
            let record = table[slot]
            let chunk = min(Int32(clamping: replicas[index].configuration.chunkSize), record.prefillTarget - record.prefilled)
            replicas[index].currentPrefill = slot
            replicas[index].currentChunk = chunk
            shape.prefillTokens = Int(chunk)
            shape.prefillContextTokens = Int(record.prefilled)
        }
        refreshLoad(index)
        guard !shape.isEmpty else {
            // Everything was preempted: admit again (the freed cache takes the head of the queue, or
            // rejects it when it can never fit), rather than idle with requests waiting.
            if preempted && !replicas[index].waiting.isEmpty { return startIteration(index) }
            replicas[index].busy = false
            return
        }
        let duration = iterationModels[index].iterationSeconds(shape)
        replicas[index].busy = true
        iterations += 1
        heap.push(time: now + duration, kind: .iterationEnd, index: Int32(index))
    }

    /// Recompute preemption of the newest admitted stream (called before the iteration's KV reservation).
    private mutating func preempt(_ slot: Int32, on index: Int) {
        replicas[index].running.removeLast()
        if table[slot].isDecoding {
            stopDecoding(slot, on: index)
        } else {
            replicas[index].prefilling.removeLast()
        }
        replicas[index].kvUsed -= Int(table[slot].kvHeld)
        table[slot].kvHeld = 0
        table[slot].prefillTarget = table[slot].promptTokens + table[slot].generated
        table[slot].prefilled = 0
        table[slot].isWaiting = true
        table[slot].preemptions += 1
        replicas[index].waiting.prepend(slot)
        replicas[index].waitingCount += 1
        runningTotal -= 1
        waitingTotal += 1
    }

    private mutating func startDecoding(_ slot: Int32, on index: Int) {
        let tick = replicas[index].tick
        nextDecodeEpoch &+= 1
        table[slot].isDecoding = true
        table[slot].decodeStartTick = tick
        table[slot].generatedAtDecodeStart = table[slot].generated
        table[slot].decodeEpoch = nextDecodeEpoch
        replicas[index].decodeCount += 1
        replicas[index].decodeContext += Int(table[slot].promptTokens + table[slot].generated)
        let remaining = Int(table[slot].outputTokens - table[slot].generated)
        replicas[index].finishHeap.push(FinishEntry(tick: tick + remaining, slot: slot, epoch: nextDecodeEpoch))
    }

    /// Brings a decoding stream's token count up to date and releases its decode reservations.
    private mutating func stopDecoding(_ slot: Int32, on index: Int) {
        let decoded = table[slot].decodedTokens(atTick: replicas[index].tick)
        table[slot].generated = table[slot].generatedAtDecodeStart + decoded
        table[slot].isDecoding = false
        replicas[index].kvUsed -= Int(decoded)
        replicas[index].decodeCount -= 1
        replicas[index].decodeContext -= Int(table[slot].promptTokens + table[slot].generated)
    }

    private mutating func finishIteration(_ index: Int) {
        replicas[index].tick += 1
        let tick = replicas[index].tick
        replicas[index].decodeContext += replicas[index].decodeCount
        let prefillSlot = replicas[index].currentPrefill
        // Capacity frees only when a prefill or a stream ends; otherwise no held request or buffered
        // decode can have become placeable, and the dispatch hooks are skipped.
        var freed = false
        if prefillSlot >= 0 {
            table[prefillSlot].prefilled += replicas[index].currentChunk
            if !table[prefillSlot].isPrefilling {
                freed = true
                replicas[index].prefilling.removeFirst()
                table[prefillSlot].generated += 1
                if table[prefillSlot].firstToken.isNaN { table[prefillSlot].firstToken = now }
                if table[prefillSlot].generated >= table[prefillSlot].outputTokens {
                    complete(prefillSlot, on: index)
                } else {
                    refreshLoad(index)
                    placeDecode(prefillSlot, prefilledOn: index)
                }
            }
        }
        while let entry = replicas[index].finishHeap.first, entry.tick <= tick {
            replicas[index].finishHeap.popFirst()
            guard table[entry.slot].isDecoding, table[entry.slot].decodeEpoch == entry.epoch else { continue }
            freed = true
            complete(entry.slot, on: index)
        }
        replicas[index].busy = false
        if freed {
            refreshLoad(index)
            if bufferedTotal > 0 { dispatchDecodes() }
            if load.held > 0 { dispatchHeld() }
        }
        if !replicas[index].busy { startIteration(index) }
    }

    // MARK: Departures

    private mutating func complete(_ slot: Int32, on index: Int) {
        if table[slot].isDecoding { stopDecoding(slot, on: index) }
        if let position = replicas[index].running.firstIndex(of: slot) {
            replicas[index].running.remove(at: position)
        }
        let record = table[slot]
        replicas[index].kvUsed -= Int(record.kvHeld)
        load.outstanding[index] -= 1
        inSystem -= 1
        runningTotal -= 1
        if record.measured {
            let ttft = record.firstToken - record.arrival
            let e2e = now - record.arrival
            let tpot = record.outputTokens > 1 ? (now - record.firstToken) / Double(record.outputTokens - 1) : nil
            let met = configuration.slo.isMet(ttft: ttft, tpot: tpot)
            let queueDelay = record.firstScheduled - record.arrival
            metrics[Int(record.classIndex)].recordCompletion(
                ttft: ttft, tpot: tpot, e2e: e2e, queueDelay: queueDelay, record: record, sloMet: met)
            overall.recordCompletion(ttft: ttft, tpot: tpot, e2e: e2e, queueDelay: queueDelay, record: record, sloMet: met)
        }
        if configuration.recordsCompletions { completions.append(RequestCompletion(id: record.id, time: now)) }
        let completedInfo = info(slot)
        table.remove(slot)
        policy.didComplete(completedInfo, replica: index, load: load)
    }

    private mutating func expire(slot: Int32, generation: UInt32) {
        guard table.generations[Int(slot)] == generation else { return }
        let record = table[slot]
        guard record.isWaiting, record.firstScheduled.isNaN, !record.abandoned else { return }
        table[slot].abandoned = true
        if record.replica < 0 {
            load.held -= 1
            load.heldPerClass[Int(record.classIndex)] -= 1
        } else {
            replicas[Int(record.replica)].waitingCount -= 1
            load.outstanding[Int(record.replica)] -= 1
        }
        leave(record)
    }

    /// A request whose prefill target exceeds the replica's whole KV cache can never run: it is
    /// rejected (counted apart from abandonments, with the reason).
    private mutating func reject(_ slot: Int32, need: Int, capacity: Int) {
        let record = table[slot]
        let reason: RejectionReason = record.generated > 0 ? .contextAboveKVCapacity : .promptAboveKVCapacity
        if let index = rejections.firstIndex(where: { $0.reason == reason }) {
            rejections[index].count += 1
            if need > rejections[index].largestNeed {
                rejections[index].largestNeed = need
                rejections[index].kvCapacity = capacity
            }
        } else {
            rejections.append(Rejection(reason: reason, count: 1, largestNeed: need, kvCapacity: capacity))
        }
        inSystem -= 1
        waitingTotal -= 1
        if record.measured {
            metrics[Int(record.classIndex)].recordRejection(reason, sojourn: now - record.arrival)
            overall.recordRejection(reason, sojourn: now - record.arrival)
        }
        table.remove(slot)
    }

    private mutating func leave(_ record: RequestRecord) {
        inSystem -= 1
        waitingTotal -= 1
        if record.measured {
            metrics[Int(record.classIndex)].recordAbandonment(sojourn: now - record.arrival)
            overall.recordAbandonment(sojourn: now - record.arrival)
        }
    }

    // MARK: Report

    private func report(wallSeconds: Double) -> SimulationReport {
        let window = configuration.horizon - configuration.warmup
        let names = configuration.classNames.isEmpty ? ["default"] : configuration.classNames
        return SimulationReport(
            seed: seed, policy: policy.name,
            overall: overall.report(name: "overall", window: window),
            classes: zip(names, metrics).map { $1.report(name: $0, window: window) },
            meanInSystem: inSystemArea / window, meanWaiting: waitingArea / window,
            arrivalRate: Double(overall.arrived) / window, queueSamples: samples, events: events,
            iterations: iterations, rejected: rejections.reduce(0) { $0 + $1.count }, rejections: rejections,
            simulatedSeconds: now, wallSeconds: wallSeconds,
            eventsPerSecond: Double(events) / max(wallSeconds, 1e-9), peakInSystem: peakInSystem,
            completions: configuration.recordsCompletions ? completions : nil)
    }

}
