import InferenceAPI

/// What a pool needs to turn a parsed request into the `RoutedRequest` its policy sees: the
/// prefix-hash length (prefix affinity), and the classes of a gate-and-route pool (from a header,
/// or by prompt length).
///
/// ```swift
/// let classifier = RequestClassifier(policy: .leastOutstanding)
/// let routed = classifier.routed(request, id: "r1", classHeader: nil)
/// ```
public struct RequestClassifier: Sendable {
    /// Bytes of the prompt hashed into `RoutedRequest.prefixHash`.
    public let prefixBytes: Int
    /// The header naming a request's class (nil: the pool has no classes).
    public let classHeader: String?
    private let classNames: [String]
    private let classBounds: [Int?]

    public init(policy: PolicyConfig) {
        switch policy {
        case .prefixAffinity(let settings):
            prefixBytes = max(1, settings.prefixBytes)
        default:
            prefixBytes = 256
        }
        if case .gateAndRoute(let settings) = policy, !settings.classes.isEmpty {
            classHeader = settings.classHeader.lowercased()
            classNames = settings.classes.map(\.name)
            classBounds = settings.classes.map(\.maxPromptTokens)
        } else {
            classHeader = nil
            classNames = []
            classBounds = []
        }
    }

    /// Classes of the pool (1 when it has none: all requests are one class for queue scans).
    public var classCount: Int { max(1, classNames.count) }

    /// The routed form of `request`; `headerClass` is the value of the class header, if sent.
    public func routed(_ request: CompletionRequest, id: String, headerClass: String?) -> RoutedRequest {
        let tokens = PromptTokens.estimate(request.promptText)
        return RoutedRequest(
            id: id, model: request.model, promptTokens: tokens, maxTokens: request.maxTokens,
            prefixHash: Self.prefixHash(request.promptText, bytes: prefixBytes),
            requestClass: requestClass(headerClass: headerClass, promptTokens: tokens), stream: request.stream)
    }

    /// The class index: the class the header names, else the first whose `maxPromptTokens` bound
    /// holds the prompt, else the last; nil when the pool has no classes.
    public func requestClass(headerClass: String?, promptTokens: Int) -> Int? {
        guard !classNames.isEmpty else { return nil }
        if let headerClass, let index = classNames.firstIndex(of: headerClass) { return index }
        for (index, bound) in classBounds.enumerated() {
            if let bound, promptTokens <= bound { return index }
        }
        return classNames.count - 1
    }

    /// FNV-1a of the first `bytes` UTF-8 bytes of `text`.
    public static func prefixHash(_ text: String, bytes: Int) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var remaining = bytes
        for byte in text.utf8 {
            guard remaining > 0 else { break }
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            remaining -= 1
        }
        return hash
    }
}
