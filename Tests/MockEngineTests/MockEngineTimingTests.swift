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
        engine.start()
        defer { engine.stop() }
        let prompt = PromptTokens.text(tokens: 3_000, seed: 1)
        let outputs = 40
        let model = engine.config.replica.iterationModel
        var prefill = BatchShape()
        prefill.addPrefillChunk(tokens: 3_000, context: 0)
        let expectedFirst = model.iterationSeconds(prefill)
        let expectedDecodes = (1..<outputs).map { model.iterationSeconds(BatchShape(decodeStreams: 1, decodeContextTokens: 3_000 + $0)) }

        let expectedEnd = expectedFirst + expectedDecodes.reduce(0, +)
        let expectedGap = expectedDecodes.reduce(0, +) / Double(expectedDecodes.count)
        // Timer tolerance: 10 % or 2 ms, whichever is larger. A loaded machine only delays tokens, so
        // every attempt must not be early, and the best of three must be on time.
        var onTime = false
        for attempt in 1...3 where !onTime {
            let start = ContinuousClock.now
            let reply = await engine.complete(body: MockFixture.chat(prompt: prompt, maxTokens: outputs, stream: true), endpoint: .chat)
            let payloads = try await MockFixture.read(try #require(reply.stream), from: start)
            let tokenTimes = payloads.filter { $0.payload != ServerSentEvents.done }.compactMap { entry -> Double? in
                guard let chunk = try? CompletionPayload(json: Array(entry.payload.utf8)), !chunk.text.isEmpty else { return nil }
                return entry.seconds
            }
            try #require(tokenTimes.count == outputs)
            let firstToken = tokenTimes[0]
            let end = tokenTimes[outputs - 1]
            let meanGap = (end - firstToken) / Double(outputs - 1)
            #expect(firstToken >= expectedFirst * 0.99, "TTFT \(firstToken) s is earlier than the model's \(expectedFirst) s")
            #expect(end >= expectedEnd * 0.99, "the last token at \(end) s is earlier than the model's \(expectedEnd) s")
            onTime = abs(firstToken - expectedFirst) <= max(0.1 * expectedFirst, 0.002)
                && abs(meanGap - expectedGap) <= max(0.1 * expectedGap, 0.002)
                && abs(end - expectedEnd) <= max(0.1 * expectedEnd, 0.002)
            if !onTime {
                print("attempt \(attempt): TTFT \(firstToken) s (model \(expectedFirst)), mean inter-token \(meanGap) s (model \(expectedGap)), end \(end) s (model \(expectedEnd))")
            }
            #expect(engine.metrics.totals.firstTokens == attempt)
            #expect(engine.metrics.totals.interTokens == attempt * (outputs - 1))
            #expect(engine.metrics.totals.generationTokens == attempt * outputs)
            #expect(engine.metrics.totals.promptTokens == attempt * 3_000)
        }
        #expect(onTime, "no attempt of three came within 10 % or 2 ms of the model's times")
    }

    @Test func concurrentStreamsAllFinishAndLeaveTheEngineEmpty() async throws {
        let engine = try MockFixture.engine()
        engine.start()
        defer { engine.stop() }
        let prompts = (0..<8).map { PromptTokens.text(tokens: 500 + 100 * $0, seed: UInt64($0)) }
        // Never earlier than one prefill of the shortest prompt plus 9 decode iterations.
        let model = engine.config.replica.iterationModel
        var shortest = BatchShape()
        shortest.addPrefillChunk(tokens: 500, context: 0)
        let floor = model.iterationSeconds(shortest) + 9 * model.iterationSeconds(BatchShape(decodeStreams: 1, decodeContextTokens: 501))
        let start = ContinuousClock.now
        let texts = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for (index, prompt) in prompts.enumerated() {
                group.addTask {
                    let reply = await engine.complete(body: MockFixture.text(prompt: prompt, maxTokens: 10, stream: true), endpoint: .text)
                    let payloads = try await MockFixture.read(try #require(reply.stream), from: .now)
                    let text = try payloads.dropLast().map { try CompletionPayload(json: Array($0.payload.utf8)).text }.joined()
                    return (index, text)
                }
            }
            var texts = [String](repeating: "", count: prompts.count)
            for try await (index, text) in group { texts[index] = text }
            return texts
        }
        #expect((ContinuousClock.now - start).seconds >= floor * 0.99)
        for (prompt, text) in zip(prompts, texts) { #expect(text == MockTokenText(prompt: prompt).tokens(0..<10)) }
        #expect(engine.load == MockEngineLoad(running: 0, waiting: 0, kvUsage: 0))
        #expect(engine.metrics.totals.succeeded == 8)
    }
}
