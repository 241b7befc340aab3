import Planning
import ServingModel

/// The Hugging Face repository each built-in catalog model is served from, for the engines'
/// `--model` / `--model-path`.
///
/// The catalog's shapes come from each model's base `config.json` (see `BuiltinModels.swift`); a
/// served deployment loads the instruction-tuned sibling where one exists, which has the same
/// config.json shape: meta-llama/Llama-3.1-{8B,70B,405B}-Instruct (Meta's Llama 3.1 model cards),
/// Qwen/Qwen3-{4B,8B,32B} (Qwen3 ships one hybrid-thinking chat checkpoint per size),
/// deepseek-ai/DeepSeek-R1-Distill-{Qwen-7B,Llama-70B}, deepseek-ai/DeepSeek-V3,
/// cognitivecomputations/DeepSeek-V3-AWQ (the AWQ checkpoint the catalog's entry cites),
/// deepseek-ai/deepseek-moe-16b-chat, mistralai/Mixtral-8x7B-Instruct-v0.1, bigscience/bloom.
/// Other models (a scenario's own) need an override (`export deploy --model-id NAME=REPO`).
/// ```
/// let repositories = ModelRepositories(overrides: ["my-model": "org/My-Model"])
/// let id = try repositories.repository(for: "llama-3.1-8b")   // "meta-llama/Llama-3.1-8B-Instruct"
/// ```
public struct ModelRepositories: Sendable, Hashable {
    /// Catalog model name → Hugging Face repository id.
    public static let builtin: [String: String] = [
        "llama-3.1-8b": "meta-llama/Llama-3.1-8B-Instruct",
        "llama-3.1-70b": "meta-llama/Llama-3.1-70B-Instruct",
        "llama-3.1-405b": "meta-llama/Llama-3.1-405B-Instruct",
        "qwen3-4b": "Qwen/Qwen3-4B",
        "qwen3-8b": "Qwen/Qwen3-8B",
        "qwen3-32b": "Qwen/Qwen3-32B",
        "deepseek-r1-distill-qwen-7b": "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B",
        "deepseek-r1-distill-llama-70b": "deepseek-ai/DeepSeek-R1-Distill-Llama-70B",
        "deepseek-v3": "deepseek-ai/DeepSeek-V3",
        "deepseek-v3-awq": "cognitivecomputations/DeepSeek-V3-AWQ",
        "deepseekmoe-16b": "deepseek-ai/deepseek-moe-16b-chat",
        "mixtral-8x7b": "mistralai/Mixtral-8x7B-Instruct-v0.1",
        "bloom-176b": "bigscience/bloom",
    ]

    /// Repositories given by the user, over the built-in ones.
    public var overrides: [String: String]

    public init(overrides: [String: String] = [:]) {
        self.overrides = overrides
    }

    /// The repository of `model`, or bad input naming the model and the known names.
    public func repository(for model: String) throws(PlanningError) -> String {
        if let id = overrides[model] ?? Self.builtin[model] {
            guard !id.isEmpty, !id.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control })
            else { throw .badInput("repository '\(id)' of model '\(model)' is empty or has a space or control character") }
            return id
        }
        let known = Array(Set(Self.builtin.keys).union(overrides.keys)).sorted()
        throw .badInput("model '\(model)' has no Hugging Face repository" + NameSuggestion.hint(for: model, in: known)
            + "; give one with --model-id \(model)=ORG/NAME (known: " + known.joined(separator: ", ") + ")")
    }
}
