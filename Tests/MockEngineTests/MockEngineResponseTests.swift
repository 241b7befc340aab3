import Foundation
import InferenceAPI
@testable import MockEngine
import Testing

/// Wire formats, deterministic text, metrics and bad requests.
@Suite struct MockEngineResponseTests {
    @Test(arguments: [MockTiming.instant, .model])
    func aStreamParsesAndEndsWithDone(timing: MockTiming) async throws {
        let engine = try MockFixture.engine(timing: timing)
        engine.start()
        defer { engine.stop() }
        let prompt = "Tell me about queues."
        let reply = await engine.complete(body: MockFixture.chat(prompt: prompt, maxTokens: 5, stream: true, includeUsage: true), endpoint: .chat)
        let payloads = try await MockFixture.read(try #require(reply.stream), from: .now).map(\.payload)
        #expect(payloads.last == ServerSentEvents.done)
        let chunks = try payloads.dropLast().map { try CompletionPayload(json: Array($0.utf8)) }
        // 5 token chunks, the finish chunk, the usage chunk.
        #expect(chunks.count == 7)
        #expect(chunks.allSatisfy { $0.object == "chat.completion.chunk" })
        #expect(chunks.map(\.text).joined() == MockTokenText(prompt: prompt).tokens(0..<5))
        #expect(chunks[5].finishReason == "length")
        #expect(chunks[6].usage == CompletionUsage(promptTokens: PromptTokens.estimate(prompt), completionTokens: 5))
        #expect(chunks[0..<6].allSatisfy { $0.usage == nil })
        #expect(payloads[0].contains(#""role":"assistant""#))
        #expect(payloads[0].contains(#""usage":null"#))
    }

    @Test func aTextCompletionStreamHasTextCompletionChunks() async throws {
        let engine = try MockFixture.engine(timing: .instant)
        let reply = await engine.complete(body: MockFixture.text(prompt: "abc", maxTokens: 3, stream: true), endpoint: .text)
        let payloads = try await MockFixture.read(try #require(reply.stream), from: .now).map(\.payload)
        #expect(payloads.count == 5)
        let chunks = try payloads.dropLast().map { try CompletionPayload(json: Array($0.utf8)) }
        #expect(chunks.allSatisfy { $0.object == "text_completion" })
        #expect(chunks.map(\.text).joined() == MockTokenText(prompt: "abc").tokens(0..<3))
        #expect(!payloads[0].contains("usage"))
    }

    @Test func theSameRequestGetsTheSameText() async throws {
        let engine = try MockFixture.engine(timing: .instant, defaultOutputTokens: 12)
        func answer(_ prompt: String) async throws -> CompletionPayload {
            let reply = try #require(await engine.complete(body: MockFixture.chat(prompt: prompt), endpoint: .chat).json)
            #expect(reply.status == 200)
            return try CompletionPayload(json: reply.body)
        }
        let first = try await answer("What is a KV cache?")
        let again = try await answer("What is a KV cache?")
        let other = try await answer("What is a batch?")
        #expect(first.text == again.text)
        #expect(first.text != other.text)
        #expect(first.object == "chat.completion")
        // No max_tokens: the default output length, ended by the model (stop).
        #expect(first.finishReason == "stop")
        #expect(first.text.split(separator: " ").count == 12)
        #expect(first.usage == CompletionUsage(promptTokens: PromptTokens.estimate("What is a KV cache?"), completionTokens: 12))
        #expect(first.usage?.totalTokens == first.usage.map { $0.promptTokens + 12 })
    }

    @Test func theTokenTextIsAFunctionOfThePromptAndThePosition() {
        let text = MockTokenText(prompt: "x")
        #expect(text.tokens(0..<4) == text.token(0) + text.token(1) + text.token(2) + text.token(3))
        #expect(Set((0..<200).map(text.token)).count > 40)
        #expect(MockTokenText(prompt: "x").promptHash == text.promptHash)
        #expect(MockTokenText(prompt: "y").promptHash != text.promptHash)
    }

    @Test func badRequestsGetOpenAIErrors() async throws {
        let engine = try MockFixture.engine(timing: .instant)
        func error(_ body: [UInt8], _ endpoint: CompletionEndpoint = .chat) async throws -> (Int, [String: Any]) {
            let reply = try #require(await engine.complete(body: body, endpoint: endpoint).json)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(reply.body)) as? [String: Any])
            return (reply.status, try #require(object["error"] as? [String: Any]))
        }
        let (malformedStatus, malformed) = try await error(Array("{not json".utf8))
        #expect(malformedStatus == 400)
        #expect((malformed["message"] as? String)?.contains("not valid JSON") == true)
        let (missingStatus, missing) = try await error(MockFixture.body(["model": MockFixture.model]), .text)
        #expect(missingStatus == 400)
        #expect(missing["param"] as? String == "prompt")
        let (modelStatus, model) = try await error(MockFixture.chat(prompt: "hi", model: "gpt-4"))
        #expect(modelStatus == 404)
        #expect(model["code"] as? String == "model_not_found")
        let (longStatus, long) = try await error(MockFixture.chat(prompt: "hi", maxTokens: 50_000_000))
        #expect(longStatus == 400)
        #expect(long["param"] as? String == "max_tokens")
        #expect((long["message"] as? String)?.contains("maximum context length is \(engine.maxContextTokens) tokens") == true)
        let huge = String(repeating: "a", count: 4 * (engine.maxPromptTokens + 1))
        let (promptStatus, prompt) = try await error(MockFixture.chat(prompt: huge, maxTokens: 1))
        #expect(promptStatus == 400)
        #expect((prompt["message"] as? String)?.contains("\(engine.maxPromptTokens + 1) in the prompt") == true)
    }

    @Test func metricsCarryVLLMNamesAndInFlightCounts() async throws {
        let engine = try MockFixture.engine()
        engine.start()
        defer { engine.stop() }
        // A long stream: while it runs, one request is running and none waits.
        let consumer = Task {
            let reply = await engine.complete(body: MockFixture.chat(prompt: "long", maxTokens: 2_000, stream: true), endpoint: .chat)
            guard let stream = reply.stream else { return }
            for await _ in stream {}
        }
        try await Self.waitUntil { engine.metrics.totals.firstTokens == 1 }
        let during = engine.metricsText()
        #expect(during.contains(#"vllm:num_requests_running{model_name="llama-3.1-8b"} 1.0"#))
        #expect(during.contains(#"vllm:num_requests_waiting{model_name="llama-3.1-8b"} 0.0"#))
        let usage = try #require(Self.value(of: "vllm:kv_cache_usage_perc", in: during))
        #expect(usage > 0 && usage < 1)
        #expect(during.contains(#"vllm:time_to_first_token_seconds_count{model_name="llama-3.1-8b"} 1"#))
        // A short request to the end: one success (length), its tokens counted.
        let short = await engine.complete(body: MockFixture.text(prompt: "abcd", maxTokens: 3), endpoint: .text)
        #expect(short.json?.status == 200)
        let after = engine.metricsText()
        #expect(after.contains(#"vllm:request_success_total{finished_reason="length",model_name="llama-3.1-8b"} 1"#))
        #expect(after.contains(#"vllm:prompt_tokens_total{model_name="llama-3.1-8b"} "#))
        for name in ["vllm:generation_tokens_total", "vllm:inter_token_latency_seconds_bucket", "vllm:time_to_first_token_seconds_sum"] {
            #expect(after.contains(name))
        }
        // Each histogram's +Inf bucket equals its count.
        let ttftCount = Self.value(of: "vllm:time_to_first_token_seconds_count", in: after)
        #expect(Self.value(of: #"vllm:time_to_first_token_seconds_bucket{model_name="llama-3.1-8b",le="+Inf"}"#, in: after) == ttftCount)
        #expect(ttftCount == 2)
        // A client that goes away (its task cancelled) aborts the long request: the engine empties.
        consumer.cancel()
        try await Self.waitUntil { engine.load.running == 0 }
        #expect(engine.load.running == 0)
        #expect(engine.load.kvUsage == 0)
        #expect(engine.metrics.totals.succeeded == 1)
    }

    /// Polls `condition` every 5 ms for at most 2 s.
    static func waitUntil(_ condition: () -> Bool) async throws {
        for _ in 0..<400 where !condition() { try await Task.sleep(for: .milliseconds(5)) }
    }

    /// The value of the first sample line starting with `name` (labels included when given).
    static func value(of name: String, in text: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(name) && !$0.hasPrefix("#") }
            .flatMap { $0.split(separator: " ").last.flatMap { Double($0) } }
    }
}
