import InferenceAPI

/// What a pool needs to turn a parsed request into the `RoutedRequest` its policy sees: the
/// prefix-hash length (prefix affinity), and the classes of a gate-and-route pool (from a header,
/// or by prompt length).
///
/// ```swift
/// let classifier = RequestClassifier(policy: .leastOutstanding)
/// let routed = try classifier.routed(request, id: "r1", headerClass: nil)
/// ```
public struct RequestClassifier: Sendable {
    /// Bytes of the prompt hashed into `RoutedRequest.prefixHash`.
    public let prefixBytes: Int
    /// The classes of a gate-and-route pool (nil: the pool has no classes).
    public let classes: GateRouteSettings?

    public init(policy: PolicyConfig) {
        switch policy {
        case .prefixAffinity(let settings):
            prefixBytes = max(1, settings.prefixBytes)
        default:
            prefixBytes = PrefixAffinitySettings().prefixBytes
        }
        if case .gateAndRoute(let settings) = policy, !settings.classes.isEmpty {
            classes = settings
        } else {
            classes = nil
        }
    }

    /// The header naming a request's class, lowercased (nil: the pool has no classes).
    public var classHeader: String? { classes?.classHeader.lowercased() }

    /// Classes of the pool (1 when it has none: all requests are one class for queue scans).
    public var classCount: Int { max(1, classes?.classes.count ?? 0) }

    /// The routed form of `request`; `headerClass` is the value of the class header, if sent.
    /// - Throws: 400 when the header names no class of the pool.
    public func routed(_ request: CompletionRequest, id: String, headerClass: String?) throws(InferenceAPIError) -> RoutedRequest {
        let tokens = PromptTokens.estimate(request.promptText)
        let requestClass = try classes?.classify(headerValue: headerClass, promptTokens: tokens)
        return RoutedRequest(
            id: id, model: request.model, promptTokens: tokens, maxTokens: request.maxTokens,
            prefixHash: PrefixHash.of(request.promptText, prefixBytes: prefixBytes), requestClass: requestClass,
            stream: request.stream)
    }
}
