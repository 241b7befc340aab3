import Foundation

/// Which OpenAI-compatible endpoint a request came to.
public enum CompletionEndpoint: String, Sendable, Hashable, CaseIterable {
    /// `POST /v1/chat/completions` (a `messages` array).
    case chat = "/v1/chat/completions"
    /// `POST /v1/completions` (a `prompt` string or array of strings).
    case text = "/v1/completions"
}

/// What a router or an engine needs to know of an OpenAI-compatible completion request, read from
/// its JSON body without keeping the body's other fields (they are passed on untouched).
///
/// ```swift
/// let request = try CompletionRequest(body: Array(#"{"model":"m","prompt":"hi","max_tokens":8}"#.utf8), endpoint: .text)
/// print(request.model, request.maxTokens ?? 0, request.promptText)
/// ```
public struct CompletionRequest: Sendable, Hashable {
    /// The `model` field.
    public var model: String
    /// The `stream` field (false when absent).
    public var stream: Bool
    /// `max_completion_tokens`, else `max_tokens` (nil when neither is given).
    public var maxTokens: Int?
    /// The prompt's text: the `prompt` string (or strings, joined by newlines), or the chat
    /// messages' text contents joined by newlines.
    public var promptText: String
    /// `stream_options.include_usage` (false when absent).
    public var includeUsage: Bool
    /// The endpoint it came to.
    public var endpoint: CompletionEndpoint

    public init(
        model: String, stream: Bool = false, maxTokens: Int? = nil, promptText: String, includeUsage: Bool = false,
        endpoint: CompletionEndpoint
    ) {
        self.model = model
        self.stream = stream
        self.maxTokens = maxTokens
        self.promptText = promptText
        self.includeUsage = includeUsage
        self.endpoint = endpoint
    }

    /// Reads a request body.
    /// - Throws: `InferenceAPIError` (status 400) naming the field that is missing or wrong, or
    ///   saying the body is not a JSON object.
    public init(body: some Collection<UInt8>, endpoint: CompletionEndpoint) throws(InferenceAPIError) {
        let wire: WireRequest
        do {
            wire = try JSONDecoder().decode(WireRequest.self, from: Data(body))
        } catch let error as InferenceAPIError {
            throw error
        } catch DecodingError.typeMismatch(_, let context) where context.codingPath.isEmpty {
            throw InferenceAPIError.invalidRequest("the request body must be a JSON object")
        } catch {
            throw InferenceAPIError.invalidRequest("the request body is not valid JSON")
        }
        guard let model = wire.model, !model.isEmpty else {
            throw InferenceAPIError.invalidRequest("'model' is required and must be a non-empty string", parameter: "model")
        }
        self.model = model
        self.endpoint = endpoint
        stream = wire.stream ?? false
        includeUsage = wire.streamOptions?.includeUsage ?? false
        maxTokens = wire.maxCompletionTokens ?? wire.maxTokens
        switch endpoint {
        case .text:
            guard let prompt = wire.prompt else {
                throw InferenceAPIError.invalidRequest(
                    "'prompt' is required and must be a string or an array of strings", parameter: "prompt")
            }
            promptText = prompt
        case .chat:
            guard let messages = wire.messages, !messages.isEmpty else {
                throw InferenceAPIError.invalidRequest("'messages' is required and must be a non-empty array", parameter: "messages")
            }
            promptText = messages.joined(separator: "\n")
        }
    }
}

/// The fields of a request body that `CompletionRequest` reads, each checked by type; any other
/// field is ignored.
private struct WireRequest: Decodable {
    var model: String?
    var stream: Bool?
    var streamOptions: StreamOptions?
    var maxTokens: Int?
    var maxCompletionTokens: Int?
    var prompt: String?
    /// The messages' text contents.
    var messages: [String]?

    struct StreamOptions: Decodable {
        var includeUsage: Bool?
        enum CodingKeys: String, CodingKey { case includeUsage = "include_usage" }
    }

    enum CodingKeys: String, CodingKey {
        case model, stream, prompt, messages
        case streamOptions = "stream_options"
        case maxTokens = "max_tokens"
        case maxCompletionTokens = "max_completion_tokens"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        model = try Self.field(container, .model, "a non-empty string") { try $0.decodeIfPresent(String.self, forKey: $1) }
        stream = try Self.field(container, .stream, "true or false") { try $0.decodeIfPresent(Bool.self, forKey: $1) }
        streamOptions = try Self.field(container, .streamOptions, "an object with a boolean 'include_usage'") {
            try $0.decodeIfPresent(StreamOptions.self, forKey: $1)
        }
        maxTokens = try Self.count(container, .maxTokens)
        maxCompletionTokens = try Self.count(container, .maxCompletionTokens)
        if container.contains(.prompt), !(try container.decodeNil(forKey: .prompt)) {
            if let text = try? container.decode(String.self, forKey: .prompt) {
                prompt = text
            } else if let texts = try? container.decode([String].self, forKey: .prompt) {
                prompt = texts.joined(separator: "\n")
            } else {
                throw InferenceAPIError.invalidRequest("'prompt' must be a string or an array of strings", parameter: "prompt")
            }
        }
        if container.contains(.messages), !(try container.decodeNil(forKey: .messages)) {
            var list: UnkeyedDecodingContainer
            do { list = try container.nestedUnkeyedContainer(forKey: .messages) } catch {
                throw InferenceAPIError.invalidRequest("'messages' must be a non-empty array", parameter: "messages")
            }
            var texts: [String] = []
            while !list.isAtEnd {
                let index = list.currentIndex
                guard let message = try? list.decode(WireMessage.self) else {
                    throw InferenceAPIError.invalidRequest(
                        "'messages[\(index)]' must be an object with a string 'role' and a string or array 'content'",
                        parameter: "messages[\(index)]")
                }
                texts.append(message.text)
            }
            messages = texts
        }
    }

    private static func field<Value>(
        _ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys, _ expected: String,
        _ decode: (KeyedDecodingContainer<CodingKeys>, CodingKeys) throws -> Value?
    ) throws -> Value? {
        do { return try decode(container, key) } catch {
            throw InferenceAPIError.invalidRequest("'\(key.stringValue)' must be \(expected)", parameter: key.stringValue)
        }
    }

    private static func count(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> Int? {
        let value = try field(container, key, "an integer >= 1") { try $0.decodeIfPresent(Int.self, forKey: $1) }
        if let value, value < 1 {
            throw InferenceAPIError.invalidRequest("'\(key.stringValue)' must be an integer >= 1", parameter: key.stringValue)
        }
        return value
    }
}

/// One chat message: its role and the text of its content (a string, or the `text` of its parts).
private struct WireMessage: Decodable {
    var text: String

    private struct Part: Decodable { var text: String? }
    private enum CodingKeys: String, CodingKey { case role, content }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        _ = try container.decode(String.self, forKey: .role)
        if let text = try? container.decodeIfPresent(String.self, forKey: .content) {
            self.text = text
        } else if let parts = try? container.decodeIfPresent([Part].self, forKey: .content) {
            self.text = parts.compactMap(\.text).joined(separator: "\n")
        } else if (try? container.decodeNil(forKey: .content)) ?? true {
            self.text = ""
        } else {
            throw InferenceAPIError.invalidRequest("'content' must be a string or an array of parts", parameter: "content")
        }
    }
}
