/// What a replica group does: serve whole requests, or one phase of prefill/decode disaggregation.
public enum ServingRole: String, Sendable, Hashable, Codable, CaseIterable {
    /// Prefill and decode on the same replica (one vLLM or SGLang server).
    case aggregated
    /// Prefill only; the KV cache is sent to a decode replica (vLLM `kv_producer`, SGLang `prefill`).
    case prefill
    /// Decode only, from caches sent by prefill replicas (vLLM `kv_consumer`, SGLang `decode`).
    case decode
}

/// The serving modes the search may use for a model.
public enum ServingMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Replicas that prefill and decode.
    case aggregated
    /// Prefill and decode pools sized jointly, the KV cache moved between them.
    case disaggregated
}
