import Foundation
import Testing

/// `gpusched plan moe` and `export moe`, and their bad-input exits.
@Suite struct MoECommandTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples")
    static let csvExample = examples.appendingPathComponent("moe-csv.yaml").path
    static let stats = examples.appendingPathComponent("moe-mixtral-stats.csv").path

    /// Mixtral on two servers × 2 GPUs, 2 slots each: every slot filled, so SGLang can take the map.
    static func fullSlotsScenario(stats: String = stats, extra: String = "") -> String {
        """
        kind: moe-placement
        model: mixtral-8x7b
        topology: {edges: {servers: [a, b], gpusPerNode: 2, links: [{from: a, to: b, weight: 1}]}}
        slotsPerGPU: 2
        activations: {csv: \(stats)}
        methods: [load-aware, round-robin, contiguous, eplb, greedy]
        \(extra)
        """
    }

    @Test func planReportsEveryMethodAgainstRoundRobin() throws {
        let output = try CLIRunner.run(["plan", "moe", Self.csvExample, "--json"])
        #expect(output.exitCode == 0, "\(output.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        let methods = try #require(json["methods"] as? [[String: Any]])
        #expect(methods.map { $0["name"] as? String } == ["load-aware", "unweighted", "round-robin", "contiguous", "greedy"])
        let byName = Dictionary(uniqueKeysWithValues: try methods.map { (try #require($0["name"] as? String), $0) })
        #expect(byName["round-robin"]?["reductionVsRoundRobin"] as? Double == 0)
        #expect(byName["round-robin"]?["gap"] is NSNull)
        #expect(byName["load-aware"]?["gap"] as? Double == 0)
        // The middle server is nearest to all tokens: the load-aware ILP puts the hot experts there.
        let loadAware = try #require(byName["load-aware"]?["expectedHops"] as? Double)
        let roundRobin = try #require(byName["round-robin"]?["expectedHops"] as? Double)
        #expect(loadAware < 0.9 * roundRobin)
        #expect((byName["load-aware"]?["reductionVsRoundRobin"] as? Double ?? 0) > 0.1)
        for method in methods {
            for key in ["expectedHops", "maxMeanLoad", "solveSeconds", "crossNodeBytesPerToken"] { #expect(method[key] is Double, "\(key)") }
            let placement = try #require(method["placement"] as? [[[Int]]])
            #expect(placement.count == 32)
            #expect(placement.allSatisfy { Set($0.flatMap { $0 }) == Set(0..<8) && $0.allSatisfy { $0.count <= 2 } })
        }
        let text = try CLIRunner.run(["plan", "moe", Self.csvExample])
        #expect(text.exitCode == 0)
        #expect(text.stdout.contains("load-aware"))
    }

    @Test func exportWritesSGLangPhysicalToLogicalMap() throws {
        let scenario = try CLIRunner.temporaryFile(Self.fullSlotsScenario())
        let plan = try CLIRunner.run(["plan", "moe", scenario, "--json"])
        #expect(plan.exitCode == 0, "\(plan.stderr)")
        let planFile = try CLIRunner.temporaryFile(plan.stdout, extension: "json")
        for method in ["load-aware", "eplb"] {
            let export = try CLIRunner.run(["export", "moe", planFile, "--format", "sglang", "--method", method])
            #expect(export.exitCode == 0, "\(export.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(export.stdout.utf8)) as? [String: [[Int]]])
            let map = try #require(json["physical_to_logical_map"])
            #expect(map.count == 32)
            #expect(map.allSatisfy { $0.sorted() == Array(0..<8) })
        }
        let unknown = try CLIRunner.run(["export", "moe", planFile, "--method", "load-awre"])
        #expect(unknown.exitCode == 2)
        #expect(unknown.stderr.contains("load-aware"))
        // 8 experts in 12 slots leave GPUs uneven, which SGLang's format cannot express.
        let uneven = try CLIRunner.run(["plan", "moe", Self.csvExample, "--json"])
        let unevenFile = try CLIRunner.temporaryFile(uneven.stdout, extension: "json")
        let refused = try CLIRunner.run(["export", "moe", unevenFile, "--format", "sglang"])
        #expect(refused.exitCode == 2)
        #expect(refused.stderr.contains("same number of experts"), "\(refused.stderr)")
    }

    @Test func balanceRowAndSweep() throws {
        let scenario = try CLIRunner.temporaryFile(Self.fullSlotsScenario(extra: "balance: {maxImbalance: 2, sweep: [4, 2]}"))
        let output = try CLIRunner.run(["plan", "moe", scenario, "--json"])
        #expect(output.exitCode == 0, "\(output.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        let methods = try #require(json["methods"] as? [[String: Any]])
        let balanced = try #require(methods.first { $0["name"] as? String == "load-aware+balance" })
        #expect(balanced["gap"] is Double)
        let pareto = try #require(json["pareto"] as? [[String: Any]])
        #expect(pareto.count == 3)
        let hops = try pareto.map { try #require($0["expectedHops"] as? Double) }
        // A tighter balance row can only cost hops on the profile; the evaluation split follows closely.
        #expect(hops[2] >= hops[0] * 0.95)
    }

    /// memoryPerGPU: 60 GB ÷ (3 × 7168 × 2048 bytes × 58 MoE layers = 2.55 GB) = 23 slots per GPU.
    @Test func memoryBudgetBecomesSlots() throws {
        let text = try String(contentsOfFile: Self.examples.appendingPathComponent("moe-dragonfly.yaml").path, encoding: .utf8)
        let valid = try CLIRunner.run(["validate", try CLIRunner.temporaryFile(
            text.replacingOccurrences(of: "slotsPerGPU: 4", with: "memoryPerGPU: 60GB"))])
        #expect(valid.exitCode == 0, "\(valid.stderr)")
        #expect(valid.stdout.contains("23 slots each"), "\(valid.stdout)")
        let small = try CLIRunner.run(["validate", try CLIRunner.temporaryFile(
            text.replacingOccurrences(of: "slotsPerGPU: 4", with: "memoryPerGPU: 1GB"))])
        #expect(small.exitCode == 2)
        #expect(small.stderr.contains("1 GB cannot hold one expert of each of the 58 MoE layers (2.55 GB)"), "\(small.stderr)")
    }

    @Test func badInputExitsTwoWithTheNumbers() throws {
        let tooFewSlots = Self.fullSlotsScenario().replacingOccurrences(of: "slotsPerGPU: 2", with: "slotsPerGPU: 1")
        let disconnected = Self.fullSlotsScenario().replacingOccurrences(of: "links: [{from: a, to: b, weight: 1}]", with: "links: []")
        let badLayer = try CLIRunner.temporaryFile("layer,expert,count\n0,0,5\n40,1,3\n", extension: "csv")
        let negative = try CLIRunner.temporaryFile("layer,expert,count\n0,0,5\n1,1,-3\n", extension: "csv")
        let badSource = try CLIRunner.temporaryFile("layer,source,expert,count\n0,4,1,3\n", extension: "csv")
        let cases: [(String, [String], String)] = [
            (tooFewSlots, ["validate"], "4 GPUs × 1 slots = 4 cannot hold 8 experts"),
            (disconnected, ["validate"], "disconnected"),
            (Self.fullSlotsScenario(stats: badLayer), ["plan", "moe"], "layer '40' is not in 0..<32"),
            (Self.fullSlotsScenario(stats: negative), ["plan", "moe"], "count -3 is negative"),
            (Self.fullSlotsScenario(stats: badSource), ["plan", "moe"], "source '4' is not in 0..<4"),
            (Self.fullSlotsScenario(extra: "balance: {maxImbalance: 1.01}"), ["plan", "moe"], "balance 1.01 is infeasible"),
        ]
        for (text, verb, message) in cases {
            let output = try CLIRunner.run(verb + [try CLIRunner.temporaryFile(text)])
            #expect(output.exitCode == 2, "\(verb) \(message)")
            #expect(output.stderr.contains(message), "\(output.stderr)")
        }
    }
}
