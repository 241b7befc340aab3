import ServingModel

/// The global scheduler's side of the engine: arrivals, the cluster policy's decisions, and the
/// cluster's queues (held requests and the decode buffer).
extension SimulationEngine {
    mutating func arrive(_ request: Request) {
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
        replicas[replica].enqueue(slot)
        load.outstanding[replica] += 1
        if !replicas[replica].isBusy { startIteration(replica) }
    }

    mutating func dispatchHeld() {
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

    mutating func dispatchDecodes() {
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
        replicas[replica].enqueueDecode(slot)
        load.outstanding[replica] += 1
        load.decoding[replica] += 1
        if !replicas[replica].isBusy { startIteration(replica) }
    }

    /// Takes a request whose prefill just finished off its replica (its KV cache goes with it).
    mutating func detach(_ slot: Int32, from index: Int) {
        replicas[index].detach(slot, table: &table)
        load.outstanding[index] -= 1
    }

    /// Carries out the policy's decision for a request whose prefill finished on `index`.
    mutating func placeDecode(_ slot: Int32, prefilledOn index: Int) {
        switch policy.placeDecode(info(slot), prefilledOn: index, load: load) {
        case .stay:
            replicas[index].startDecoding(slot, table: &table)
        case let .replica(target) where target == index:
            replicas[index].startDecoding(slot, table: &table)
        case let .replica(target):
            if let network = configuration.disaggregation?.network {
                sendCache(slot, from: index, to: target, network: network)
            } else {
                detach(slot, from: index)
                sendToDecode(slot, on: target)
            }
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

    /// Copies replica `index`'s counts into the load the policy sees.
    mutating func refreshLoad(_ index: Int) {
        load.kvUsed[index] = replicas[index].kvUsed
        load.running[index] = replicas[index].runningCount
        load.prefilling[index] = replicas[index].prefillingCount
        load.decoding[index] = replicas[index].decodingCount
    }

    func info(_ slot: Int32) -> RequestInfo {
        let record = table[slot]
        return RequestInfo(
            id: record.id, classIndex: Int(record.classIndex), arrivalTime: record.arrival,
            promptTokens: Int(record.promptTokens), outputTokens: Int(record.outputTokens))
    }
}
