import InferenceAPI
@testable import MockEngine
import ServingModel
import Simulation
import Testing

/// A model-timed engine run live in-process: a lone request's first token comes after the
/// prefill iteration's time and its next tokens after the decode iterations' times.
@Suite struct MockEngineTimingTests {
    @Test func aLoneStreamFollowsThePerformanceModel() async throws {
        let engine = try MockFixture.engine()
        let loop = Task { await engine.run() }
        defer { loop.cancel() }
        let prompt = PromptTokens.text(tokens: 3_000, seed: 1)
        let outputs = 40
        let model = engine.config.replica.iterationModel
        var prefill = BatchShape()
        prefill.addPrefillChunk(tokens: 3_000, context: 0)
        let expectedFirst = model.iterationSeconds(prefill)
        let expectedDecodes = (1..<outputs).map { model.iterationSeconds(BatchShape(decodeStreams: 1, decodeContextTokens: 3_000 + $0)) }

        let start = ContinuousClock.now
        let reply = await engine.complete(body: MockFixture.chat(prompt: prompt, maxTokens: outputs, stream: true), endpoint: .chat)
        let stream = try #require(reply.stream)
        let payloads = try await MockFixture.read(stream, from: start)
        let tokenTimes = payloads.filter { $0.payload != ServerSentEvents.done }.compactMap { entry -> Double? in
            guard let chunk = try? CompletionPayload(json: Array(entry.payload.utf8)), !chunk.text.isEmpty else { return nil }
            return entry.seconds
        }
        try #require(tokenTimes.count == outputs)
        let firstToken = tokenTimes[0]
        // Timer tolerance: 10 % or 2 ms, whichever is larger (plus scheduling noise on a shared machine).
        #expect(abs(firstToken - expectedFirst) <= max(0.1 * expectedFirst, 0.002) + 0.003,
                "TTFT \(firstToken) s, model \(expectedFirst) s")
        let gaps = zip(tokenTimes.dropFirst(), tokenTimes).map { $0 - $1 }
        let meanGap = gaps.reduce(0, +) / Double(gaps.count)
        let expectedGap = expectedDecodes.reduce(0, +) / Double(expectedDecodes.count)
        #expect(abs(meanGap - expectedGap) <= max(0.1 * expectedGap, 0.002), "mean inter-token \(meanGap) s, model \(expectedGap) s")
        // Deadlines are absolute: the whole stream ends when the model says, whatever each timer's lateness.
        let expectedEnd = expectedFirst + expectedDecodes.reduce(0, +)
        #expect(abs(tokenTimes[outputs - 1] - expectedEnd) <= max(0.1 * expectedEnd, 0.002) + 0.003)
        #expect(engine.metrics.totals.firstTokens == 1)
        #expect(engine.metrics.totals.interTokens == outputs - 1)
        #expect(engine.metrics.totals.generationTokens == outputs)
        #expect(engine.metrics.totals.promptTokens == 3_000)
    }

    @Test func concurrentRequestsShareIterationsAndAgreeWithTheReplica() async throws {
        // Two requests at once: both prefill in the first iteration (vllm-v1 budget 8192), so both
        // first tokens come after one iteration of 2 × 1,000 prompt tokens.
        let engine = try MockFixture.engine()
        let loop = Task { await engine.run() }
        defer { loop.cancel() }
        var prefill = BatchShape()
        prefill.addPrefillChunk(tokens: 1_000, context: 0)
        prefill.addPrefillChunk(tokens: 1_000, context: 0)
        let expected = engine.config.replica.iterationModel.iterationSeconds(prefill)
        let start = ContinuousClock.now
        async let first = engine.complete(body: MockFixture.text(prompt: PromptTokens.text(tokens: 1_000, seed: 2), maxTokens: 1), endpoint: .text)
        async let second = engine.complete(body: MockFixture.text(prompt: PromptTokens.text(tokens: 1_000, seed: 3), maxTokens: 1), endpoint: .text)
        let replies = await [first, second]
        let elapsed = (ContinuousClock.now - start).seconds
        for reply in replies { #expect(reply.json?.status == 200) }
        // Both were in the one batch only if they arrived together; at worst the second waits one iteration.
        #expect(elapsed >= expected * 0.9)
        #expect(elapsed <= 2.2 * expected + 0.01)
    }
}
