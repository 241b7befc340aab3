import Foundation
import InferenceAPI
import Planning

/// The one answer a cascade returns, with what each stage did.
public struct CascadeAnswer: Sendable, Hashable {
    /// How the answer was chosen.
    public enum Outcome: String, Sendable, Hashable {
        /// A stage's answer scored at or above its threshold.
        case accepted
        /// The last stage answered (it is not judged).
        case last
        /// The last stage reached failed; this is the latest earlier stage's answer.
        case fallback
        /// No stage answered; this is the last stage's error response.
        case failed
    }

    /// The response returned to the client (status and body of the answering stage).
    public var completion: UpstreamCompletion
    /// The answering stage's index (0 = the first stage).
    public var stage: Int
    public var model: String
    public var outcome: Outcome
    public var steps: [CascadeStep]

    /// Seconds spent in the judge over all stages.
    public var judgeSeconds: Double { steps.reduce(0) { $0 + $1.judgeSeconds } }

    /// Response headers saying which stage answered and what the judge did:
    /// `x-gpusched-cascade-stage` (0-based index), `x-gpusched-cascade-model`, `x-gpusched-cascade-outcome`,
    /// `x-gpusched-cascade-scores` (one per judged stage, `-` for none), `x-gpusched-judge-seconds`.
    public var headers: [(String, String)] {
        let scores = steps.filter { $0.escalation != .upstreamError && ($0.score != nil || $0.escalation == .judgeError) }
            .map { $0.score.map { String($0) } ?? "-" }
        return [
            ("x-gpusched-cascade-stage", String(stage)),
            ("x-gpusched-cascade-model", model),
            ("x-gpusched-cascade-outcome", outcome.rawValue),
            ("x-gpusched-cascade-scores", scores.joined(separator: ",")),
            ("x-gpusched-judge-seconds", String(format: "%.6f", judgeSeconds)),
        ]
    }

    /// The answer as a server-sent-event stream, for a client that asked for `stream: true`: the
    /// cascade reads whole answers upstream, so the stream comes at the end, as one chunk with the
    /// whole text and the finish reason, a usage chunk when `includeUsage`, and `data: [DONE]`.
    /// A failed answer is one `error` event and `[DONE]`.
    public func streamFrames(endpoint: CompletionEndpoint, includeUsage: Bool) -> [UInt8] {
        guard completion.succeeded,
              let object = try? JSONDecoder().decode(JSONValue.self, from: Data(completion.body)),
              case let .object(members) = object else {
            let error = completion.succeeded
                ? Array(#"{"error":{"message":"the cascade's answer is not a JSON object","type":"upstream_error"}}"#.utf8)
                : completion.body
            return ServerSentEvents.frame(error) + ServerSentEvents.doneFrame
        }
        let choice = CascadeBody.firstChoice(completion.body) ?? [:]
        let text = CascadeBody.answerText(completion.body) ?? ""
        let finish: Any = (choice["finish_reason"] as? String) ?? NSNull()
        var header: [String: Any] = [:]
        if case let .string(id) = members["id"] { header["id"] = id }
        if case let .number(created) = members["created"] { header["created"] = Int(created) }
        if case let .string(name) = members["model"] { header["model"] = name }
        var chunk = header
        switch endpoint {
        case .chat:
            chunk["object"] = "chat.completion.chunk"
            chunk["choices"] = [["index": 0, "delta": ["role": "assistant", "content": text], "finish_reason": finish]]
        case .text:
            chunk["object"] = "text_completion"
            chunk["choices"] = [["index": 0, "text": text, "finish_reason": finish]]
        }
        var frames = ServerSentEvents.frame(CascadeBody.serialize(chunk))
        if includeUsage, let raw = try? JSONSerialization.jsonObject(with: Data(completion.body)) as? [String: Any],
           let usage = raw["usage"] {
            var usageChunk = header
            usageChunk["object"] = endpoint == .chat ? "chat.completion.chunk" : "text_completion"
            usageChunk["choices"] = [Any]()
            usageChunk["usage"] = usage
            frames += ServerSentEvents.frame(CascadeBody.serialize(usageChunk))
        }
        return frames + ServerSentEvents.doneFrame
    }
}
