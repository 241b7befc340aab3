/// The `usage` object of an OpenAI-compatible response: prompt, completion and total tokens.
public struct CompletionUsage: Sendable, Hashable {
    public var promptTokens: Int
    public var completionTokens: Int
    public var totalTokens: Int { promptTokens + completionTokens }

    public init(promptTokens: Int, completionTokens: Int) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
    }

    func write(into json: inout JSONBytes) {
        json.raw("{\"prompt_tokens\":")
        json.integer(promptTokens)
        json.raw(",\"completion_tokens\":")
        json.integer(completionTokens)
        json.raw(",\"total_tokens\":")
        json.integer(totalTokens)
        json.raw("}")
    }
}

/// Why a completion ended, as OpenAI's `finish_reason` says it.
public enum FinishReason: String, Sendable, Hashable, CaseIterable {
    /// The model ended its answer on its own.
    case stop
    /// The answer reached `max_tokens`.
    case length
}
