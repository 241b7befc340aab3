import ArgumentParser
import Foundation
import Planning

/// `--json` and `--progress`: how a verb prints its result and announces long work.
///
/// Add to a command with `@OptionGroup var output: OutputOptions`, print with
/// `JSONOutput.print(report, kind: …)` when `output.json` is set, and hand `output.progressReporter`
/// to long work:
/// ```
/// gpusched simulate examples/simulate-chat.yaml --json
/// gpusched plan cascade examples/cascade-deepseek.yaml --progress 2> progress.log
/// ```
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print the result as one JSON object (schemaVersion, kind; schemas/ documents each kind).")
    var json = false

    @Flag(
        name: .long, inversion: .prefixedNo,
        help: "Announce long steps on stderr (default: only when stdout is a terminal and --json is off).")
    var progress: Bool?

    /// Where long steps are announced: stderr lines `… step` when enabled, else nowhere.
    var progressReporter: ProgressReporter {
        let enabled = progress ?? (isatty(STDOUT_FILENO) != 0 && !json)
        return enabled ? .standardError : .silent
    }
}

extension ProgressReporter {
    /// Lines `… step` on standard error.
    static let standardError = ProgressReporter { message in
        FileHandle.standardError.write(Data("… \(message)\n".utf8))
    }
}
