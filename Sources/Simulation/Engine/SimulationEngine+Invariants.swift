import ServingModel

/// Debug-only consistency checks (swift-collections style): the engine's running counters are
/// recounted from what the replicas and the cluster's queues actually hold. `run` checks after
/// every event in debug builds (every event of the first 4,096, then every 1,024th, so long test
/// runs stay linear) and once more at the end; release builds compile the checks out.
///
/// ```swift
/// var engine = SimulationEngine(configuration: configuration, policy: RoundRobinRouting(), seed: 1)
/// engine.begin(&source)
/// while engine.step(&source) {}
/// assert(engine.invariantViolations().isEmpty)
/// ```
extension SimulationEngine {
    /// Events checked one by one at the start of a run; later ones are sampled.
    static var checkedEvents: Int { 4096 }
    /// One event in this many is checked after the first `checkedEvents`.
    static var checkStride: Int { 1024 }

    /// Asserts `invariantViolations()` is empty (after the first events, then one event in
    /// `checkStride`, or `always`). Compiled out of release builds.
    @inline(__always)
    func checkInvariants(always: Bool = false) {
        #if DEBUG
        if always || events <= Self.checkedEvents || events % Self.checkStride == 0 {
            let problems = invariantViolations()
            assert(problems.isEmpty, "simulation invariants broken after event \(events):\n" + problems.joined(separator: "\n"))
        }
        #endif
    }

    /// Every disagreement between the engine's counters and the state they count; empty when
    /// consistent. Walks every queue: O(replicas + classes + requests in the system).
    func invariantViolations() -> [String] {
        var problems: [String] = []
        func expect(_ holds: Bool, _ message: @autoclosure () -> String) {
            if !holds { problems.append(message()) }
        }
        var queuedWaiting = 0, running = 0, abandonedQueued = 0
        for (index, replica) in replicas.enumerated() {
            let census = replica.census(table: table)
            problems += census.problems
            queuedWaiting += census.waiting
            running += census.running + census.incoming
            abandonedQueued += census.abandonedQueued
            let arriving = transfers.inbound.isEmpty ? 0 : transfers.inbound[index]
            let outstanding = census.waiting + census.running + census.incoming + arriving
            expect(load.outstanding[index] == outstanding,
                   "load.outstanding[\(index)] \(load.outstanding[index]), replica holds \(outstanding)")
            expect(load.kvUsed[index] == replica.kvUsed, "load.kvUsed[\(index)] \(load.kvUsed[index]), replica uses \(replica.kvUsed)")
            expect(load.running[index] == replica.runningCount,
                   "load.running[\(index)] \(load.running[index]), replica runs \(replica.runningCount)")
            expect(load.prefilling[index] == replica.prefillingCount,
                   "load.prefilling[\(index)] \(load.prefilling[index]), replica prefills \(replica.prefillingCount)")
            expect(load.decoding[index] == replica.decodingCount,
                   "load.decoding[\(index)] \(load.decoding[index]), replica decodes \(replica.decodingCount)")
            expect(replica.isBusy || replica.kvSending > 0 || load.outstanding[index] == arriving,
                   "replica \(index) idle with \(load.outstanding[index]) outstanding, \(arriving) of them arriving")
        }
        let held = Self.count(heldByClass, table: table)
        let buffered = Self.count(decodeBuffer, table: table)
        abandonedQueued += held.abandoned + buffered.abandoned
        for classIndex in heldByClass.indices {
            expect(load.heldPerClass[classIndex] == held.perClass[classIndex],
                   "load.heldPerClass[\(classIndex)] \(load.heldPerClass[classIndex]), queue holds \(held.perClass[classIndex])")
            expect(load.bufferedPerClass[classIndex] == buffered.perClass[classIndex],
                   "load.bufferedPerClass[\(classIndex)] \(load.bufferedPerClass[classIndex]), buffer holds \(buffered.perClass[classIndex])")
        }
        expect(load.held == held.total, "load.held \(load.held), held queues hold \(held.total)")
        expect(bufferedTotal == buffered.total, "bufferedTotal \(bufferedTotal), decode buffer holds \(buffered.total)")
        running += transfers.inFlight
        let waiting = queuedWaiting + held.total + buffered.total
        expect(waitingTotal == waiting, "waitingTotal \(waitingTotal), recounted \(waiting) (queued, held, buffered)")
        expect(runningTotal == running, "runningTotal \(runningTotal), recounted \(running) (running, moving to decode, cache in flight)")
        expect(inSystem == waitingTotal + runningTotal, "inSystem \(inSystem) != waiting \(waitingTotal) + running \(runningTotal)")
        expect(table.live == inSystem + abandonedQueued,
               "table holds \(table.live) requests, in system \(inSystem) + abandoned still queued \(abandonedQueued)")
        expect(inSystem <= peakInSystem, "inSystem \(inSystem) above its peak \(peakInSystem)")
        return problems
    }

    /// Requests in per-class queues that have not abandoned (per class and in all), and abandoned ones.
    private static func count(_ queues: [SlotQueue], table: RequestTable) -> (perClass: [Int], total: Int, abandoned: Int) {
        var perClass = [Int](repeating: 0, count: queues.count)
        var abandoned = 0
        for (classIndex, queue) in queues.enumerated() {
            queue.forEach { slot in
                if table[slot].abandoned { abandoned += 1 } else { perClass[classIndex] += 1 }
            }
        }
        return (perClass, perClass.reduce(0, +), abandoned)
    }
}
