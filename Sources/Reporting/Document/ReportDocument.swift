/// A report: a title, a few facts about the run (kind, seeds, solve status …) and sections of charts,
/// tables and notes, written as one self-contained HTML page by `html()`.
/// ```
/// let document = ReportDocument(title: "simulate — examples/simulate-chat.yaml", facts: [("Kind", "simulate")],
///                               sections: [ReportSection(title: "Latency", items: [.chart(cdf)])])
/// let page = document.html()    // <!DOCTYPE html>…
/// ```
public struct ReportDocument: Sendable {
    public var title: String
    public var facts: [Fact]
    public var sections: [ReportSection]

    public init(title: String, facts: [Fact], sections: [ReportSection]) {
        self.title = title
        self.facts = facts
        self.sections = sections
    }

    /// A name–value line under the title.
    public struct Fact: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The page: inline CSS and SVG only, a content security policy that forbids fetching anything,
    /// so it reads the same offline, printed, or in a sandboxed viewer.
    public func html() -> String {
        let head = MarkupNode.element("head", [:], [
            .element("meta", ["charset": "utf-8"]),
            .element("meta", ["http-equiv": "Content-Security-Policy", "content": "default-src 'none'; style-src 'unsafe-inline'; img-src data:"]),
            .element("meta", ["name": "viewport", "content": "width=device-width, initial-scale=1"]),
            .element("meta", ["name": "color-scheme", "content": "light dark"]),
            .element("title", [:], [.text(title)]),
            .element("style", [:], [.text(PageStyle.css)]),
        ])
        var main: [MarkupNode] = [.element("h1", [:], [.text(title)])]
        if !facts.isEmpty {
            main.append(.element("dl", ["class": "facts"], facts.flatMap { fact in
                [MarkupNode.element("dt", [:], [.text(fact.name)]), .element("dd", [:], [.text(fact.value)])]
            }))
        }
        main += sections.map(\.markup)
        main.append(.element("footer", [:], [.text("Made by gpusched report from the run's JSON output; the numbers under each chart are the ones it draws.")]))
        let page = MarkupNode.element("html", ["lang": "en"], [head, .element("body", [:], [.element("main", [:], main)])])
        return "<!DOCTYPE html>\n" + MarkupWriter.string(page) + "\n"
    }
}

/// A titled part of a report.
public struct ReportSection: Sendable {
    public var title: String
    public var items: [ReportItem]

    public init(title: String, items: [ReportItem]) {
        self.title = title
        self.items = items
    }

    var markup: MarkupNode {
        .element("section", [:], [.element("h2", [:], [.text(title)])] + items.map(\.markup))
    }
}

/// What a section holds: a chart with its numbers, a table, or a paragraph.
public enum ReportItem: Sendable {
    case chart(any Chart)
    case table(DataTable)
    case note(String)

    var markup: MarkupNode {
        switch self {
        case .chart(let chart):
            return .element("figure", [:], [
                chart.svg(),
                .element("details", ["class": "numbers"], [
                    .element("summary", [:], [.text("Numbers behind “\(chart.title)”")]), Self.tableMarkup(chart.table()),
                ]),
            ])
        case .table(let table):
            return Self.tableMarkup(table)
        case .note(let text):
            return .element("p", ["class": "note"], [.text(text)])
        }
    }

    static func tableMarkup(_ table: DataTable) -> MarkupNode {
        guard !table.rows.isEmpty else {
            return .element("p", ["class": "note"], [.text("No data: \(table.emptyReason ?? "no rows")")])
        }
        let header = MarkupNode.element("thead", [:], [.element("tr", [:], table.columns.map { .element("th", ["scope": "col"], [.text($0)]) })])
        let body = MarkupNode.element("tbody", [:], table.rows.map { row in
            .element("tr", [:], row.map { cell in
                switch cell {
                case .text: .element("td", [:], [.text(cell.string)])
                case .number: .element("td", ["class": "number"], [.text(cell.string)])
                }
            })
        })
        return .element("div", ["class": "table-scroll"], [.element("table", [:], [.element("caption", [:], [.text(table.caption)]), header, body])])
    }
}
