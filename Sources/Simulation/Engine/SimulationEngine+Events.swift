import ServingModel

/// The replica schedulers' side of the engine: iterations start and end, and requests depart
/// (completed, abandoned or rejected), with the counters and metrics that go with them.
extension SimulationEngine {
    // MARK: Replica iterations

    mutating func startIteration(_ index: Int) {
        var changes = SchedulingChanges()
        let batch = replicas[index].startIteration(now: now, table: &table, changes: &changes)
        waitingTotal += changes.preempted - changes.admitted
        runningTotal += changes.admitted - changes.preempted
        for rejected in changes.rejected {
            load.outstanding[index] -= 1
            reject(rejected)
        }
        refreshLoad(index)
        guard let batch else { return }
        let duration = iterationModels[index].iterationSeconds(batch)
        iterations += 1
        let busyFrom = max(now, configuration.warmup), busyTo = min(now + duration, configuration.horizon)
        if busyTo > busyFrom { busySeconds[index] += busyTo - busyFrom }
        heap.push(time: now + duration, kind: .iterationEnd, index: Int32(index))
    }

    mutating func finishIteration(_ index: Int) {
        // Capacity frees only when a prefill or a stream ends; otherwise no held request or buffered
        // decode can have become placeable, and the dispatch hooks are skipped.
        var freed = false
        replicas[index].endIteration(now: now, table: &table)
        while let prefilled = replicas[index].nextFinishedPrefill() {
            freed = true
            if table[prefilled].generated >= table[prefilled].outputTokens {
                complete(prefilled, on: index)
            } else {
                refreshLoad(index)
                placeDecode(prefilled, prefilledOn: index)
            }
        }
        while let finished = replicas[index].nextFinishedStream(table: table) {
            freed = true
            complete(finished, on: index)
        }
        if freed {
            refreshLoad(index)
            if bufferedTotal > 0 { dispatchDecodes() }
            if load.held > 0 { dispatchHeld() }
        }
        if !replicas[index].isBusy { startIteration(index) }
    }

    // MARK: Departures

    private mutating func complete(_ slot: Int32, on index: Int) {
        replicas[index].release(slot, table: &table)
        let record = table[slot]
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

    mutating func expire(slot: Int32, generation: UInt32) {
        guard table.generations[Int(slot)] == generation else { return }
        let record = table[slot]
        guard record.isWaiting, record.firstScheduled.isNaN, !record.abandoned else { return }
        table[slot].abandoned = true
        if record.replica < 0 {
            load.held -= 1
            load.heldPerClass[Int(record.classIndex)] -= 1
        } else {
            replicas[Int(record.replica)].abandonWaiting()
            load.outstanding[Int(record.replica)] -= 1
        }
        inSystem -= 1
        waitingTotal -= 1
        if record.measured {
            metrics[Int(record.classIndex)].recordAbandonment(sojourn: now - record.arrival)
            overall.recordAbandonment(sojourn: now - record.arrival)
        }
    }

    /// A request whose prefill target can never fit the replica (its KV cache, or vllm-v0's token
    /// budget), or whose cache sent to a decode replica can never fit there, is rejected (counted
    /// apart from abandonments, with the reason). Its slot is already free.
    mutating func reject(_ rejected: RejectedRequest) {
        let record = rejected.record
        let reason = rejected.reason
        if let index = rejections.firstIndex(where: { $0.reason == reason }) {
            rejections[index].count += 1
            if rejected.need > rejections[index].largestNeed {
                rejections[index].largestNeed = rejected.need
                rejections[index].kvCapacity = rejected.capacity
            }
        } else {
            rejections.append(Rejection(reason: reason, count: 1, largestNeed: rejected.need, kvCapacity: rejected.capacity))
        }
        inSystem -= 1
        waitingTotal -= 1
        if record.measured {
            metrics[Int(record.classIndex)].recordRejection(reason, sojourn: now - record.arrival)
            overall.recordRejection(reason, sojourn: now - record.arrival)
        }
    }
}
