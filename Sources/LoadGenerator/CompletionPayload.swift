import Foundation

/// What the load generator reads from one OpenAI-compatible response object: a streamed chunk's
/// payload (`data: {...}`) or a whole non-streaming response. Text of the completions endpoint
/// (`choices[].text`), of a chat delta (`choices[].delta.content`) or of a chat message
/// (`choices[].message.content`) counts as content; `usage.completion_tokens` is the server's
/// own count; an `error` object is a stream error.
///
/// ```swift
/// let payload = try CompletionPayload(json: Array(#"{"choices":[{"text":"ab"}]}"#.utf8))
/// assert(payload.content == "ab")
/// ```
public struct CompletionPayload: Sendable, Hashable {
    /// The text of its choices, joined ("" when it carries none).
    public var content: String
    /// `usage.completion_tokens`, when present.
    public var completionTokens: Int?
    /// `error.message` (or the error's type) when the object is an error.
    public var errorMessage: String?

    /// The payload is not a JSON object of the expected shape.
    public struct Malformed: Error, Sendable {}

    /// Reads one JSON object.
    public init(json bytes: some Collection<UInt8>) throws(Malformed) {
        let wire: Wire
        do { wire = try JSONDecoder().decode(Wire.self, from: Data(bytes)) } catch { throw Malformed() }
        content = (wire.choices ?? []).map { $0.text ?? $0.delta?.content ?? $0.message?.content ?? "" }.joined()
        completionTokens = wire.usage?.completionTokens
        errorMessage = wire.error.map { $0.message ?? $0.type ?? "error" }
    }

    private struct Wire: Decodable {
        var choices: [Choice]?
        var usage: Usage?
        var error: ErrorBody?
    }

    private struct Choice: Decodable {
        var text: String?
        var delta: Message?
        var message: Message?
    }

    private struct Message: Decodable {
        var content: String?
    }

    private struct Usage: Decodable {
        var completionTokens: Int?
        enum CodingKeys: String, CodingKey { case completionTokens = "completion_tokens" }
    }

    private struct ErrorBody: Decodable {
        var message: String?
        var type: String?
    }
}
