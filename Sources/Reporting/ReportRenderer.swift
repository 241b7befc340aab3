import Foundation

/// Turns a saved `--json` output into a self-contained HTML report. The report reads only what the
/// output holds (it never re-plans or re-simulates), so the same JSON gives the same bytes.
/// ```
/// let html = try ReportRenderer.html(fromJSON: Data(contentsOf: URL(fileURLWithPath: "run.json")))
/// try html.write(toFile: "run.html", atomically: true, encoding: .utf8)
/// ```
public enum ReportRenderer {
    /// The builders, one per family of kinds.
    static var builders: [any KindPage.Type] {[
        SimulatePage.self, GateRoutePage.self, CascadePage.self, MoEPage.self, GeoPage.self, DeployPage.self,
    ]}

    /// Every kind a report can be made of.
    public static var kinds: [String] { builders.flatMap { $0.kinds } }

    /// The report of one output; `source` (a file name) goes under the title.
    public static func html(fromJSON data: Data, source: String? = nil) throws(ReportError) -> String {
        try document(fromJSON: data, source: source).html()
    }

    /// The report as a document (for tests and for callers that add sections).
    public static func document(fromJSON data: Data, source: String? = nil) throws(ReportError) -> ReportDocument {
        let input = try ReportInput(data: data)
        guard let builder = builders.first(where: { $0.kinds.contains(input.kind) }) else {
            throw .badInput("kind '\(input.kind)' has no report (reports exist for \(kinds.joined(separator: ", ")))")
        }
        var document = try builder.document(input.root, kind: input.kind)
        if let source { document.facts.insert(ReportDocument.Fact("From", source), at: 0) }
        return document
    }
}

/// A family of output kinds and how their report is laid out.
protocol KindPage {
    static var kinds: [String] { get }
    static func document(_ root: JSONCursor, kind: String) throws(ReportError) -> ReportDocument
}
