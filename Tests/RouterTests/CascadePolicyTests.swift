import Foundation
import InferenceAPI
import Synchronization
import Testing

@testable import Router

/// A pool stand-in: answers each model with a scripted response and records what it was sent.
final class FakePools: CompletionSending {
    enum Reply: Sendable {
        case answer(text: String, score: Double?)
        case status(Int)
        case unreachable
    }

    let replies: [String: Reply]
    let sent = Mutex<[(model: String, body: [UInt8], requestID: String)]>([])

    init(_ replies: [String: Reply]) { self.replies = replies }

    func complete(model: String, endpoint: CompletionEndpoint, body: [UInt8], requestID: String) async throws -> UpstreamCompletion {
        sent.withLock { $0.append((model, body, requestID)) }
        switch replies[model] {
        case let .answer(text, score)?:
            return UpstreamCompletion(status: 200, body: Self.chatCompletion(model: model, text: text, score: score))
        case let .status(code)?:
            return UpstreamCompletion(status: code, body: Array(#"{"error":{"message":"overloaded"}}"#.utf8))
        case .unreachable?, nil:
            throw URLError(.cannotConnectToHost)
        }
    }

    var models: [String] { sent.withLock { $0.map(\.model) } }

    static func chatCompletion(model: String, text: String, score: Double?) -> [UInt8] {
        var object: [String: Any] = [
            "id": "cmpl-\(model)", "object": "chat.completion", "created": 1_700_000_000, "model": model,
            "choices": [["index": 0, "message": ["role": "assistant", "content": text], "finish_reason": "stop"]],
            "usage": ["prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8],
        ]
        if let score { object["gpusched_score"] = score }
        return Array(try! JSONSerialization.data(withJSONObject: object))
    }
}

/// A judge endpoint stand-in: replies with a scripted text per answer and records the prompts.
final class FakeJudgeTransport: JudgeTransport {
    let reply: @Sendable (String) -> UpstreamCompletion?
    let prompts = Mutex<[String]>([])
    let headers = Mutex<[[(String, String)]]>([])

    init(reply: @escaping @Sendable (String) -> UpstreamCompletion?) { self.reply = reply }

    func post(url: String, headers sentHeaders: [(String, String)], body: [UInt8], timeoutSeconds: Double) async throws -> UpstreamCompletion {
        let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        let messages = object?["messages"] as? [[String: Any]]
        let prompt = messages?.first?["content"] as? String ?? ""
        prompts.withLock { $0.append(prompt) }
        headers.withLock { $0.append(sentHeaders) }
        guard let response = reply(prompt) else { throw URLError(.timedOut) }
        return response
    }

    static func says(_ text: String) -> UpstreamCompletion {
        UpstreamCompletion(status: 200, body: FakePools.chatCompletion(model: "judge", text: text, score: nil))
    }
}

@Suite struct CascadePolicyTests {
    static let chatBody = Array(#"{"model":"cascade","messages":[{"role":"user","content":"What is 2+2?"}],"stream":true,"stream_options":{"include_usage":true},"max_tokens":32}"#.utf8)
    static var request: CompletionRequest { try! CompletionRequest(body: chatBody, endpoint: .chat) }

    static func cascade(_ thresholds: [Double], judge: JudgeConfig = .scoreField("gpusched_score")) -> CascadeConfig {
        let models = ["small", "medium", "large"]
        return CascadeConfig(
            name: "cascade",
            stages: thresholds.indices.map { CascadeStage(model: models[$0], threshold: thresholds[$0]) }
                + [CascadeStage(model: models[thresholds.count], threshold: 0)],
            judge: judge)
    }

    static func run(_ config: CascadeConfig, _ pools: FakePools, judge: (any CascadeJudging)? = nil) async throws -> CascadeAnswer {
        try await CascadePolicy(config: config, sender: pools, judge: judge ?? ScoreFieldJudge(path: "gpusched_score"))
            .answer(body: chatBody, request: request, requestID: "req-1")
    }

    /// Scores (small, medium) against thresholds (80, 70): which stage answers, and which were asked.
    @Test(arguments: [
        (85.0, 10.0, "small", ["small"], CascadeAnswer.Outcome.accepted),
        (80.0, 10.0, "small", ["small"], .accepted),  // at the threshold: kept
        (79.9, 70.0, "medium", ["small", "medium"], .accepted),
        (10.0, 69.0, "large", ["small", "medium", "large"], .last),
    ])
    func escalatesWhileTheScoreIsBelowTheThreshold(
        small: Double, medium: Double, answering: String, asked: [String], outcome: CascadeAnswer.Outcome
    ) async throws {
        let pools = FakePools([
            "small": .answer(text: "four-ish", score: small), "medium": .answer(text: "4", score: medium),
            "large": .answer(text: "4.", score: 99),
        ])
        let answer = try await Self.run(Self.cascade([80, 70]), pools)
        #expect(answer.model == answering)
        #expect(answer.outcome == outcome)
        #expect(pools.models == asked)
        #expect(CascadeBody.answerText(answer.completion.body) == ["small": "four-ish", "medium": "4", "large": "4."][answering])
        let headers = Dictionary(uniqueKeysWithValues: answer.headers)
        #expect(headers["x-gpusched-cascade-model"] == answering)
        #expect(headers["x-gpusched-cascade-stage"] == String(asked.count - 1))
        let judged = [small, medium].prefix(min(asked.count, 2))
        #expect(headers["x-gpusched-cascade-scores"] == judged.map { String($0) }.joined(separator: ","))
    }

    @Test func stageRequestsAreNonStreamingWithTheStageModel() async throws {
        let pools = FakePools(["small": .answer(text: "a", score: 10), "medium": .answer(text: "b", score: 0)])
        _ = try await Self.run(Self.cascade([50]), pools)
        let sent = pools.sent.withLock { $0 }
        #expect(sent.map(\.requestID) == ["req-1-s0", "req-1-s1"])
        for (k, entry) in sent.enumerated() {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(entry.body)) as? [String: Any])
            #expect(object["model"] as? String == ["small", "medium"][k])
            #expect(object["stream"] as? Bool == false)
            #expect(object["stream_options"] == nil)
            #expect(object["max_tokens"] as? Int == 32)
        }
    }

    @Test func failedStagesEscalateAndTheLastAnswerIsKeptWhenTheLastStageFails() async throws {
        // small unreachable → medium scores 20 < 70 → large answers 503: the client gets medium's answer.
        let pools = FakePools(["small": .unreachable, "medium": .answer(text: "mid", score: 20), "large": .status(503)])
        let answer = try await Self.run(Self.cascade([80, 70]), pools)
        #expect(answer.outcome == .fallback)
        #expect(answer.model == "medium")
        #expect(answer.steps.map(\.escalation) == [.upstreamError, .belowThreshold, .upstreamError])
        // No stage answers: the last error response goes back as is; nothing at all: 502.
        let failing = try await Self.run(Self.cascade([80]), FakePools(["small": .unreachable, "medium": .status(429)]))
        #expect(failing.outcome == .failed)
        #expect(failing.completion.status == 429)
        do {
            _ = try await Self.run(Self.cascade([80]), FakePools([:]))
            Issue.record("a cascade with no answering stage returned an answer")
        } catch let error as InferenceAPIError {
            #expect(error.status == 502)
            #expect(error.message.contains("no stage answered"))
        }
    }

    @Test func aMissingScoreEscalates() async throws {
        let pools = FakePools(["small": .answer(text: "unscored", score: nil), "medium": .answer(text: "m", score: nil)])
        let answer = try await Self.run(Self.cascade([50]), pools)
        #expect(answer.model == "medium")
        #expect(answer.steps.first?.escalation == .judgeError)
        #expect(Dictionary(uniqueKeysWithValues: answer.headers)["x-gpusched-cascade-scores"] == "-")
    }

    @Test func theEndpointJudgeSendsTheTemplateAndReadsTheFirstNumber() async throws {
        let transport = FakeJudgeTransport { prompt in
            prompt.contains("Answer: four-ish") ? FakeJudgeTransport.says("Score: 42/100") : FakeJudgeTransport.says("I'd say 91.5, clearly.")
        }
        let endpoint = JudgeEndpoint(
            url: "http://127.0.0.1:1/v1/chat/completions", model: "judge", prompt: "Q: {question}\nAnswer: {answer}", apiKey: "sk-test")
        let judge = EndpointJudge(endpoint, transport: transport)
        let pools = FakePools(["small": .answer(text: "four-ish", score: nil), "medium": .answer(text: "4", score: nil), "large": .answer(text: "x", score: nil)])
        let answer = try await Self.run(Self.cascade([50, 90], judge: .endpoint(endpoint)), pools, judge: judge)
        #expect(answer.model == "medium")
        #expect(answer.steps.compactMap(\.score) == [42, 91.5])
        #expect(transport.prompts.withLock { $0 } == ["Q: What is 2+2?\nAnswer: four-ish", "Q: What is 2+2?\nAnswer: 4"])
        let sentHeaders = transport.headers.withLock { $0.first ?? [] }
        #expect(sentHeaders.contains { $0 == ("authorization", "Bearer sk-test") })
        #expect(answer.judgeSeconds >= 0)
        // A judge that does not answer, or answers no number, escalates.
        let silent = EndpointJudge(endpoint, transport: FakeJudgeTransport { _ in nil })
        await #expect(throws: CascadeJudgeError.self) {
            _ = try await silent.score(question: "q", response: FakePools.chatCompletion(model: "m", text: "a", score: nil), requestID: "r")
        }
        let wordy = EndpointJudge(endpoint, transport: FakeJudgeTransport { _ in FakeJudgeTransport.says("excellent") })
        await #expect(throws: CascadeJudgeError.self) {
            _ = try await wordy.score(question: "q", response: FakePools.chatCompletion(model: "m", text: "a", score: nil), requestID: "r")
        }
    }

    @Test func judgeParsing() {
        #expect(CascadeBody.firstNumber(in: "Score: 87") == 87)
        #expect(CascadeBody.firstNumber(in: "rating -3 of 10") == -3)
        #expect(CascadeBody.firstNumber(in: "4.5 stars") == 4.5)
        #expect(CascadeBody.firstNumber(in: "version 2. ok") == 2)
        #expect(CascadeBody.firstNumber(in: "none") == nil)
        let body = Array(#"{"gpusched_score":71.5,"flag":true,"text":" 12 ","choices":[{"score":3}]}"#.utf8)
        #expect(CascadeBody.number(at: "gpusched_score", in: body) == 71.5)
        #expect(CascadeBody.number(at: "choices.0.score", in: body) == 3)
        #expect(CascadeBody.number(at: "text", in: body) == 12)
        #expect(CascadeBody.number(at: "flag", in: body) == nil)
        #expect(CascadeBody.number(at: "choices.1.score", in: body) == nil)
        #expect(throws: InferenceAPIError.self) { _ = try CascadeBody.stageBody(original: Array("[1]".utf8), model: "m") }
    }

    /// A streaming client gets the final answer as one chunk, the usage chunk and [DONE].
    @Test func streamsTheFinalAnswerAtTheEnd() throws {
        let completion = UpstreamCompletion(status: 200, body: FakePools.chatCompletion(model: "large", text: "four", score: nil))
        let answer = CascadeAnswer(completion: completion, stage: 1, model: "large", outcome: .last, steps: [])
        var parser = ServerSentEventParser()
        let events = try parser.feed(answer.streamFrames(endpoint: .chat, includeUsage: true))
        #expect(events.count == 3)
        #expect(events.last == Array("[DONE]".utf8))
        let chunk = try #require(try JSONSerialization.jsonObject(with: Data(events[0])) as? [String: Any])
        #expect(chunk["object"] as? String == "chat.completion.chunk")
        let choice = try #require((chunk["choices"] as? [[String: Any]])?.first)
        #expect((choice["delta"] as? [String: Any])?["content"] as? String == "four")
        #expect(choice["finish_reason"] as? String == "stop")
        let usage = try #require(try JSONSerialization.jsonObject(with: Data(events[1])) as? [String: Any])
        #expect((usage["usage"] as? [String: Any])?["total_tokens"] as? Int == 8)
        let text = try parser.feed(answer.streamFrames(endpoint: .text, includeUsage: false))
        #expect(text.count == 2)
    }
}
