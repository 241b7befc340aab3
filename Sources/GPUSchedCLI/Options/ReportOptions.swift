import ArgumentParser
import Foundation
import Reporting

/// `--report FILE.html` on every `plan` and `simulate` verb: after the run, the same output
/// `--json` prints is rendered as a self-contained HTML report (the `Reporting` target). The path
/// is checked before the run starts, so a long run never ends in an unwritable file.
/// ```
/// gpusched simulate examples/simulate-chat.yaml --report chat.html
/// gpusched plan moe examples/moe-balance.yaml --json --report moe.html > moe.json
/// ```
struct ReportOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Also write the result as a self-contained HTML report (charts and their numbers) to FILE.", valueName: "FILE.html"))
    var report: String?

    func validate() throws {
        guard let report else { return }
        if let problem = ReportDestination.problem(with: report) { throw ValidationError("--report: \(problem)") }
    }

    /// Writes the report of `output` (the JSON contract's bytes) when `--report` was given.
    func write(_ output: Data, source: String) throws {
        guard let report else { return }
        try ReportDestination.write(jsonOutput: output, source: source, to: report)
    }
}

/// Where a report goes: the checks made before a run, and the write after it.
enum ReportDestination {
    /// Why `path` cannot take a report (nil when it can): a directory, a missing or read-only folder,
    /// a read-only file.
    static func problem(with path: String) -> String? {
        guard !path.isEmpty else { return "empty path" }
        var isDirectory: ObjCBool = false
        let manager = FileManager.default
        if manager.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { return "\(path) is a directory" }
            return manager.isWritableFile(atPath: path) ? nil : "\(path) is not writable"
        }
        let folder = (path as NSString).deletingLastPathComponent
        let parent = folder.isEmpty ? "." : folder
        guard manager.fileExists(atPath: parent, isDirectory: &isDirectory), isDirectory.boolValue else {
            return "folder \(parent) does not exist"
        }
        return manager.isWritableFile(atPath: parent) ? nil : "folder \(parent) is not writable"
    }

    /// Renders `jsonOutput` and writes the page to `path`.
    static func write(jsonOutput: Data, source: String, to path: String) throws {
        let html: String
        do {
            html = try ReportRenderer.html(fromJSON: jsonOutput, source: source)
        } catch {
            throw CommandFailure("--report: the output could not be rendered: \(error)")
        }
        do {
            try Data(html.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw InputError("--report: cannot write \(path): \(error.localizedDescription)")
        }
    }
}
