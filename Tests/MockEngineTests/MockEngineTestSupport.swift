import Foundation
import InferenceAPI
@testable import MockEngine
import Simulation

/// Helpers of the mock engine tests: engines, request bodies, and a stream read with the time of
/// each element.
enum MockFixture {
    static let model = "llama-3.1-8b"

    static func replica() throws -> ReplicaConfiguration {
        try LiveReplicaSetup.configuration(model: model, gpu: "H100-80GB", tensorParallel: 1)
    }

    static func engine(timing: MockTiming = .model, defaultOutputTokens: Int = 16) throws -> MockEngine {
        MockEngine(config: MockEngineConfig(
            modelName: model, replica: try replica(), timing: timing, defaultOutputTokens: defaultOutputTokens))
    }

    static func body(_ object: [String: Any]) -> [UInt8] {
        Array((try? JSONSerialization.data(withJSONObject: object)) ?? Data())
    }

    static func chat(prompt: String, maxTokens: Int? = nil, stream: Bool = false, includeUsage: Bool = false, model: String = model) -> [UInt8] {
        var object: [String: Any] = ["model": model, "messages": [["role": "user", "content": prompt]], "stream": stream]
        if let maxTokens { object["max_tokens"] = maxTokens }
        if includeUsage { object["stream_options"] = ["include_usage": true] }
        return body(object)
    }

    static func text(prompt: String, maxTokens: Int? = nil, stream: Bool = false) -> [UInt8] {
        var object: [String: Any] = ["model": model, "prompt": prompt, "stream": stream]
        if let maxTokens { object["max_tokens"] = maxTokens }
        return body(object)
    }

    /// The SSE payloads of a stream, each with the seconds since `start` at which its element came.
    static func read(_ stream: MockEventStream, from start: ContinuousClock.Instant) async throws -> [(seconds: Double, payload: String)] {
        var parser = ServerSentEventParser()
        var payloads: [(Double, String)] = []
        for await element in stream {
            let seconds = (ContinuousClock.now - start).seconds
            for payload in try parser.feed(element) { payloads.append((seconds, String(decoding: payload, as: UTF8.self))) }
        }
        return payloads
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}

extension MockReply {
    var json: (status: Int, body: [UInt8])? {
        if case let .json(status, body) = self { return (status, body) }
        return nil
    }

    var stream: MockEventStream? {
        if case let .stream(stream) = self { return stream }
        return nil
    }
}
