import Foundation
import Testing
@testable import Reporting

@Suite struct ReportInputTests {
    func message(_ text: String) -> String? {
        do {
            _ = try ReportRenderer.html(fromJSON: Data(text.utf8))
            return nil
        } catch {
            return error.description
        }
    }

    @Test func notGPUSchedJSONGetsOneClearLine() {
        #expect(message("") == "empty file, not GPUSched JSON")
        #expect(message("hello") == "not valid JSON (malformed or truncated)")
        #expect(message(#"{"schemaVersion": 2, "kind": "simul"#) == "not valid JSON (malformed or truncated)")
        #expect(message("[1, 2]") == "not GPUSched JSON (expected an object with schemaVersion and kind)")
        #expect(message(#"{"name": "x"}"#) == "not GPUSched JSON (no schemaVersion and kind at the top)")
        #expect(message(#"{"schemaVersion": 3, "kind": "simulate"}"#) == "unknown schemaVersion 3 (this gpusched reads 2)")
        #expect(message(#"{"schemaVersion": "2", "kind": "simulate"}"#) == "schemaVersion: expected an integer")
        #expect(message(#"{"schemaVersion": 2, "kind": 7}"#) == "kind: expected a string")
        #expect(message(#"{"schemaVersion": 2, "kind": "bench-solver"}"#)?.hasPrefix("kind 'bench-solver' has no report (reports exist for simulate, ") == true)
    }

    /// A truncated real output fails cleanly whatever the cut.
    @Test func everyTruncationOfAnOutputFailsCleanly() throws {
        let full = KindReportTests.simulateJSON
        #expect(message(full) == nil)
        let bytes = Array(full.utf8)
        for cut in stride(from: 1, to: bytes.count - 1, by: 7) {
            let text = String(decoding: bytes[..<cut], as: UTF8.self)
            let line = message(text)
            #expect(line != nil, "cut at \(cut) rendered")
            #expect(line?.contains("\n") == false)
        }
    }

    /// A required key missing is named by its path.
    @Test func missingKeysAreNamedByPath() {
        #expect(message(#"{"schemaVersion": 2, "kind": "simulate", "classes": [], "policy": "rr", "replicas": 2, "seeds": [1]}"#)
            == "overall.completed: missing (expected a number)")
        #expect(message(#"{"schemaVersion": 2, "kind": "plan-gate-route", "plan": {"revenuePerGPU": 1}, "seeds": [], "evaluations": [{"policy": "g"}]}"#)
            == "evaluations[0].gpus: missing (expected a number)")
    }
}
