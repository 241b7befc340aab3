import Foundation
import InferenceAPI
import Planning

/// The JSON a cascade reads and writes: a stage's request body, the answer's text, a score field,
/// and the first number of a judge's reply.
///
/// ```swift
/// let body = try CascadeBody.stageBody(original: clientBody, model: "llama-3.1-70b")
/// let text = CascadeBody.answerText(response)          // choices[0].message.content or .text
/// let score = CascadeBody.number(at: "gpusched_score", in: response)
/// CascadeBody.firstNumber(in: "Score: 87/100")          // 87
/// ```
public enum CascadeBody {
    /// The client's body with `model` set to the stage's model, `stream` false and `stream_options`
    /// removed (a cascade reads whole answers). Throws 400 when the body is not a JSON object.
    public static func stageBody(original: [UInt8], model: String) throws(InferenceAPIError) -> [UInt8] {
        guard var object = (try? JSONSerialization.jsonObject(with: Data(original))) as? [String: Any] else {
            throw .invalidRequest("the request body must be a JSON object")
        }
        object["model"] = model
        object["stream"] = false
        object["stream_options"] = nil
        return serialize(object)
    }

    /// The first choice's text: `message.content` (chat) or `text` (completions); nil when absent.
    public static func answerText(_ response: [UInt8]) -> String? {
        guard let choice = firstChoice(response) else { return nil }
        if let message = choice["message"] as? [String: Any], let content = message["content"] as? String { return content }
        return choice["text"] as? String
    }

    /// The number at a dotted path (`a.b.0.c`: keys of objects, indices of arrays); nil when the path
    /// leads nowhere or to something other than a number (a numeric string counts).
    public static func number(at path: String, in response: [UInt8]) -> Double? {
        guard var node = try? JSONDecoder().decode(JSONValue.self, from: Data(response)) else { return nil }
        for component in path.split(separator: ".", omittingEmptySubsequences: false) {
            switch node {
            case let .object(members):
                guard let next = members[String(component)] else { return nil }
                node = next
            case let .array(items):
                guard let index = Int(component), items.indices.contains(index) else { return nil }
                node = items[index]
            default:
                return nil
            }
        }
        switch node {
        case let .number(value): return value
        case let .string(text): return Double(text.trimmingCharacters(in: .whitespaces)).flatMap { $0.isFinite ? $0 : nil }
        default: return nil
        }
    }

    /// The first decimal number in `text` (`-3`, `87`, `4.5`), as a judge writes a score; nil when there
    /// is none.
    public static func firstNumber(in text: String) -> Double? {
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            guard isDigit(bytes[index]) else {
                index += 1
                continue
            }
            var start = index
            if start > 0, bytes[start - 1] == UInt8(ascii: "-") { start -= 1 }
            var end = index
            while end < bytes.count, isDigit(bytes[end]) { end += 1 }
            if end + 1 < bytes.count, bytes[end] == UInt8(ascii: "."), isDigit(bytes[end + 1]) {
                end += 1
                while end < bytes.count, isDigit(bytes[end]) { end += 1 }
            }
            return Double(String(decoding: bytes[start..<end], as: UTF8.self))
        }
        return nil
    }

    static func firstChoice(_ response: [UInt8]) -> [String: Any]? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(response))) as? [String: Any],
              let choices = object["choices"] as? [Any], let choice = choices.first as? [String: Any] else { return nil }
        return choice
    }

    static func serialize(_ object: Any) -> [UInt8] {
        guard JSONSerialization.isValidJSONObject(object),
              let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return Array("{}".utf8) }
        return Array(data)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
