import InferenceAPI
import ServingModel

/// The JSON body of one load request: a prompt of exactly the request's prompt tokens (as
/// `PromptTokens.estimate` counts them), `max_tokens` its output tokens, and when streaming
/// `stream: true` with `stream_options.include_usage`. Written directly (the prompt is letters and
/// spaces; the model name is escaped), so making a body cannot fail.
///
/// ```swift
/// let body = LoadRequestBody.make(for: request, settings: settings)   // [UInt8], ready to post
/// ```
public enum LoadRequestBody {
    /// The body of `request` under `settings`.
    public static func make(for request: Request, settings: LoadSettings) -> [UInt8] {
        let prompt = PromptTokens.text(tokens: request.promptTokens, seed: settings.promptSeed &+ UInt64(request.id))
        var text = "{\"model\":" + quoted(settings.model) + ",\"max_tokens\":\(max(1, request.outputTokens))"
        text += settings.stream ? ",\"stream\":true,\"stream_options\":{\"include_usage\":true}" : ",\"stream\":false"
        switch settings.endpoint {
        case .text: text += ",\"prompt\":" + quoted(prompt)
        case .chat: text += ",\"messages\":[{\"role\":\"user\",\"content\":" + quoted(prompt) + "}]"
        }
        text += "}"
        return Array(text.utf8)
    }

    /// `value` as a JSON string: quotes, backslashes and control characters escaped.
    static func quoted(_ value: String) -> String {
        var result = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
