import Foundation
import ServingModel

/// Reads a judge-score sample from CSV.
///
/// One row per request; columns `prompt_tokens`, and for every model of the cascade
/// `<model>.output_tokens` and `<model>.score` (the judge's 0–100 score of that model's answer).
/// Other columns are ignored. Example for a two-model cascade:
///
///     prompt_tokens,llama-3.1-8b.output_tokens,llama-3.1-8b.score,llama-3.1-70b.output_tokens,llama-3.1-70b.score
///     812,240,71.5,251,88
public enum QualityCSV {
    /// Column name of a model's output length.
    public static func outputColumn(_ model: String) -> String { "\(model).output_tokens" }
    /// Column name of a model's score.
    public static func scoreColumn(_ model: String) -> String { "\(model).score" }

    /// Parses `table` for `models`; throws `ScenarioError` naming `label` (the file) and the
    /// offending lines: missing models, non-numbers, lengths below 1, scores outside 0–100
    /// (at most 10 issues, then a count of the rest).
    public static func read(_ table: CSVTable, models: [String], label: String) throws(ScenarioError) -> QualitySamples {
        let missing = models.filter {
            !table.header.contains(outputColumn($0)) || !table.header.contains(scoreColumn($0))
        }
        var issues: [ScenarioIssue] = []
        if !table.header.contains("prompt_tokens") {
            issues.append(ScenarioIssue(path: label, message: "missing column 'prompt_tokens'"))
        }
        if !missing.isEmpty {
            issues.append(ScenarioIssue(
                path: label,
                message: "no scores for model(s) " + missing.joined(separator: ", ")
                    + " (each model needs columns '<model>.output_tokens' and '<model>.score'); columns are: "
                    + table.header.joined(separator: ", ")))
        }
        guard issues.isEmpty else { throw ScenarioError(issues: issues) }
        if table.rows.isEmpty { throw ScenarioError(path: label, "no requests (only a header)") }
        let prompt = table.header.firstIndex(of: "prompt_tokens")!
        let outputs = models.map { table.header.firstIndex(of: outputColumn($0))! }
        let scores = models.map { table.header.firstIndex(of: scoreColumn($0))! }
        var samples: [QualitySample] = []
        var problems = 0
        func problem(_ line: Int, _ message: String) {
            problems += 1
            if problems <= 10 { issues.append(ScenarioIssue(path: "\(label) line \(line)", message: message)) }
        }
        func tokens(_ row: [String], _ column: Int, _ line: Int) -> Int? {
            let text = row[column].trimmingCharacters(in: .whitespaces)
            guard let value = Int(text), value >= 1 else {
                problem(line, "\(table.header[column]) must be a whole number >= 1, got '\(text)'")
                return nil
            }
            return value
        }
        for (offset, row) in table.rows.enumerated() {
            let line = table.rowLines[offset]
            let promptTokens = tokens(row, prompt, line)
            let lengths = outputs.compactMap { tokens(row, $0, line) }
            var values: [Double] = []
            for column in scores {
                let text = row[column].trimmingCharacters(in: .whitespaces)
                guard let value = Double(text), value.isFinite else {
                    problem(line, "\(table.header[column]) must be a number, got '\(text)'")
                    continue
                }
                guard (0...100).contains(value) else {
                    problem(line, "\(table.header[column]) must be within 0–100, got \(text)")
                    continue
                }
                values.append(value)
            }
            if let promptTokens, lengths.count == models.count, values.count == models.count {
                samples.append(QualitySample(promptTokens: promptTokens, outputTokens: lengths, scores: values))
            }
        }
        if problems > 10 { issues.append(ScenarioIssue(path: label, message: "\(problems - 10) more problems")) }
        guard issues.isEmpty else { throw ScenarioError(issues: issues) }
        return QualitySamples(models: models, requests: samples)
    }
}
