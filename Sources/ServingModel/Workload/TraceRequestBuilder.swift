/// Checks a trace's rows one at a time, as they stream in, and collects their requests.
///
/// The checks and messages are those `TraceWorkload.load` documents: arrival times non-negative,
/// at most `ScenarioMaxima.seconds` and non-decreasing; token counts whole, at least 1, at most
/// `LengthDistribution.maximumLength`; a class, when given, not empty. Problems with a line's
/// shape (field count, JSON syntax, keys) go to `structure` and are listed before those with its
/// values, as when the file was first split and then checked.
///
/// ```swift
/// var builder = TraceRequestBuilder(label: "trace", classNames: [])
/// builder.add(line: 2, arrival: .value(0.5), prompt: .value(100), output: .value(20), className: nil)
/// try builder.throwIfAny()          // builder.requests: one request of class "trace"
/// ```
struct TraceRequestBuilder {
    /// Problems with a line's shape.
    var structure: LineProblems
    /// Problems with a line's values.
    private var values: LineProblems
    /// Class names, indexed by `Request.classIndex`: those given, then new ones in order of appearance.
    private(set) var names: [String]
    private(set) var requests: [Request] = []
    private var previous: Double?
    private var lastName = ""
    private var lastIndex = -1

    init(label: String, classNames: [String]) {
        structure = LineProblems(label: label)
        values = LineProblems(label: label)
        names = classNames
    }

    /// Checks one row and keeps its request when every value is valid.
    mutating func add(line: Int, arrival: TraceNumber, prompt: TraceNumber, output: TraceNumber, className: String?) {
        let time = arrivalTime(arrival, line: line)
        previous = time ?? previous
        let promptTokens = values.tokens(prompt, TraceColumn.prompt.field, line: line)
        let outputTokens = values.tokens(output, TraceColumn.output.field, line: line)
        var name = "trace"
        if let className {
            guard !className.isEmpty else {
                values.add(line: line, "class must not be empty")
                return
            }
            name = className
        }
        guard let time, let promptTokens, let outputTokens else { return }
        if name != lastName || lastIndex < 0 {
            lastIndex = names.firstIndex(of: name) ?? names.count
            if lastIndex == names.count { names.append(name) }
            lastName = name
        }
        requests.append(Request(
            id: requests.count, classIndex: lastIndex, arrivalTime: time, promptTokens: promptTokens, outputTokens: outputTokens))
    }

    /// Throws the problems found (shape first, then values; at most `LineProblems.limit` shown).
    func throwIfAny() throws {
        var all = structure
        all.append(values)
        try all.throwIfAny()
    }

    /// The arrival time if it is a non-negative number, at most `ScenarioMaxima.seconds`, not before
    /// the previous valid one.
    private mutating func arrivalTime(_ number: TraceNumber, line: Int) -> Double? {
        let time: Double
        switch number {
        case let .text(text):
            values.add(line: line, "arrival time '\(text)' is not a number")
            return nil
        case let .value(value): time = value
        }
        guard time >= 0 else {
            values.add(line: line, "arrival time \(ConfigNode.format(time)) is negative")
            return nil
        }
        guard time <= ScenarioMaxima.seconds else {
            values.add(line: line, "arrival time must be <= \(ConfigNode.format(ScenarioMaxima.seconds)) seconds, "
                + "got \(ConfigNode.format(time))")
            return nil
        }
        if let previous, time < previous {
            values.add(line: line, "arrival time \(ConfigNode.format(time)) is before the previous \(ConfigNode.format(previous))")
            return nil
        }
        return time
    }
}
