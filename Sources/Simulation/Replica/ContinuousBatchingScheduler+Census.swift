import ServingModel

// MARK: Debug checks

extension ContinuousBatchingScheduler {
    func census(table: RequestTable) -> ReplicaCensus {
        var census = ReplicaCensus(running: running.count, incoming: incomingDecodes.count)
        waiting.forEach { slot in
            if table[slot].abandoned { census.abandonedQueued += 1 } else { census.waiting += 1 }
        }
        var held = 0, decoding = 0, context = 0, stillPrefilling = 0, crossing = 0
        for slot in running {
            let record = table[slot]
            held += Int(record.kvHeld)
            if record.isDecoding {
                let decoded = Int(record.decodedTokens(atTick: decodeTick))
                let startContext = Int(record.promptTokens + record.generatedAtDecodeStart)
                decoding += 1
                held += blocks.decodeBlocks(startContext: startContext, steps: decoded + (decodesReserved ? 1 : 0))
                context += startContext + decoded
                if (startContext + decoded - 1) % blocks.blockSize == 0 { crossing += 1 }
            } else {
                stillPrefilling += 1
            }
        }
        let checks: [(Bool, String)] = [
            (census.waiting == waitingCount, "waitingCount \(waitingCount), but \(census.waiting) queued requests have not abandoned"),
            (blocks.used >= 0 && blocks.used <= blocks.total, "\(blocks.used) KV blocks used, outside 0...\(blocks.total)"),
            (blocks.used == held + kvSending,
             "\(blocks.used) KV blocks used, but the running requests hold \(held) and caches being sent \(kvSending)"),
            (kvSending >= 0, "\(kvSending) KV blocks being sent"),
            (running.count <= configuration.batchSize, "\(running.count) running, batch size \(configuration.batchSize)"),
            (decoding == decodeCount, "decodeCount \(decodeCount), but \(decoding) running requests decode"),
            (context == decodeContext, "decodeContext \(decodeContext), but the decoding streams hold \(context)"),
            (crossing == boundaries.crossing,
             "\(boundaries.crossing) streams counted as crossing a block boundary, \(crossing) do"),
            (stillPrefilling == prefilling.count, "\(prefilling.count) prefilling, but \(stillPrefilling) running requests prefill"),
            (isBusy || !decodesReserved, "decode blocks reserved while idle"),
            (isBusy || kvSending > 0 || (waiting.isEmpty && running.isEmpty && incomingDecodes.isEmpty),
             "idle with requests queued or running"),
        ]
        census.problems = checks.filter { !$0.0 }.map { "replica \(configuration.name): \($0.1)" }
        return census
    }
}
