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

    /// Reads a trace: CSV with a header, or JSONL with one object per line (see `TraceText`).
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
        var problems = LineProblems(label: label)
        let content = try TraceText.read(
            path: path, required: [.arrival, .prompt, .output], allowPlain: false, problems: &problems)
        guard case let .rows(rows) = content else { throw ScenarioError(path: label, "expected a trace with columns: \(path)") }
        var names = classNames
        var requests: [Request] = []
        requests.reserveCapacity(rows.count)
        var previous: Double?
        for row in rows {
            let time = arrivalTime(row, after: previous, problems: &problems)
            previous = time ?? previous
            let prompt = problems.tokens(row.values[.prompt, default: ""], TraceColumn.prompt.field, line: row.line)
            let output = problems.tokens(row.values[.output, default: ""], TraceColumn.output.field, line: row.line)
            var className = "trace"
            if let given = row.values[.requestClass] {
                guard !given.isEmpty else {
                    problems.add(line: row.line, "class must not be empty")
                    continue
                }
                className = given
            }
            guard let time, let prompt, let output else { continue }
            let classIndex = names.firstIndex(of: className) ?? names.count
            if classIndex == names.count { names.append(className) }
            requests.append(Request(
                id: requests.count, classIndex: classIndex, arrivalTime: time, promptTokens: prompt, outputTokens: output))
        }
        try problems.throwIfAny()
        guard !requests.isEmpty else { throw ScenarioError(path: label, "the trace has no requests: \(path)") }
        classNames = names
        return requests
    }

    /// A row's arrival time if it is a non-negative number not before `previous`.
    private static func arrivalTime(_ row: TraceText.Row, after previous: Double?, problems: inout LineProblems) -> Double? {
        let text = row.values[.arrival, default: ""]
        guard let time = Double(text), time.isFinite else {
            problems.add(line: row.line, "arrival time '\(text)' is not a number")
            return nil
        }
        guard time >= 0 else {
            problems.add(line: row.line, "arrival time \(ConfigNode.format(time)) is negative")
            return nil
        }
        guard time <= ScenarioMaxima.seconds else {
            problems.add(line: row.line, "arrival time must be <= \(ConfigNode.format(ScenarioMaxima.seconds)) seconds, "
                + "got \(ConfigNode.format(time))")
            return nil
        }
        if let previous, time < previous {
            problems.add(
                line: row.line,
                "arrival time \(ConfigNode.format(time)) is before the previous \(ConfigNode.format(previous))")
            return nil
        }
        return time
    }
}
