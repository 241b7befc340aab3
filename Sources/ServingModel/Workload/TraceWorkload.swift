/// Requests replayed from a recorded trace.
public struct TraceWorkload: RequestSource, Sendable {
    /// The requests, in non-decreasing arrival order.
    public var requests: [Request]
    private var position = 0

    /// Replays `requests`, which must be in non-decreasing arrival order (as `load` returns them).
    public init(requests: [Request]) {
        self.requests = requests
    }

    public mutating func next() -> Request? {
        guard position < requests.count else { return nil }
        defer { position += 1 }
        return requests[position]
    }

    /// Reads a trace: CSV with a header, or JSONL with one object per line (see `TraceText`),
    /// streamed in 1 MiB chunks and parsed on its bytes (`TraceReader`: several million rows per
    /// second in a release build; memory holds the requests, 40 bytes each, not the file).
    ///
    /// Columns (CSV header names or JSON keys, any case): the arrival time in seconds (`arrival`,
    /// `arrivalTime` or `arrived_at`), the prompt tokens (`prompt`, `promptTokens` or
    /// `num_prefill_tokens`), the output tokens (`output`, `outputTokens` or `num_decode_tokens`) and
    /// optionally the `class`. Times must be non-negative, at most 10⁹ s and non-decreasing, token
    /// counts whole, at least 1 and at most 10 million; the file at most 10 million lines and 512 MiB.
    /// Requests are numbered 0, 1, 2, … in file order.
    ///
    /// - Parameter classNames: the class names known so far; a request of a class in the list gets
    ///   its index, a new class is appended. Requests without a class (no `class` column, or no
    ///   `class` key on a JSONL line) belong to the class `trace`.
    /// - Throws: `ScenarioError` with one issue per problem (at most 10, then a count of the rest),
    ///   e.g. `trace line 17: arrival time 3.2 is before the previous 4.1`.
    public static func load(path: String, classNames: inout [String]) throws -> [Request] {
        try load(path: path, classNames: &classNames, label: "trace")
    }

    /// `load(path:classNames:)` with the issues' paths starting with `label` (a scenario key path).
    static func load(path: String, classNames: inout [String], label: String) throws -> [Request] {
        try TraceReader.requests(path: path, classNames: &classNames, label: label)
    }
}
