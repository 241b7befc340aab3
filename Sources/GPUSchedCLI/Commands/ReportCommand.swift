import ArgumentParser
import Foundation
import Reporting

/// `gpusched report RESULT.json [-o FILE.html]`: renders a saved `--json` output (of a `plan` or
/// `simulate` verb, from this machine or another) as a self-contained HTML report.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Render a saved --json output of a plan or simulate verb as a self-contained HTML report.",
        discussion: """
            The page holds inline SVG charts and CSS only (nothing is fetched), reads offline, prints, and \
            follows the reader's light or dark theme; under each chart are the numbers it draws. The report \
            reads only what the JSON holds: the same JSON gives the same bytes. Kinds: \(ReportRenderer.kinds.joined(separator: ", ")). \
            Files over \(ReportCommand.maximumInputMegabytes) MB are refused.

            Examples:
              gpusched simulate examples/simulate-chat.yaml --json > chat.json
              gpusched report chat.json -o chat.html
              gpusched plan moe examples/moe-balance.yaml --report moe.html
            """
    )

    /// The largest JSON file `report` reads (outputs are summaries: a 1M-request simulation is far below).
    static let maximumInputMegabytes = 256

    @Argument(help: "A --json output of gpusched (plan or simulate).")
    var result: String

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Where to write the report (default: RESULT with .html).", valueName: "FILE.html"))
    var output: String?

    var destination: String {
        output ?? ((result as NSString).deletingPathExtension + ".html")
    }

    func validate() throws {
        if let problem = ReportDestination.problem(with: destination) { throw ValidationError("-o: \(problem)") }
    }

    func run() throws {
        guard FileManagerProbe.isReadableFile(result) else { throw InputError("\(result): no such readable file") }
        let size = (try? FileManager.default.attributesOfItem(atPath: result)[.size] as? Int) ?? 0
        guard size <= Self.maximumInputMegabytes << 20 else {
            throw InputError("\(result): \(size >> 20) MB is over the \(Self.maximumInputMegabytes) MB limit of report")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: result))
        } catch {
            throw InputError("\(result): cannot read: \(error.localizedDescription)")
        }
        let html: String
        do {
            html = try ReportRenderer.html(fromJSON: data, source: (result as NSString).lastPathComponent)
        } catch {
            throw InputError("\(result): \(error)")
        }
        do {
            try Data(html.utf8).write(to: URL(fileURLWithPath: destination), options: .atomic)
        } catch {
            throw InputError("-o: cannot write \(destination): \(error.localizedDescription)")
        }
    }
}
