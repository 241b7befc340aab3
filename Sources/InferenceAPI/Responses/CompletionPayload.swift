import Foundation

/// What a client needs from one OpenAI-compatible JSON payload, a whole response or one stream
/// chunk of either endpoint: the text it adds (chat `message.content` or `delta.content`, or a
/// completion's `text`), its finish reason, and its usage. The load generator and the tests read
/// responses through it.
///
/// ```swift
/// let payload = try CompletionPayload(json: chunkBytes)
/// received += payload.text
/// if let usage = payload.usage { print(usage.completionTokens) }
/// ```
public struct CompletionPayload: Sendable, Hashable {
    /// The `object` field (`chat.completion`, `chat.completion.chunk`, `text_completion`; "" when a
    /// server leaves it out).
    public var object: String
    /// The text of the first choice ("" when none, e.g. a usage chunk or a role-only delta).
    public var text: String
    /// The first choice's `finish_reason` (nil while streaming, or for a usage chunk).
    public var finishReason: String?
    /// The `usage` object, when present and not null.
    public var usage: CompletionUsage?
    /// The message of an error payload (`{"error": {"message": …}}`, e.g. the event that ends a
    /// stream which broke off); nil for a completion.
    public var errorMessage: String?

    /// Reads a payload.
    /// - Throws: `InferenceAPIError` (502, `upstream_error`) when it is neither such a JSON object
    ///   nor an error payload.
    public init(json: some Collection<UInt8>) throws(InferenceAPIError) {
        let wire: Wire
        do {
            wire = try JSONDecoder().decode(Wire.self, from: Data(json))
        } catch {
            throw Self.upstream("the payload is not an OpenAI completion object")
        }
        if let error = wire.error {
            object = wire.object ?? "error"
            text = ""
            errorMessage = error.message ?? "no message"
            return
        }
        guard wire.object != nil || wire.choices != nil || wire.usage != nil else {
            throw Self.upstream("the payload has none of 'object', 'choices', 'usage' or 'error'")
        }
        object = wire.object ?? ""
        let choice = wire.choices?.first
        text = choice?.text ?? choice?.delta?.content ?? choice?.message?.content ?? ""
        finishReason = choice?.finishReason
        usage = wire.usage.map { CompletionUsage(promptTokens: $0.promptTokens, completionTokens: $0.completionTokens) }
    }

    private static func upstream(_ message: String) -> InferenceAPIError {
        InferenceAPIError(status: 502, message: message, type: "upstream_error")
    }

    private struct Wire: Decodable {
        var object: String?
        var choices: [Choice]?
        var usage: Usage?
        var error: ErrorBody?
    }

    private struct Choice: Decodable {
        var text: String?
        var delta: Message?
        var message: Message?
        var finishReason: String?
        enum CodingKeys: String, CodingKey {
            case text, delta, message
            case finishReason = "finish_reason"
        }
    }

    private struct Message: Decodable { var content: String? }

    private struct Usage: Decodable {
        var promptTokens: Int
        var completionTokens: Int
        enum CodingKeys: String, CodingKey {
            case promptTokens = "prompt_tokens"
            case completionTokens = "completion_tokens"
        }
    }

    private struct ErrorBody: Decodable { var message: String? }
}
