import Foundation
import Testing
import GPUSchedTestSupport

/// `gpusched plan geo` and `simulate geo` on the clustered example.
@Suite struct GeoCommandTests {
    static let example = Repository.examples.appendingPathComponent("geo-clustered.yaml").path

    /// The blocks a placement row (`firstBlock`, `blockCount`) covers.
    static func blocks(_ row: [String: Any]) throws -> Range<Int> {
        let first = try #require(row["firstBlock"] as? Int)
        return first..<(first + (try #require(row["blockCount"] as? Int)))
    }

    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// The plan, then the baselines (each `{method, placement, …}`).
    static func placements(_ json: [String: Any]) throws -> [[String: Any]] {
        [try #require(json["plan"] as? [String: Any])] + (try #require(json["baselines"] as? [[String: Any]]))
    }

    /// The first run (no allocation delay) of the evaluation of `method`.
    static func undelayed(_ evaluations: [[String: Any]], _ method: String) throws -> [String: Any] {
        let evaluation = try #require(evaluations.first { $0["method"] as? String == method })
        let run = try #require((evaluation["runs"] as? [[String: Any]])?.first)
        #expect(run["allocationDelaySeconds"] as? Double == 0)
        return run
    }

    static func mean(_ run: [String: Any], _ key: String) throws -> Double {
        try #require((run[key] as? [String: Any])?["mean"] as? Double)
    }

    @Test func planAndSimulate() throws {
        let plan = try CLIRunner.run(["plan", "geo", Self.example, "--json"])
        #expect(plan.exitCode == 0, "\(plan.stderr)")
        let json = try Self.object(plan.stdout)
        #expect(json["kind"] as? String == "plan-geo")
        let methods = try Self.placements(json)
        #expect(methods.map { $0["method"] as? String } == ["cg-bp", "petals"])
        for method in methods {
            let placement = try #require(method["placement"] as? [[String: Any]])
            // Every block 0..<70 is covered by some server's range.
            var covered = Set<Int>()
            for row in placement { covered.formUnion(try Self.blocks(row)) }
            #expect(covered == Set(0..<70))
        }
        // plan geo evaluates the plan and PETALS the way simulate geo does: the same figures.
        let evaluations = try #require(json["evaluations"] as? [[String: Any]])
        #expect(evaluations.map { $0["method"] as? String } == ["cg-bp+ws-rr", "petals"])
        #expect(json["seeds"] as? [Int] == [1])
        let simulate = try CLIRunner.run(["simulate", "geo", Self.example, "--json"])
        #expect(simulate.exitCode == 0, "\(simulate.stderr)")
        let simulated = try Self.object(simulate.stdout)
        #expect(simulated["kind"] as? String == "simulate-geo")
        let rows = try #require(simulated["methods"] as? [[String: Any]])
        let proposed = try Self.undelayed(rows, "cg-bp+ws-rr")
        let petals = try Self.undelayed(rows, "petals")
        #expect(try Self.mean(proposed, "meanPerTokenSeconds") < Self.mean(petals, "meanPerTokenSeconds"))
        #expect(proposed["completed"] as? Int == 100)
        #expect(try Self.mean(Self.undelayed(evaluations, "cg-bp+ws-rr"), "meanPerTokenSeconds") == Self.mean(proposed, "meanPerTokenSeconds"))
        #expect(try Self.mean(Self.undelayed(evaluations, "petals"), "meanTTFTSeconds") == Self.mean(petals, "meanTTFTSeconds"))
    }

    /// --no-evaluate: the plan and PETALS without a simulation.
    @Test func noEvaluate() throws {
        let output = try CLIRunner.run(["plan", "geo", Self.example, "--json", "--no-evaluate"])
        #expect(output.exitCode == 0, "\(output.stderr)")
        let json = try Self.object(output.stdout)
        #expect((json["evaluations"] as? [Any])?.isEmpty == true && (json["seeds"] as? [Any])?.isEmpty == true)
    }

    @Test func infeasiblePlacementExitsTwo() throws {
        let text = try String(contentsOfFile: Self.example, encoding: .utf8)
            .replacingOccurrences(of: "memoryBytes: 79.13e9", with: "memoryBytes: 10e9")
            + "plannedRequests: 40\n"
        let output = try CLIRunner.run(["plan", "geo", try TemporaryFiles.file(text)])
        #expect(output.exitCode == 2)
        #expect(output.stderr.contains("Corollary 1"), "\(output.stderr)")
    }

    /// The MILP on the clustered testbed's 10 requests. Every path needs two hops (an A100 holds at
    /// most ⌊79.13/1.323⌋ = 59 < 70 blocks, a MIG slice 4), each hop pays at least the 0.1 s RTT plus
    /// 0.05 s overhead, and every block at least an A100's 3.2197 ms, so 2·0.15 + 70·0.0032197 =
    /// 0.525379 s is a lower bound; two A100s reach it, so it is the optimum, and CG-BP's gap is 0.
    /// --export-model writes the MILP (the one model this run solves).
    @Test func milpReportsTheOptimumAndGaps() throws {
        let text = try String(contentsOfFile: Self.example, encoding: .utf8)
            .replacingOccurrences(of: "methods: [cg-bp+ws-rr, petals]", with: "methods: [cg-bp+ws-rr, petals, milp]")
        let file = try TemporaryFiles.file(text)
        let model = TemporaryFiles.path(prefix: "geo", extension: "mps")
        defer { try? FileManager.default.removeItem(atPath: model) }
        let output = try CLIRunner.run(["plan", "geo", file, "--json", "--no-evaluate", "--export-model", model])
        #expect(output.exitCode == 0, "\(output.stderr)")
        #expect(output.stderr.contains("note: exported 1 model: \(model)"), "\(output.stderr)")
        #expect(FileManager.default.fileExists(atPath: model))
        let json = try Self.object(output.stdout)
        let methods = try Self.placements(json)
        #expect(methods.map { $0["method"] as? String } == ["cg-bp", "petals", "milp"])
        let milp = methods[2]
        let solve = try #require(milp["solve"] as? [String: Any])
        #expect(solve["status"] as? String == "optimal")
        #expect(abs(try #require(milp["meanPerTokenSeconds"] as? Double) - 0.525379) < 1e-9)
        #expect(abs(try #require(solve["objective"] as? Double) - 0.525379) < 1e-9)
        #expect(abs(try #require(milp["cgbpGapToMilp"] as? Double)) < 1e-9)
        #expect(try #require(solve["relativeGap"] as? Double) < 1e-6)
        #expect(try #require(solve["solveSeconds"] as? Double) < 60)
        #expect(milp["plannedRequests"] as? Int == 10)
        // The MILP's placement covers every block.
        let placement = try #require(milp["placement"] as? [[String: Any]])
        let covered = try placement.reduce(into: Set<Int>()) { set, row in set.formUnion(try Self.blocks(row)) }
        #expect(covered == Set(0..<70))
        // Text output states both gaps.
        let textOutput = try CLIRunner.run(["plan", "geo", file, "--no-evaluate"])
        #expect(textOutput.stdout.contains("MILP on 10 requests: optimal, solver gap 0.000 %; CG-BP (|R| = 10) + shortest path is 0.00 % above it"),
                "\(textOutput.stdout)")
    }

    /// A scattered scenario plans and simulates; the same seed gives the same placement.
    @Test func scatteredScenarioRuns() throws {
        let path = Self.example.replacingOccurrences(of: "geo-clustered", with: "geo-scattered-20")
        let first = try CLIRunner.run(["plan", "geo", path, "--json", "--no-evaluate"])
        #expect(first.exitCode == 0, "\(first.stderr)")
        let again = try CLIRunner.run(["plan", "geo", path, "--json", "--no-evaluate"])
        func placements(_ text: String) throws -> [[[String: Int]]] {
            try Self.placements(Self.object(text)).map { method in
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
        let methods = try #require(try Self.object(simulate.stdout)["methods"] as? [[String: Any]])
        let runs = methods.flatMap { ($0["runs"] as? [[String: Any]]) ?? [] }
        #expect(methods.count == 2 && runs.count == 4 && runs.allSatisfy { $0["completed"] as? Int == 100 })
    }

    /// --seed and --seeds run consecutive seeds; each run sums the requests routed over them.
    @Test func seedsOverride() throws {
        let output = try CLIRunner.run(["simulate", "geo", Self.example, "--json", "--seed", "7", "--seeds", "2"])
        #expect(output.exitCode == 0, "\(output.stderr)")
        let json = try Self.object(output.stdout)
        #expect(json["seeds"] as? [Int] == [7, 8])
        let run = try Self.undelayed(try #require(json["methods"] as? [[String: Any]]), "cg-bp+ws-rr")
        #expect(run["completed"] as? Int == 200)
        #expect((run["meanPerTokenSeconds"] as? [String: Any])?["samples"] as? Int == 2)
    }
}
