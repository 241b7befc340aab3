import Foundation
import Testing

/// `gpusched plan geo` and `simulate geo` on the clustered example.
@Suite struct GeoCommandTests {
    static let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/geo-clustered.yaml").path

    /// The blocks a placement row (`firstBlock`, `blockCount`) covers.
    static func blocks(_ row: [String: Any]) throws -> Range<Int> {
        let first = try #require(row["firstBlock"] as? Int)
        return first..<(first + (try #require(row["blockCount"] as? Int)))
    }

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
            for row in placement { covered.formUnion(try Self.blocks(row)) }
            #expect(covered == Set(0..<70))
        }
        let simulate = try CLIRunner.run(["simulate", "geo", Self.example, "--json"])
        #expect(simulate.exitCode == 0, "\(simulate.stderr)")
        let simulated = try #require(try JSONSerialization.jsonObject(with: Data(simulate.stdout.utf8)) as? [String: Any])
        let rows = try #require(simulated["methods"] as? [[String: Any]])
        let proposed = try #require(rows.first { $0["name"] as? String == "cg-bp+ws-rr" && $0["allocationDelaySeconds"] as? Double == 0 })
        let petals = try #require(rows.first { $0["name"] as? String == "petals" && $0["allocationDelaySeconds"] as? Double == 0 })
        #expect(try #require(proposed["meanPerTokenSeconds"] as? Double) < #require(petals["meanPerTokenSeconds"] as? Double))
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

    /// The MILP on the clustered testbed's 10 requests. Every path needs two hops (an A100 holds at
    /// most ⌊79.13/1.323⌋ = 59 < 70 blocks, a MIG slice 4), each hop pays at least the 0.1 s RTT plus
    /// 0.05 s overhead, and every block at least an A100's 3.2197 ms, so 2·0.15 + 70·0.0032197 =
    /// 0.525379 s is a lower bound; two A100s reach it, so it is the optimum, and CG-BP's gap is 0.
    @Test func milpReportsTheOptimumAndGaps() throws {
        let text = try String(contentsOfFile: Self.example, encoding: .utf8)
            .replacingOccurrences(of: "methods: [cg-bp+ws-rr, petals]", with: "methods: [cg-bp+ws-rr, petals, milp]")
        let output = try CLIRunner.run(["plan", "geo", try CLIRunner.temporaryFile(text), "--json"])
        #expect(output.exitCode == 0, "\(output.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        let methods = try #require(json["methods"] as? [[String: Any]])
        #expect(methods.map { $0["name"] as? String } == ["cg-bp", "petals", "milp"])
        let milp = methods[2]
        #expect(milp["status"] as? String == "optimal")
        #expect(abs(try #require(milp["meanPerTokenSeconds"] as? Double) - 0.525379) < 1e-9)
        #expect(abs(try #require(milp["gap"] as? Double)) < 1e-9)
        #expect(try #require(milp["mipGap"] as? Double) < 1e-6)
        #expect(try #require(milp["runtimeSeconds"] as? Double) < 60)
        // The MILP's placement covers every block.
        let placement = try #require(milp["placement"] as? [[String: Any]])
        let covered = try placement.reduce(into: Set<Int>()) { set, row in set.formUnion(try Self.blocks(row)) }
        #expect(covered == Set(0..<70))
        // Text output states both gaps.
        let textOutput = try CLIRunner.run(["plan", "geo", try CLIRunner.temporaryFile(text)])
        #expect(textOutput.stdout.contains("MILP on 10 requests: optimal, solver gap 0.000 %; CG-BP (|R| = 10) + shortest path is 0.00 % above it"),
                "\(textOutput.stdout)")
    }

    /// A scattered scenario plans and simulates; the same seed gives the same placement.
    @Test func scatteredScenarioRuns() throws {
        let path = Self.example.replacingOccurrences(of: "geo-clustered", with: "geo-scattered-20")
        let first = try CLIRunner.run(["plan", "geo", path, "--json"])
        #expect(first.exitCode == 0, "\(first.stderr)")
        let again = try CLIRunner.run(["plan", "geo", path, "--json"])
        func placements(_ text: String) throws -> [[[String: Int]]] {
            let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            return try #require(json["methods"] as? [[String: Any]]).map { method in
                try #require(method["placement"] as? [[String: Any]]).map { row in
                    let blocks = try Self.blocks(row)
                    return ["firstBlock": blocks.lowerBound, "blockCount": blocks.count]
                }
            }
        }
        #expect(try placements(first.stdout) == placements(again.stdout))
        // 20 sites: 8 servers (2 A100s, 6 MIG slices).
        #expect(try placements(first.stdout)[0].count == 8)
        let simulate = try CLIRunner.run(["simulate", "geo", path, "--json"])
        #expect(simulate.exitCode == 0, "\(simulate.stderr)")
        let simulated = try #require(try JSONSerialization.jsonObject(with: Data(simulate.stdout.utf8)) as? [String: Any])
        let rows = try #require(simulated["methods"] as? [[String: Any]])
        #expect(rows.count == 4 && rows.allSatisfy { $0["completed"] as? Int == 100 })
    }
}
