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
        write(try encoded(body, kind: kind))
    }

    /// Prints a `plan` verb's report.
    static func print<Plan: Encodable, Evaluation: Encodable>(_ report: PlanReport<Plan, Evaluation>) throws {
        write(try encoded(report))
    }

    /// The bytes `print(body, kind:)` writes (what `--report` renders).
    static func encoded<Body: Encodable>(_ body: Body, kind: String) throws -> Data {
        try JSONContract.encode(ReportEnvelope(kind: kind, body: body))
    }

    /// The bytes `print(report)` writes.
    static func encoded<Plan: Encodable, Evaluation: Encodable>(_ report: PlanReport<Plan, Evaluation>) throws -> Data {
        try JSONContract.encode(report)
    }

    private static func write(_ data: Data) {
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }
}
