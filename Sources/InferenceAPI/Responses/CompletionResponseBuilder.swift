/// Builds the JSON bodies an OpenAI-compatible server answers with, for one request: the whole
/// response (`chat.completion` or `text_completion`) and, when streaming, its chunks
/// (`chat.completion.chunk` or `text_completion`), the last chunk with the finish reason, and the
/// usage chunk (`choices: []`) that `stream_options.include_usage` asks for. Each chunk goes in a
/// `ServerSentEvents.frame`; the stream ends with `ServerSentEvents.doneFrame`.
///
/// ```swift
/// let builder = CompletionResponseBuilder(endpoint: .chat, id: "chatcmpl-7", model: "llama-3.1-8b", created: 1_700_000_000)
/// var stream = ServerSentEvents.frame(builder.chunk(text: " the", first: true))
/// stream += ServerSentEvents.frame(builder.finishChunk(.length))
/// stream += ServerSentEvents.doneFrame
/// let body = builder.response(text: " the", finishReason: .length, usage: CompletionUsage(promptTokens: 3, completionTokens: 1))
/// ```
public struct CompletionResponseBuilder: Sendable, Hashable {
    /// The endpoint whose shapes are built.
    public var endpoint: CompletionEndpoint
    /// The response id (`chatcmpl-…` or `cmpl-…` by OpenAI's convention).
    public var id: String
    /// The `model` field.
    public var model: String
    /// The `created` field (Unix seconds).
    public var created: Int
    /// When true every chunk but the usage chunk carries `"usage": null`, as OpenAI streams do with
    /// `include_usage`.
    public var includeUsage: Bool

    public init(endpoint: CompletionEndpoint, id: String, model: String, created: Int, includeUsage: Bool = false) {
        self.endpoint = endpoint
        self.id = id
        self.model = model
        self.created = created
        self.includeUsage = includeUsage
    }

    /// The non-streamed response: one choice with `text`, its finish reason, and usage.
    public func response(text: String, finishReason: FinishReason, usage: CompletionUsage) -> [UInt8] {
        var json = JSONBytes(capacity: 192 + text.utf8.count)
        header(&json, object: endpoint == .chat ? "chat.completion" : "text_completion")
        json.raw(",\"choices\":[{\"index\":0,")
        if endpoint == .chat {
            json.raw("\"message\":{\"role\":\"assistant\",\"content\":")
            json.string(text)
            json.raw("}")
        } else {
            json.raw("\"text\":")
            json.string(text)
        }
        json.raw(",\"logprobs\":null,\"finish_reason\":")
        json.string(finishReason.rawValue)
        json.raw("}],\"usage\":")
        usage.write(into: &json)
        json.raw("}")
        return json.bytes
    }

    /// A streamed chunk carrying `text`; in a chat stream the `first` chunk also carries the
    /// assistant role.
    public func chunk(text: String, first: Bool = false) -> [UInt8] {
        choiceChunk(text: text, first: first, finishReason: nil)
    }

    /// The chunk that ends the choice: no text, and the finish reason.
    public func finishChunk(_ finishReason: FinishReason) -> [UInt8] {
        choiceChunk(text: nil, first: false, finishReason: finishReason)
    }

    /// The usage chunk sent after the finish chunk when `include_usage`: `choices` empty.
    public func usageChunk(_ usage: CompletionUsage) -> [UInt8] {
        var json = JSONBytes(capacity: 192)
        header(&json, object: chunkObject)
        json.raw(",\"choices\":[],\"usage\":")
        usage.write(into: &json)
        json.raw("}")
        return json.bytes
    }

    private var chunkObject: StaticString { endpoint == .chat ? "chat.completion.chunk" : "text_completion" }

    private func choiceChunk(text: String?, first: Bool, finishReason: FinishReason?) -> [UInt8] {
        var json = JSONBytes(capacity: 160 + (text?.utf8.count ?? 0))
        header(&json, object: chunkObject)
        json.raw(",\"choices\":[{\"index\":0,")
        if endpoint == .chat {
            json.raw("\"delta\":{")
            if first { json.raw("\"role\":\"assistant\"") }
            if let text {
                if first { json.raw(",") }
                json.raw("\"content\":")
                json.string(text)
            }
            json.raw("}")
        } else {
            json.raw("\"text\":")
            json.string(text ?? "")
        }
        json.raw(",\"logprobs\":null,\"finish_reason\":")
        json.optionalString(finishReason?.rawValue)
        json.raw("}]")
        if includeUsage { json.raw(",\"usage\":null") }
        json.raw("}")
        return json.bytes
    }

    private func header(_ json: inout JSONBytes, object: StaticString) {
        json.raw("{\"id\":")
        json.string(id)
        json.raw(",\"object\":\"")
        json.raw(object)
        json.raw("\",\"created\":")
        json.integer(created)
        json.raw(",\"model\":")
        json.string(model)
    }
}
