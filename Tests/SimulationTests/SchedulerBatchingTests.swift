import Testing
import ServingModel
@testable import Simulation

/// Hand-traced schedules of each batching rule on one replica: exactly which prompt chunks and
/// decodes every iteration batches, when each request emits its first token and completes, the KV
/// blocks held, preemption and admission under blocks and the watermark. Iterations last 1 s in
/// the harness; the simulator runs check iteration times and latencies end to end.
@Suite struct SchedulerBatchingTests {
    /// vllm-v1, B = 3, C = 8, 4-token blocks, 10 blocks. A (prompt 5, output 3), B (6, 2), C (4, 2).
    /// 1: budget 8: A's whole prompt (2 blocks), B's first 3 tokens (1 block); C waits (budget spent).
    /// 2: A decodes (context 6, inside its 2nd block); B's last 3 tokens (1 block more); C's 4
    ///    tokens (1 block) fill the budget 1 + 3 + 4 = 8. Blocks 2 + 2 + 1 = 5.
    /// 3: three decodes, contexts 7 + 7 + 5 = 19; C's context 5 crosses into a 2nd block (6 blocks).
    ///    A, B and C all emit their last token.
    @Test func vllmV1SharesOneBudgetAcrossRunningAndNewPrompts() {
        var replica = ReplicaHarness(.vllmV1, batchSize: 3, chunkSize: 8, kvTokens: 40, blockSize: 4)
        replica.add(prompt: 5, output: 3)
        replica.add(prompt: 6, output: 2)
        replica.add(prompt: 4, output: 2)
        #expect(replica.start() == batch(chunks: [(5, 0), (3, 0)]))
        #expect(replica.scheduler.kvUsed == 3 * 4)
        #expect(replica.problems == [])
        #expect(replica.end() == ([0], []))
        #expect(replica.start() == batch(chunks: [(3, 3), (4, 0)], decodes: 1, decodeContext: 6))
        #expect(replica.scheduler.kvUsed == 5 * 4)
        #expect(replica.problems == [])
        #expect(replica.end() == ([1, 2], []))
        #expect(replica.start() == batch(decodes: 3, decodeContext: 19))
        #expect(replica.scheduler.kvUsed == 6 * 4)
        #expect(replica.problems == [])
        #expect(replica.end() == ([], [0, 1, 2]))
        #expect(replica.start() == nil)
        #expect(replica.scheduler.kvUsed == 0)
    }

    /// The same schedule timed at 1 s per iteration + 0.25 s per prompt token: 3 s (8 tokens),
    /// 2.75 s (7), 1 s. First tokens at 3 (A) and 5.75 (B, C); all complete at 6.75.
    @Test func vllmV1ScheduleTimes() {
        var replica = ReplicaHarness(
            .vllmV1, batchSize: 3, chunkSize: 8, kvTokens: 40, blockSize: 4,
            model: LinearIterationTime(perIteration: 1, perPrefillToken: 0.25))
        for (prompt, output) in [(5, 3), (6, 2), (4, 2)] { replica.add(prompt: prompt, output: output) }
        while replica.start() != nil { replica.end() }
        #expect(replica.firstTokens == [0: 3, 1: 5.75, 2: 5.75])
        #expect(replica.completions == [0: 6.75, 1: 6.75, 2: 6.75])
    }

    /// vllm-v1 preemption under blocks: B = 4, C = 16, 2-token blocks, 5 blocks; A and B (prompt 4,
    /// output 4). 1: both prompts (2 blocks each). 2: both contexts are 5 and cross into a 3rd
    /// block: 4 + 2 > 5, so B, the newest, is preempted (its 2 blocks freed; it must re-prefill
    /// 4 + 1 = 5 tokens, 3 blocks) and nothing is admitted. 3: A decodes (context 6, no new block);
    /// B needs 3 blocks, 2 are free. 4: A's context 7 takes its 4th block; A completes. 5: B
    /// re-prefills 5 tokens. 6, 7: B decodes (contexts 6, 7) and completes.
    @Test func vllmV1PreemptsTheNewestWhenABlockIsShort() {
        var replica = ReplicaHarness(.vllmV1, batchSize: 4, chunkSize: 16, kvTokens: 10, blockSize: 2)
        replica.add(prompt: 4, output: 4)
        replica.add(prompt: 4, output: 4)
        #expect(replica.start() == batch(chunks: [(4, 0), (4, 0)]))
        #expect(replica.end() == ([0, 1], []))
        #expect(replica.start() == batch(decodes: 1, decodeContext: 5))
        #expect(replica.changes.preempted == 1)
        #expect(replica.changes.admitted == 0)
        #expect(replica.record(1).prefillTarget == 5)
        #expect(replica.scheduler.kvUsed == 3 * 2)
        #expect(replica.problems == [])
        #expect(replica.end() == ([], []))
        #expect(replica.start() == batch(decodes: 1, decodeContext: 6))
        #expect(replica.changes.admitted == 0)
        #expect(replica.end() == ([], []))
        #expect(replica.start() == batch(decodes: 1, decodeContext: 7))
        #expect(replica.scheduler.kvUsed == 4 * 2)
        #expect(replica.problems == [])
        #expect(replica.end() == ([], [0]))
        #expect(replica.start() == batch(chunks: [(5, 0)]))
        #expect(replica.end() == ([1], []))
        #expect(replica.start() == batch(decodes: 1, decodeContext: 6))
        #expect(replica.end() == ([], []))
        #expect(replica.start() == batch(decodes: 1, decodeContext: 7))
        #expect(replica.end() == ([], [1]))
        #expect(replica.record(1).preemptions == 1)
        // B's first token counts (t = 1), not the one after its recompute.
        #expect(replica.firstTokens == [0: 1, 1: 1])
        #expect(replica.completions == [0: 4, 1: 7])
    }

    /// vllm-v1 allocates a prompt's blocks chunk by chunk, so a running prefill can be short of a
    /// block: B = 4, C = 8, 2-token blocks, 5 blocks; A (2, 4), B (7, 1). 1: A's 2 tokens (1 block)
    /// and B's first 6 (3 blocks). 2: A's context 3 takes a block (5 used); B's last token needs a
    /// 4th block and none is free, so B, the newest, preempts itself; A decodes alone. 3: B's 7
    /// tokens need 4 blocks, 3 are free. 4: A's context 5 takes its 3rd block; A completes.
    /// 5: B's whole prompt, which completes on its first token.
    @Test func vllmV1RunningPrefillPreemptsItselfWhenShortOfABlock() {
        var replica = ReplicaHarness(.vllmV1, batchSize: 4, chunkSize: 8, kvTokens: 10, blockSize: 2)
        replica.add(prompt: 2, output: 4)
        replica.add(prompt: 7, output: 1)
        #expect(replica.start() == batch(chunks: [(2, 0), (6, 0)]))
        #expect(replica.scheduler.kvUsed == 4 * 2)
        #expect(replica.end() == ([0], []))
        #expect(replica.start() == batch(decodes: 1, decodeContext: 3))
        #expect(replica.changes.preempted == 1)
        #expect(replica.record(1).prefilled == 0)
        #expect(replica.scheduler.kvUsed == 2 * 2)
        #expect(replica.problems == [])
        #expect(replica.end() == ([], []))
        #expect(replica.start() == batch(decodes: 1, decodeContext: 4))
        #expect(replica.changes.admitted == 0)
        #expect(replica.end() == ([], []))
        #expect(replica.start() == batch(decodes: 1, decodeContext: 5))
        #expect(replica.scheduler.kvUsed == 3 * 2)
        #expect(replica.end() == ([], [0]))
        #expect(replica.start() == batch(chunks: [(7, 0)]))
        #expect(replica.end() == ([1], [1]))
        #expect(replica.completions == [0: 4, 1: 5])
    }

    /// vllm-v0, B = 3, C = 10 (Σ prompt tokens of a prefill batch), 4-token blocks, 10 blocks.
    /// A (4, 3), B (3, 2), C (5, 2), D (2, 1), E (11, 1).
    /// 1: prefill-only A + B (4 + 3 = 7 ≤ 10; with C 12 > 10). 2: prefill-only C (A and B
    /// wait). 3: D cannot be admitted (3 running = B): decode-only, contexts 5 + 4 + 6 = 15 (A's 5
    /// crosses into a 2nd block: 2 + 1 + 2 = 5 blocks); B and C complete. 4: prefill-only D (A
    /// waits), which completes on its first token; E's 11 tokens can never fit one batch: rejected.
    /// 5: A's last decode.
    @Test func vllmV0RunsPrefillOnlyBatchesWhileDecodesWait() {
        var replica = ReplicaHarness(.vllmV0, batchSize: 3, chunkSize: 10, kvTokens: 40, blockSize: 4)
        for (prompt, output) in [(4, 3), (3, 2), (5, 2), (2, 1), (11, 1)] { replica.add(prompt: prompt, output: output) }
        #expect(replica.start() == batch(chunks: [(4, 0), (3, 0)]))
        #expect(replica.end() == ([0, 1], []))
        #expect(replica.start() == batch(chunks: [(5, 0)]))
        #expect(replica.end() == ([2], []))
        #expect(replica.start() == batch(decodes: 3, decodeContext: 15))
        #expect(replica.scheduler.kvUsed == 5 * 4)
        #expect(replica.problems == [])
        #expect(replica.end() == ([], [1, 2]))
        #expect(replica.start() == batch(chunks: [(2, 0)]))
        #expect(replica.changes.rejected.map(\.reason) == [.promptAboveTokenBudget])
        #expect(replica.changes.rejected.map(\.capacity) == [10])
        #expect(replica.end() == ([3], [3]))
        #expect(replica.start() == batch(decodes: 1, decodeContext: 6))
        #expect(replica.end() == ([], [0]))
        #expect(replica.start() == nil)
        #expect(replica.firstTokens == [0: 1, 1: 1, 2: 2, 3: 4])
        // A completes at 5, not 4: D's prefill-only iteration paused its decode.
        #expect(replica.completions == [0: 5, 1: 3, 2: 3, 3: 4])
    }

    /// sarathi, B = 4, C = 6 (decodes included), 4-token blocks. A (5, 3), B (6, 2), C (3, 2).
    /// 1: A's whole prompt and B's first token (5 + 1 = 6). 2: A decodes; B's last 5 (1 + 5 = 6).
    /// 3: two decodes (contexts 7 + 7); C's 3 tokens (2 + 3 ≤ 6); A and B complete. 4: C decodes.
    @Test func sarathiSpendsTheChunkOnDecodesThenPrefills() {
        var replica = ReplicaHarness(.sarathi, batchSize: 4, chunkSize: 6, kvTokens: 64, blockSize: 4)
        for (prompt, output) in [(5, 3), (6, 2), (3, 2)] { replica.add(prompt: prompt, output: output) }
        #expect(replica.start() == batch(chunks: [(5, 0), (1, 0)]))
        #expect(replica.scheduler.kvUsed == 4 * 4)
        #expect(replica.end() == ([0], []))
        #expect(replica.start() == batch(chunks: [(5, 1)], decodes: 1, decodeContext: 6))
        #expect(replica.end() == ([1], []))
        #expect(replica.start() == batch(chunks: [(3, 0)], decodes: 2, decodeContext: 14))
        #expect(replica.problems == [])
        #expect(replica.end() == ([2], [0, 1]))
        #expect(replica.start() == batch(decodes: 1, decodeContext: 4))
        #expect(replica.end() == ([], [2]))
    }

    /// The sarathi schedule timed at 1 s per iteration + 0.25 s per prompt token: 2.5 s (6 tokens),
    /// 2.25 s (5), 1.75 s (3), 1 s.
    @Test func sarathiScheduleTimes() {
        var replica = ReplicaHarness(
            .sarathi, batchSize: 4, chunkSize: 6, kvTokens: 64, blockSize: 4,
            model: LinearIterationTime(perIteration: 1, perPrefillToken: 0.25))
        for (prompt, output) in [(5, 3), (6, 2), (3, 2)] { replica.add(prompt: prompt, output: output) }
        while replica.start() != nil { replica.end() }
        #expect(replica.firstTokens == [0: 2.5, 1: 4.75, 2: 6.5])
        #expect(replica.completions == [0: 6.5, 1: 6.5, 2: 7.5])
    }

    /// single-chunk in 4-token blocks, B = 4, C = 4, 3 blocks. A (8, 3) and B (2, 2) are both
    /// admitted (2 + 1 blocks). 1, 2: A's two chunks. 3: A's context 9 crosses into a 3rd block and
    /// none is free: B, the newest (still waiting to prefill), is preempted; A decodes alone.
    /// 4: A decodes (context 10) and completes; B still cannot get its block. 5: B's prompt.
    /// 6: B decodes and completes.
    @Test func singleChunkRoundsToBlocksAndPreemptsAtABoundary() {
        var replica = ReplicaHarness(.singleChunk, batchSize: 4, chunkSize: 4, kvTokens: 12, blockSize: 4)
        replica.add(prompt: 8, output: 3)
        replica.add(prompt: 2, output: 2)
        #expect(replica.start() == batch(chunks: [(4, 0)]))
        #expect(replica.changes.admitted == 2)
        #expect(replica.scheduler.kvUsed == 12)
        #expect(replica.end() == ([], []))
        #expect(replica.start() == batch(chunks: [(4, 4)]))
        #expect(replica.end() == ([0], []))
        #expect(replica.start() == batch(decodes: 1, decodeContext: 9))
        #expect(replica.changes.preempted == 1)
        #expect(replica.problems == [])
        #expect(replica.end() == ([], []))
        #expect(replica.start() == batch(decodes: 1, decodeContext: 10))
        #expect(replica.changes.admitted == 0)
        #expect(replica.end() == ([], [0]))
        #expect(replica.start() == batch(chunks: [(2, 0)]))
        #expect(replica.end() == ([1], []))
        #expect(replica.start() == batch(decodes: 1, decodeContext: 3))
        #expect(replica.end() == ([], [1]))
    }

    /// 1,600 tokens in 16-token blocks are 100 blocks; a watermark of 0.05 keeps 5 free on
    /// admission. A prompt of 1,500 tokens takes ⌈1500 / 16⌉ = 94 blocks; then one of 17 tokens
    /// (2 blocks) would leave 4 < 5 free and waits; with a 0.04 watermark (4 blocks) it is admitted.
    /// A prompt of 1,521 tokens (96 blocks > 100 − 5) can never be admitted and is rejected; one of
    /// 1,520 (95 blocks) is. vllm-v1 keeps the watermark only beside other work: alone, a
    /// 1,600-token prompt takes all 100 blocks.
    @Test func blocksRoundUpAndTheWatermarkGatesAdmission() {
        #expect(KVBlockPool(capacityTokens: 1000, blockSize: 16, watermark: 0.01).total == 62)
        #expect(KVBlockPool(capacityTokens: 1000, blockSize: 16, watermark: 0.01).watermarkBlocks == 0)
        #expect(KVBlockPool(capacityTokens: 1600, blockSize: 16, watermark: 0.05).watermarkBlocks == 5)
        #expect(KVBlockPool(capacityTokens: 1600, blockSize: 16, watermark: 0).blocks(forTokens: 17) == 2)

        var strict = ReplicaHarness(.sarathi, batchSize: 4, chunkSize: 4096, kvTokens: 1600, blockSize: 16, watermark: 0.05)
        strict.add(prompt: 1500, output: 2)
        strict.add(prompt: 17, output: 2)
        #expect(strict.start() == batch(chunks: [(1500, 0)]))
        #expect(strict.changes.admitted == 1)
        #expect(strict.scheduler.kvUsed == 94 * 16)

        var loose = ReplicaHarness(.sarathi, batchSize: 4, chunkSize: 4096, kvTokens: 1600, blockSize: 16, watermark: 0.04)
        loose.add(prompt: 1500, output: 2)
        loose.add(prompt: 17, output: 2)
        #expect(loose.start() == batch(chunks: [(1500, 0), (17, 0)]))
        #expect(loose.scheduler.kvUsed == 96 * 16)

        var limits = ReplicaHarness(.vllmV0, batchSize: 4, chunkSize: 4096, kvTokens: 1600, blockSize: 16, watermark: 0.05)
        limits.add(prompt: 1521, output: 2)
        limits.add(prompt: 1520, output: 2)
        #expect(limits.start() == batch(chunks: [(1520, 0)]))
        #expect(limits.changes.rejected.map(\.reason) == [.promptAboveKVCapacity])
        #expect(limits.changes.rejected.map(\.capacity) == [95 * 16])

        var alone = ReplicaHarness(.vllmV1, batchSize: 4, chunkSize: 4096, kvTokens: 1600, blockSize: 16, watermark: 0.05)
        alone.add(prompt: 1600, output: 1)
        #expect(alone.start() == batch(chunks: [(1600, 0)]))
        #expect(alone.scheduler.kvUsed == 1600)
    }

    /// Every rule under pressure (2 replicas of 20 blocks of 16 tokens, 30 requests/s, random
    /// lengths, patience): the replicas' census agrees with their counters after every event, and
    /// every request completes, abandons or is rejected.
    @Test(arguments: BatchingRule.allCases)
    func countersHoldUnderPressure(rule: BatchingRule) {
        let configuration = SimulationConfiguration(
            replicas: replicas(2, rule: rule, model: LinearIterationTime(perIteration: 0.01, perPrefillToken: 1e-4),
                               batchSize: 8, chunkSize: 64, kv: 320, blockSize: 16, watermark: 0.1),
            classNames: ["a"], horizon: 20, meanPatience: [20], sampleCount: 0)
        var source = PoissonSource(rate: 30, horizon: 20, seed: 7, promptMean: 30, outputMean: 60)
        var engine = SimulationEngine(configuration: configuration, policy: RoundRobinRouting(), seed: 1)
        engine.begin(&source)
        var problems: [String] = []
        while problems.isEmpty, engine.step(&source) { problems = engine.invariantViolations() }
        #expect(problems == [])
        #expect(engine.inSystem == 0)
        #expect(engine.overall.arrived > 300)
        #expect(engine.overall.completed + engine.overall.abandoned + engine.overall.rejected.reduce(0, +) == engine.overall.arrived)
        #expect(engine.overall.preemptions > 0)
    }
}
