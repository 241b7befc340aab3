import Logging
import Synchronization

/// The `x-request-id` of a request: the client's (when it is 1–128 printable ASCII bytes without
/// spaces), else one made here: a per-process random prefix and a counter.
final class RequestIdentity: Sendable {
    private let prefix: String
    private let counter = Atomic<UInt64>(0)

    init() {
        prefix = String(UInt32.random(in: .min ... .max), radix: 16) + "-"
    }

    /// The id to use for a request that sent `header`.
    func id(header: String?) -> String {
        if let header, Self.isAcceptable(header) { return header }
        let value = counter.add(1, ordering: .relaxed).newValue
        return prefix + String(value, radix: 16)
    }

    static func isAcceptable(_ value: String) -> Bool {
        let bytes = value.utf8
        guard (1...128).contains(bytes.count) else { return false }
        return bytes.allSatisfy { $0 > 32 && $0 < 127 }
    }
}

extension Logger {
    /// This logger with the request's id in its metadata (every line of the request carries it).
    func with(requestID: String) -> Logger {
        var logger = self
        logger[metadataKey: "request-id"] = .string(requestID)
        return logger
    }
}
