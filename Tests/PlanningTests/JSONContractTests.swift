import Foundation
import Planning
import Solver
import Testing

@Suite struct JSONContractTests {
    struct Row: Codable, Equatable {
        var name: String
        @Nullable var gap: Double?
        var value: Double
    }

    private func object(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func absentOptionalsAreNullNotOmitted() throws {
        let json = try object(JSONContract.encode(Row(name: "a", gap: nil, value: 1)))
        #expect(json.keys.sorted() == ["gap", "name", "value"])
        #expect(json["gap"] is NSNull)
    }

    @Test func nonFiniteNumbersAreNull() throws {
        let text = String(decoding: try JSONContract.encode([Row(name: "missing", gap: .infinity, value: .nan)]), as: UTF8.self)
        #expect(!text.contains("\"nan\"") && !text.contains("\"inf\""))
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        #expect(rows[0]["gap"] is NSNull)
        #expect(rows[0]["value"] is NSNull)
        #expect(rows[0]["name"] as? String == "missing")
    }

    @Test func nullableDecodesMissingAndNullKeys() throws {
        let missing = try JSONDecoder().decode(Row.self, from: Data(#"{"name":"a","value":2}"#.utf8))
        let null = try JSONDecoder().decode(Row.self, from: Data(#"{"name":"a","value":2,"gap":null}"#.utf8))
        let present = try JSONDecoder().decode(Row.self, from: Data(#"{"name":"a","value":2,"gap":0.5}"#.utf8))
        #expect(missing.gap == nil && null.gap == nil && present.gap == 0.5)
    }

    @Test func envelopeAddsTheHeaderBesideTheBody() throws {
        let json = try object(JSONContract.encode(ReportEnvelope(kind: "solve", body: Row(name: "x", gap: 0.1, value: 3))))
        #expect(json["schemaVersion"] as? Int == JSONContract.schemaVersion)
        #expect(json["kind"] as? String == "solve")
        #expect(json["value"] as? Double == 3)
    }

    @Test func planReportListsThePlanThenTheBaselines() throws {
        let summary = SolveSummary.heuristic(objective: 2, wallSeconds: 0.5)
        let report = PlanReport<Row, Row>(
            kind: "plan-test", solve: summary, plan: Row(name: "plan", gap: nil, value: 2),
            baselines: [Row(name: "base", gap: nil, value: 3)])
        let json = try object(JSONContract.encode(report))
        #expect(json.keys.sorted() == ["baselines", "evaluations", "kind", "notes", "plan", "schemaVersion", "seeds", "solve"])
        let solve = try #require(json["solve"] as? [String: Any])
        #expect(solve["status"] as? String == "heuristic")
        #expect(solve["bestBound"] is NSNull && solve["relativeGap"] is NSNull)
    }

    @Test func solveSummaryOfAnOptimalLP() {
        let result = SolveResult(
            status: .optimal, objectiveValue: 4, bestBound: 4, relativeGap: 0, solveSeconds: 0.01, nodeCount: 0,
            values: [1], rowDuals: [], reducedCosts: [])
        let summary = SolveSummary(result, wallSeconds: 0.02)
        #expect(summary.status == .optimal && summary.objective == 4 && summary.solves == 1 && summary.wallSeconds == 0.02)
        #expect(SolveSummary.Status(.timeLimit(hasSolution: false)) == .timeLimitNoSolution)
    }
}
