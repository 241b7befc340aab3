import Foundation

/// Which token count of a request: its prompt or its output.
public enum TokenField: String, Sendable, Hashable, CaseIterable {
    case prompt, output
}

/// Token lengths read from a file, for empirical length distributions and for fitting.
public enum LengthFile: Sendable, Hashable {
    /// The prompt and output columns of a trace, in file order.
    case trace(prompt: [Int], output: [Int])
    /// A plain list: one length per line.
    case plain([Int])

    /// The lengths for `field`: that column of a trace, or the whole plain list.
    public func lengths(_ field: TokenField) -> [Int] {
        switch self {
        case let .trace(prompt, output): return field == .prompt ? prompt : output
        case let .plain(lengths): return lengths
        }
    }

    /// Reads a trace (CSV or JSONL with prompt and output columns, named as for
    /// `TraceWorkload.load`; the arrival time and class are not needed and not checked), or a
    /// single column of one length per line, optionally under a header word such as `tokens`
    /// (or `prompt`: a one-column file is always a plain list).
    /// Every length must be a whole number, at least 1.
    /// - Throws: `ScenarioError` naming the file and line of each problem (at most 10).
    public static func load(path: String) throws -> LengthFile {
        try load(path: path, label: (path as NSString).lastPathComponent)
    }

    /// `load(path:)` with the issues' paths starting with `label` (a scenario key path).
    static func load(path: String, label: String) throws -> LengthFile {
        var problems = LineProblems(label: label)
        let result: LengthFile
        switch try TraceText.read(path: path, required: [.prompt, .output], allowPlain: true, problems: &problems) {
        case let .rows(rows):
            var prompt: [Int] = []
            var output: [Int] = []
            for row in rows {
                let promptLength = problems.tokens(row.values[.prompt, default: ""], TraceColumn.prompt.field, line: row.line)
                let outputLength = problems.tokens(row.values[.output, default: ""], TraceColumn.output.field, line: row.line)
                if let promptLength, let outputLength {
                    prompt.append(promptLength)
                    output.append(outputLength)
                }
            }
            result = .trace(prompt: prompt, output: output)
        case let .plain(lines):
            result = .plain(lines.compactMap { problems.tokens($0.text, "length", line: $0.line) })
        }
        try problems.throwIfAny()
        guard !result.lengths(.prompt).isEmpty else { throw ScenarioError(path: label, "no lengths in \(path)") }
        return result
    }
}
