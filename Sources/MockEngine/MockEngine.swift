import Foundation
import InferenceAPI
import Simulation
import Synchronization

/// What a mock engine answers to a completion request: a JSON body with its status, or an SSE stream.
public enum MockReply: Sendable {
    /// A whole JSON body (a completion, or an OpenAI error body) and its HTTP status.
    case json(status: Int, body: [UInt8])
    /// `text/event-stream` frames, ending with `data: [DONE]`.
    case stream(MockEventStream)
}

/// An OpenAI-compatible engine without a GPU: requests go through the simulator's replica in
/// wall-clock time (`MockEngineLoop`, timing `model`) or are answered at once (timing `instant`);
/// answers are `MockTokenText`'s deterministic words. `MockEngineServer` puts it behind HTTP; tests
/// may call `complete` directly.
///
/// ```swift
/// let engine = MockEngine(config: MockEngineConfig(modelName: "llama-3.1-8b", replica: replica))
/// Task { await engine.run() }
/// let reply = await engine.complete(body: Array(#"{"model":"llama-3.1-8b","prompt":"hi","max_tokens":4}"#.utf8), endpoint: .text)
/// ```
public final class MockEngine: Sendable {
    public let config: MockEngineConfig
    public let metrics: MockEngineMetrics
    /// The engine loop (nil for instant timing).
    let loop: MockEngineLoop?
    /// The longest prompt, and the longest prompt + output, a request may have.
    public let maxPromptTokens: Int
    public let maxContextTokens: Int
    private let sequence = Atomic<Int>(0)
    private let created = Int(Date().timeIntervalSince1970)

    public init(config: MockEngineConfig) {
        self.config = config
        metrics = MockEngineMetrics(modelName: config.modelName)
        let probe = LiveReplica(configuration: config.replica)
        maxPromptTokens = probe.largestAdmissiblePrompt
        maxContextTokens = config.replica.kvCapacityTokens / max(1, config.replica.blockSize) * max(1, config.replica.blockSize)
        loop = config.timing == .model ? MockEngineLoop(replica: config.replica, metrics: metrics, maxWaiting: config.maxWaiting) : nil
    }

    /// Runs the engine loop until the task is cancelled (returns at once for instant timing).
    public func run() async {
        await loop?.run()
    }

    /// Starts the engine loop's thread without waiting (tests; `run` is the server's way).
    public func start() { loop?.start() }

    /// Stops the engine loop; open streams end.
    public func stop() { loop?.stop() }

    /// Requests running, waiting, and the KV-cache usage now (zeros for instant timing).
    public var load: MockEngineLoad {
        loop?.load ?? MockEngineLoad(running: 0, waiting: 0, kvUsage: 0)
    }

    /// The `/metrics` text.
    public func metricsText() -> String { metrics.render(load: load) }

    /// The `/v1/models` body: the one model served.
    public func modelsBody() -> [UInt8] {
        let object: [String: Any] = [
            "object": "list",
            "data": [[
                "id": config.modelName, "object": "model", "created": created, "owned_by": "gpusched",
                "max_model_len": maxContextTokens,
            ] as [String: Any]],
        ]
        return Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data())
    }

    /// Answers one completion request (`body` as sent to `endpoint`).
    public func complete(body: some Collection<UInt8>, endpoint: CompletionEndpoint) async -> MockReply {
        let request: CompletionRequest
        do { request = try CompletionRequest(body: body, endpoint: endpoint) } catch { return .failure(error) }
        guard request.model == config.modelName else {
            return .failure(InferenceAPIError(
                status: 404, message: "The model '\(request.model)' does not exist; this engine serves '\(config.modelName)'.",
                type: "invalid_request_error", parameter: "model", code: "model_not_found"))
        }
        let promptTokens = PromptTokens.estimate(request.promptText)
        let outputTokens = request.maxTokens ?? config.defaultOutputTokens
        if promptTokens > maxPromptTokens || promptTokens + outputTokens > maxContextTokens {
            return .failure(.invalidRequest(
                "This model's maximum context length is \(maxContextTokens) tokens (prompts at most \(maxPromptTokens)). "
                    + "However, you requested \(promptTokens + outputTokens) tokens (\(promptTokens) in the prompt, "
                    + "\(outputTokens) in the completion).",
                parameter: request.maxTokens == nil ? "prompt" : "max_tokens"))
        }
        if config.firstTokenDelaySeconds > 0 {
            try? await Task.sleep(for: .seconds(config.firstTokenDelaySeconds))
        }
        let number = sequence.wrappingAdd(1, ordering: .relaxed).newValue
        let answer = MockAnswer(
            builder: CompletionResponseBuilder(
                endpoint: endpoint, id: (endpoint == .chat ? "chatcmpl-mock-" : "cmpl-mock-") + String(number),
                model: config.modelName, created: created, includeUsage: request.includeUsage),
            text: MockTokenText(prompt: request.promptText), promptTokens: promptTokens, outputTokens: outputTokens,
            finishReason: request.maxTokens == nil ? .stop : .length, metrics: metrics)
        guard let loop else {
            metrics.record(MockEngineMetrics.Batch(
                firstTokens: [0], interTokens: [Double](repeating: 0, count: outputTokens - 1), promptTokens: promptTokens,
                generationTokens: outputTokens))
            if request.stream { return .stream(MockEventStream(answer: answer, progress: nil)) }
            answer.succeeded()
            return .json(status: 200, body: answer.response())
        }
        guard let progress = loop.submit(promptTokens: promptTokens, outputTokens: outputTokens) else {
            return .failure(InferenceAPIError(
                status: 503, message: "the engine's queue is full (\(config.maxWaiting) requests waiting)", type: "server_error",
                code: "overloaded"))
        }
        if request.stream { return .stream(MockEventStream(answer: answer, progress: progress)) }
        var last = TokenProgress(emitted: 0, finished: false)
        for await update in progress { last = update }
        if let failure = last.failure { return .failure(failure) }
        guard last.finished else {
            return .failure(InferenceAPIError(status: 503, message: "the engine stopped before the answer was complete", type: "server_error"))
        }
        answer.succeeded()
        return .json(status: 200, body: answer.response())
    }
}

extension MockReply {
    static func failure(_ error: InferenceAPIError) -> MockReply { .json(status: error.status, body: error.body()) }
}

/// One request's answer: the response builder, its text, its lengths.
struct MockAnswer: Sendable {
    let builder: CompletionResponseBuilder
    let text: MockTokenText
    let promptTokens: Int
    let outputTokens: Int
    let finishReason: FinishReason
    let metrics: MockEngineMetrics

    var usage: CompletionUsage { CompletionUsage(promptTokens: promptTokens, completionTokens: outputTokens) }

    func response() -> [UInt8] {
        builder.response(text: text.tokens(0..<outputTokens), finishReason: finishReason, usage: usage)
    }

    /// The SSE frames of tokens `range`, then, when `last`, the finish chunk, the usage chunk (when
    /// asked for) and `[DONE]`.
    func frames(_ range: Range<Int>, last: Bool) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(range.count * 200 + (last ? 400 : 0))
        for index in range {
            bytes += ServerSentEvents.frame(builder.chunk(text: text.token(index), first: index == 0))
        }
        if last {
            bytes += ServerSentEvents.frame(builder.finishChunk(finishReason))
            if builder.includeUsage { bytes += ServerSentEvents.frame(builder.usageChunk(usage)) }
            bytes += ServerSentEvents.doneFrame
        }
        return bytes
    }

    func succeeded() { metrics.recordSuccess(finishReason) }
}

/// The SSE body of a streamed answer: each element is the frames of the tokens emitted since the
/// previous one (one chunk per token), the last one ends with the finish chunk, the usage chunk
/// when `include_usage`, and `data: [DONE]`. A request the engine refuses after the stream began
/// ends with an error event (`data: {"error": …}`) and `[DONE]`. Dropping the stream before its end
/// aborts the request in the engine.
public struct MockEventStream: AsyncSequence, Sendable {
    public typealias Element = [UInt8]
    let answer: MockAnswer
    /// The engine's progress; nil for an instant answer (every token at once).
    let progress: AsyncStream<TokenProgress>?

    public struct AsyncIterator: AsyncIteratorProtocol {
        let answer: MockAnswer
        var progress: AsyncStream<TokenProgress>.AsyncIterator?
        var sent = 0
        var done = false

        public mutating func next() async -> [UInt8]? {
            guard !done else { return nil }
            guard progress != nil else {
                done = true
                answer.succeeded()
                return answer.frames(0..<answer.outputTokens, last: true)
            }
            guard let update = await progress?.next() else {
                done = true
                let error = InferenceAPIError(status: 503, message: "the engine stopped before the answer was complete", type: "server_error")
                return ServerSentEvents.frame(error.body()) + ServerSentEvents.doneFrame
            }
            if let failure = update.failure {
                done = true
                return ServerSentEvents.frame(failure.body()) + ServerSentEvents.doneFrame
            }
            let emitted = Swift.min(update.emitted, answer.outputTokens)
            defer { sent = emitted }
            if update.finished {
                done = true
                answer.succeeded()
            }
            return answer.frames(sent..<emitted, last: update.finished)
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(answer: answer, progress: progress?.makeAsyncIterator())
    }
}
