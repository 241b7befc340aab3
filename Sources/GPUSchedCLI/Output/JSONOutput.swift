import Foundation
import Planning

/// Writes `--json` output in the one contract (`JSONContract`): one object with `schemaVersion` and
/// `kind` (which names its schema in `schemas/`), keys sorted, missing and non-finite numbers `null`.
/// ```
/// try JSONOutput.print(summary, kind: "simulate")    // {"kind": "simulate", "schemaVersion": 2, …}
/// try JSONOutput.print(planReport)                     // a PlanReport carries its own kind
/// ```
enum JSONOutput {
    /// Prints `body`'s keys beside the contract's header; `body` must encode as a keyed object.
    static func print<Body: Encodable>(_ body: Body, kind: String) throws {
        try write(ReportEnvelope(kind: kind, body: body))
    }

    /// Prints a `plan` verb's report.
    static func print<Plan: Encodable, Evaluation: Encodable>(_ report: PlanReport<Plan, Evaluation>) throws {
        try write(report)
    }

    private static func write(_ value: some Encodable) throws {
        FileHandle.standardOutput.write(try JSONContract.encode(value))
        FileHandle.standardOutput.write(Data("\n".utf8))
    }
}
