import Foundation
import Testing

/// `gpusched plan geo` and `simulate geo` on the clustered example.
@Suite struct GeoCommandTests {
    static let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/geo-clustered.yaml").path

    @Test func planAndSimulate() throws {
        let plan = try CLIRunner.run(["plan", "geo", Self.example, "--json"])
        #expect(plan.exitCode == 0, "\(plan.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any])
        let methods = try #require(json["methods"] as? [[String: Any]])
        #expect(methods.map { $0["name"] as? String } == ["cg-bp", "petals"])
        for method in methods {
            let placement = try #require(method["placement"] as? [[String: Any]])
            // Every block 0..<70 is covered by some server's range.
            var covered = Set<Int>()
            for row in placement {
                let first = row["firstBlock"] as! Int, count = row["blockCount"] as! Int
                covered.formUnion(first..<(first + count))
            }
            #expect(covered == Set(0..<70))
        }
        let simulate = try CLIRunner.run(["simulate", "geo", Self.example, "--json"])
        #expect(simulate.exitCode == 0, "\(simulate.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(simulate.stdout.utf8)) as? [[String: Any]])
        let proposed = try #require(rows.first { $0["name"] as? String == "cg-bp+ws-rr" && $0["allocationDelaySeconds"] as? Double == 0 })
        let petals = try #require(rows.first { $0["name"] as? String == "petals" && $0["allocationDelaySeconds"] as? Double == 0 })
        #expect((proposed["meanPerTokenSeconds"] as! Double) < (petals["meanPerTokenSeconds"] as! Double))
        #expect(proposed["completed"] as? Int == 100)
    }

    @Test func infeasiblePlacementExitsTwo() throws {
        let text = try String(contentsOfFile: Self.example, encoding: .utf8)
            .replacingOccurrences(of: "memoryBytes: 79.13e9", with: "memoryBytes: 10e9")
            + "plannedRequests: 40\n"
        let output = try CLIRunner.run(["plan", "geo", try CLIRunner.temporaryFile(text)])
        #expect(output.exitCode == 2)
        #expect(output.stderr.contains("Corollary 1"), "\(output.stderr)")
    }
}
