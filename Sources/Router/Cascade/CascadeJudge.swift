import Foundation
import InferenceAPI

/// Why a judge gave no score.
public struct CascadeJudgeError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Scores a stage's answer; the cascade escalates while the score is below the stage's threshold.
public protocol CascadeJudging: Sendable {
    /// How the judge is labelled in metrics: `field` or `endpoint`.
    var kind: String { get }
    /// The score of `response` (the stage's whole completion body) to the client's `question`.
    func score(question: String, response: [UInt8], requestID: String) async throws(CascadeJudgeError) -> Double
}

/// A judge that reads the score from a numeric field of the stage's own response (an engine or a
/// reward model that annotates its answers).
///
/// ```swift
/// let judge = ScoreFieldJudge(path: "gpusched_score")
/// let score = try await judge.score(question: "…", response: body, requestID: "r1")
/// ```
public struct ScoreFieldJudge: CascadeJudging {
    public let path: String
    public var kind: String { "field" }

    public init(path: String) { self.path = path }

    public func score(question: String, response: [UInt8], requestID: String) async throws(CascadeJudgeError) -> Double {
        guard let value = CascadeBody.number(at: path, in: response) else {
            throw CascadeJudgeError("the stage's response has no number at '\(path)'")
        }
        return value
    }
}

/// Sends one judge request and returns the whole response; `HTTPJudgeTransport` posts it with
/// AsyncHTTPClient, tests pass a fake.
public protocol JudgeTransport: Sendable {
    func post(url: String, headers: [(String, String)], body: [UInt8], timeoutSeconds: Double) async throws -> UpstreamCompletion
}

/// An OpenAI-compatible judge endpoint (Cascadia's LLM-as-judge): the prompt template with the
/// question and the answer goes to the judge model as one user message; the first number of its
/// reply is the score.
///
/// ```swift
/// let judge = EndpointJudge(JudgeEndpoint(url: "http://127.0.0.1:9100/v1/chat/completions", model: "judge"),
///                           transport: HTTPJudgeTransport(client: .shared))
/// ```
public struct EndpointJudge: CascadeJudging {
    public let endpoint: JudgeEndpoint
    let transport: any JudgeTransport
    public var kind: String { "endpoint" }
    /// The most characters of the question or the answer put into the judge's prompt.
    public static let maxQuotedCharacters = 32_768

    public init(_ endpoint: JudgeEndpoint, transport: any JudgeTransport) {
        self.endpoint = endpoint
        self.transport = transport
    }

    /// The judge's request body for a question and an answer.
    public func requestBody(question: String, answer: String) -> [UInt8] {
        let prompt = endpoint.prompt
            .replacingOccurrences(of: "{question}", with: String(question.prefix(Self.maxQuotedCharacters)))
            .replacingOccurrences(of: "{answer}", with: String(answer.prefix(Self.maxQuotedCharacters)))
        let object: [String: Any] = [
            "model": endpoint.model, "messages": [["role": "user", "content": prompt]],
            "max_tokens": endpoint.maxTokens, "temperature": 0, "stream": false,
        ]
        return CascadeBody.serialize(object)
    }

    public func score(question: String, response: [UInt8], requestID: String) async throws(CascadeJudgeError) -> Double {
        guard let answer = CascadeBody.answerText(response) else {
            throw CascadeJudgeError("the stage's response has no answer text to judge")
        }
        var headers = [("content-type", "application/json"), ("x-request-id", requestID)]
        if let key = endpoint.apiKey { headers.append(("authorization", "Bearer \(key)")) }
        let reply: UpstreamCompletion
        do {
            reply = try await transport.post(
                url: endpoint.url, headers: headers, body: requestBody(question: question, answer: answer),
                timeoutSeconds: endpoint.timeoutSeconds)
        } catch {
            throw CascadeJudgeError("the judge at \(endpoint.url) did not answer: \(error)")
        }
        guard reply.succeeded else { throw CascadeJudgeError("the judge at \(endpoint.url) answered HTTP \(reply.status)") }
        guard let text = CascadeBody.answerText(reply.body) else {
            throw CascadeJudgeError("the judge's reply has no choices[0].message.content")
        }
        guard let score = CascadeBody.firstNumber(in: text) else {
            throw CascadeJudgeError("the judge's reply holds no number: '\(text.prefix(80))'")
        }
        return score
    }
}
