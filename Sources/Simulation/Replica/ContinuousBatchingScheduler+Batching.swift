import ServingModel

/// The four batching rules (`BatchingRule`), one method each, and the admission and KV steps they
/// share. Each forms the batch of the next iteration and returns its shape (empty: nothing to run).
extension ContinuousBatchingScheduler {
    // MARK: GPUSched's single chunk

    /// Admission FCFS while B and the blocks allow (whole prefill targets reserved), decode blocks
    /// (preempting the newest when short), then one chunk ≤ C for the oldest prefill.
    mutating func singleChunkBatch(now: Double, table: inout RequestTable, changes: inout SchedulingChanges) -> BatchShape {
        while canAdmitMore, let slot = waitingHead(table: &table, changes: &changes, admissibleBlocks: blocks.admissibleBlocks) {
            let need = blocks.blocks(forTokens: Int(table[slot].prefillTarget))
            guard blocks.canAdmit(need) else { break }
            admit(slot, blocks: need, now: now, table: &table, changes: &changes)
        }
        reserveDecodeBlocks(table: &table, changes: &changes)
        var shape = BatchShape(decodeStreams: decodeCount, decodeContextTokens: decodeContext)
        if let slot = prefilling.first {
            let record = table[slot]
            schedule(slot, tokens: min(configuration.chunkSize, Int(record.prefillTarget - record.prefilled)), table: table, into: &shape)
        }
        return shape
    }

    // MARK: vLLM V1

    /// Running requests first (decodes 1 token each, then running prefills' next chunks, blocks
    /// allocated chunk by chunk, preempting the newest when short), then admissions FCFS while the
    /// token budget, B and the blocks allow; no admission in an iteration that preempted.
    mutating func vllmV1Batch(now: Double, table: inout RequestTable, changes: inout SchedulingChanges) -> BatchShape {
        let preemptedBefore = changes.preempted
        reserveDecodeBlocks(table: &table, changes: &changes)
        var budget = configuration.chunkSize - decodeCount
        var position = 0
        runningPrefills: while budget > 0, position < prefilling.count {
            let slot = prefilling[position]
            let record = table[slot]
            let chunk = min(Int(record.prefillTarget - record.prefilled), budget)
            let need = blocks.blocks(forTokens: Int(record.prefilled) + chunk) - Int(record.kvHeld)
            while need > blocks.free, let victim = running.last {
                preempt(victim, table: &table)
                changes.preempted += 1
                if victim == slot { break runningPrefills }
            }
            blocks.used += need
            table[slot].kvHeld += Int32(need)
            chunks.append(PrefillChunk(slot: slot, tokens: Int32(chunk)))
            budget -= chunk
            position += 1
        }
        if changes.preempted == preemptedBefore {
            while budget > 0, canAdmitMore, let slot = waitingHead(table: &table, changes: &changes, admissibleBlocks: blocks.total) {
                let chunk = min(Int(table[slot].prefillTarget), budget)
                let need = blocks.blocks(forTokens: chunk)
                // vLLM V1 keeps the watermark free only when something else runs in the iteration.
                let keepFree = decodeCount > 0 || !chunks.isEmpty ? blocks.watermarkBlocks : 0
                guard blocks.canAdmit(need, keepFree: keepFree) else { break }
                admit(slot, blocks: need, now: now, table: &table, changes: &changes)
                chunks.append(PrefillChunk(slot: slot, tokens: Int32(chunk)))
                budget -= chunk
            }
        }
        var shape = BatchShape(decodeStreams: decodeCount, decodeContextTokens: decodeContext)
        for chunk in chunks {
            shape.addPrefillChunk(tokens: Int(chunk.tokens), context: Int(table[chunk.slot].prefilled))
        }
        return shape
    }

    // MARK: vLLM V0 (Vidur's vllm)

    /// A prefill-only batch of whole prompts admitted FCFS while B, the blocks and the token budget
    /// (Σ prompt tokens ≤ C) allow; when none can be admitted, a decode-only iteration.
    mutating func vllmV0Batch(now: Double, table: inout RequestTable, changes: inout SchedulingChanges) -> BatchShape {
        var shape = BatchShape()
        while canAdmitMore,
              let slot = waitingHead(
                table: &table, changes: &changes, admissibleBlocks: blocks.admissibleBlocks, tokenBudget: configuration.chunkSize) {
            let target = Int(table[slot].prefillTarget)
            let need = blocks.blocks(forTokens: target)
            guard blocks.canAdmit(need), shape.prefillTokens + target <= configuration.chunkSize else { break }
            admit(slot, blocks: need, now: now, table: &table, changes: &changes)
            schedule(slot, tokens: target, table: table, into: &shape)
        }
        if !chunks.isEmpty { return shape }
        reserveDecodeBlocks(table: &table, changes: &changes)
        return BatchShape(decodeStreams: decodeCount, decodeContextTokens: decodeContext)
    }

    // MARK: Sarathi-Serve (Vidur's sarathi)

    /// Every decode takes 1 token of the budget C; the rest goes to running prefills in admission
    /// order, then to admissions FCFS while B and the blocks allow (whole prompts reserved).
    mutating func sarathiBatch(now: Double, table: inout RequestTable, changes: inout SchedulingChanges) -> BatchShape {
        reserveDecodeBlocks(table: &table, changes: &changes)
        var shape = BatchShape(decodeStreams: decodeCount, decodeContextTokens: decodeContext)
        var budget = configuration.chunkSize - decodeCount
        var position = 0
        while budget > 0, position < prefilling.count {
            let slot = prefilling[position]
            let record = table[slot]
            let chunk = min(Int(record.prefillTarget - record.prefilled), budget)
            schedule(slot, tokens: chunk, table: table, into: &shape)
            budget -= chunk
            position += 1
        }
        while budget > 0, canAdmitMore, let slot = waitingHead(table: &table, changes: &changes, admissibleBlocks: blocks.admissibleBlocks) {
            let target = Int(table[slot].prefillTarget)
            let need = blocks.blocks(forTokens: target)
            guard blocks.canAdmit(need) else { break }
            admit(slot, blocks: need, now: now, table: &table, changes: &changes)
            let chunk = min(target, budget)
            schedule(slot, tokens: chunk, table: table, into: &shape)
            budget -= chunk
        }
        return shape
    }

    // MARK: Shared steps

    /// Fewer than B admitted, and on a `mixed` replica no prefill already running.
    @inline(__always)
    var canAdmitMore: Bool {
        running.count < configuration.batchSize && (configuration.role != .mixed || prefilling.isEmpty)
    }

    /// The streams moved here to decode, FCFS while B and the blocks (watermark kept) allow.
    mutating func admitIncomingDecodes(table: inout RequestTable) {
        while running.count < configuration.batchSize, let slot = incomingDecodes.first {
            // Its cache holds prompt + generated tokens but the last one, whose KV the next decode writes.
            let need = blocks.blocks(forTokens: Int(table[slot].promptTokens + table[slot].generated) - 1)
            guard blocks.canAdmit(need) else { break }
            incomingDecodes.removeFirst()
            blocks.used += need
            running.append(slot)
            table[slot].kvHeld = Int32(need)
            startDecoding(slot, table: &table)
        }
    }

    /// The oldest waiting request that could ever run here, after freeing abandoned ones and
    /// rejecting those whose prefill target needs more than `admissibleBlocks` blocks or more than
    /// `tokenBudget` tokens in one batch; nil when none is left.
    @inline(__always)
    mutating func waitingHead(
        table: inout RequestTable, changes: inout SchedulingChanges, admissibleBlocks: Int, tokenBudget: Int = .max
    ) -> Int32? {
        while let slot = waiting.first {
            if table[slot].abandoned {
                waiting.removeFirst()
                table.remove(slot)
                continue
            }
            let target = Int(table[slot].prefillTarget)
            let rejection: RejectedRequest
            if blocks.blocks(forTokens: target) > admissibleBlocks {
                let reason: RejectionReason = table[slot].generated > 0 ? .contextAboveKVCapacity : .promptAboveKVCapacity
                rejection = RejectedRequest(
                    record: table[slot], reason: reason, need: target, capacity: admissibleBlocks * blocks.blockSize)
            } else if target > tokenBudget {
                rejection = RejectedRequest(record: table[slot], reason: .promptAboveTokenBudget, need: target, capacity: tokenBudget)
            } else {
                return slot
            }
            waiting.removeFirst()
            waitingCount -= 1
            changes.rejected.append(rejection)
            table.remove(slot)
        }
        return nil
    }

    /// Moves the head of the queue to running with `blocks` allocated.
    @inline(__always)
    mutating func admit(_ slot: Int32, blocks need: Int, now: Double, table: inout RequestTable, changes: inout SchedulingChanges) {
        waiting.removeFirst()
        waitingCount -= 1
        blocks.used += need
        running.append(slot)
        prefilling.append(slot)
        table[slot].kvHeld = Int32(need)
        table[slot].isWaiting = false
        if table[slot].firstScheduled.isNaN { table[slot].firstScheduled = now }
        changes.admitted += 1
    }

    /// Allocates the blocks the decoding streams cross into at this decode tick, preempting the
    /// newest admitted requests while the cache is short; the decodes then run in the iteration.
    @inline(__always)
    mutating func reserveDecodeBlocks(table: inout RequestTable, changes: inout SchedulingChanges) {
        while blocks.used + boundaries.crossing > blocks.total, let victim = running.last {
            preempt(victim, table: &table)
            changes.preempted += 1
        }
        blocks.used += boundaries.crossing
        decodesReserved = decodeCount > 0
    }

    /// Adds `tokens` of `slot`'s prompt (after what it has prefilled) to the iteration.
    @inline(__always)
    mutating func schedule(_ slot: Int32, tokens: Int, table: RequestTable, into shape: inout BatchShape) {
        chunks.append(PrefillChunk(slot: slot, tokens: Int32(tokens)))
        shape.addPrefillChunk(tokens: tokens, context: Int(table[slot].prefilled))
    }
}
