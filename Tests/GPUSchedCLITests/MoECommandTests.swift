import Foundation
import Testing
import GPUSchedTestSupport

/// `gpusched plan moe` and `export moe`, and their bad-input exits.
@Suite struct MoECommandTests {
    static let examples = Repository.examples
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

    /// The plan and the baselines of a `plan moe --json` output, in order, and the evaluations by method.
    static func candidates(_ json: [String: Any]) throws -> (all: [[String: Any]], scores: [String: [String: Any]]) {
        let plan = try #require(json["plan"] as? [String: Any])
        let all = [plan] + (try #require(json["baselines"] as? [[String: Any]]))
        let evaluations = try #require(json["evaluations"] as? [[String: Any]])
        let scores = Dictionary(uniqueKeysWithValues: try evaluations.map { (try #require($0["method"] as? String), $0) })
        return (all, scores)
    }

    @Test func planReportsEveryMethodAgainstRoundRobin() throws {
        let output = try CLIRunner.run(["plan", "moe", Self.csvExample, "--json"])
        #expect(output.exitCode == 0, "\(output.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        #expect(json["kind"] as? String == "plan-moe")
        let (methods, scores) = try Self.candidates(json)
        #expect(methods.map { $0["method"] as? String } == ["load-aware", "unweighted", "round-robin", "contiguous", "greedy"])
        let evaluations = try #require(json["evaluations"] as? [[String: Any]])
        #expect(evaluations.map { $0["method"] as? String } == methods.map { $0["method"] as? String })
        #expect(scores["round-robin"]?["reductionVsRoundRobin"] as? Double == 0)
        let solves = try methods.map { try #require($0["solve"] as? [String: Any]) }
        #expect(solves[2]["relativeGap"] is NSNull)
        #expect(solves[2]["status"] as? String == "heuristic")
        #expect(solves[0]["relativeGap"] as? Double == 0)
        #expect(solves[0]["status"] as? String == "optimal")
        #expect((json["solve"] as? [String: Any])?["objective"] as? Double == solves[0]["objective"] as? Double)
        // The middle server is nearest to all tokens: the load-aware ILP puts the hot experts there.
        let loadAware = try #require(scores["load-aware"]?["expectedHops"] as? Double)
        let roundRobin = try #require(scores["round-robin"]?["expectedHops"] as? Double)
        #expect(loadAware < 0.9 * roundRobin)
        #expect(abs((scores["load-aware"]?["reductionVsRoundRobin"] as? Double ?? 0) - (1 - loadAware / roundRobin)) < 1e-12)
        for score in scores.values {
            for key in ["expectedHops", "maxMeanLoad", "crossNodeBytesPerToken"] { #expect(score[key] is Double, "\(key)") }
            // The CSV has a split column: scored on the held-out split.
            #expect(score["heldOut"] as? Bool == true)
        }
        for method in methods {
            let placement = try #require(method["placement"] as? [[[Int]]])
            #expect(placement.count == 32)
            #expect(placement.allSatisfy { Set($0.flatMap { $0 }) == Set(0..<8) && $0.allSatisfy { $0.count <= 2 } })
            #expect((method["setting"] as? [String: Any])?["gpus"] as? Int == 6)
        }
        let text = try CLIRunner.run(["plan", "moe", Self.csvExample])
        #expect(text.exitCode == 0)
        #expect(text.stdout.contains("scored on the held-out evaluation split"), "\(text.stdout)")
        let unscored = try CLIRunner.run(["plan", "moe", Self.csvExample, "--no-evaluate", "--json"])
        #expect(unscored.exitCode == 0, "\(unscored.stderr)")
        let bare = try #require(try JSONSerialization.jsonObject(with: Data(unscored.stdout.utf8)) as? [String: Any])
        #expect((bare["evaluations"] as? [Any])?.isEmpty == true)
        #expect((bare["plan"] as? [String: Any])?["placement"] as? [[[Int]]] == methods[0]["placement"] as? [[[Int]]])
        let unscoredText = try CLIRunner.run(["plan", "moe", Self.csvExample, "--no-evaluate"])
        #expect(unscoredText.stdout.contains("not scored (--no-evaluate)") && !unscoredText.stdout.contains("hops/token"))
    }

    @Test func exportWritesSGLangPhysicalToLogicalMap() throws {
        let scenario = try TemporaryFiles.file(Self.fullSlotsScenario())
        let plan = try CLIRunner.run(["plan", "moe", scenario, "--json"])
        #expect(plan.exitCode == 0, "\(plan.stderr)")
        let planFile = try TemporaryFiles.file(plan.stdout, extension: "json")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any])
        let placements = Dictionary(uniqueKeysWithValues: try Self.candidates(json).all.map {
            (try #require($0["method"] as? String), try #require($0["placement"] as? [[[Int]]]))
        })
        // The plan (load-aware) and a baseline (eplb), to standard output and to --out.
        for method in ["load-aware", "eplb"] {
            let out = TemporaryFiles.path(prefix: "expert-location", extension: "json")
            let export = try CLIRunner.run(["export", "moe", planFile, "--format", "sglang", "--method", method, "--out", out])
            #expect(export.exitCode == 0, "\(export.stderr)")
            #expect(export.stdout.isEmpty)
            let data = try #require(FileManager.default.contents(atPath: out))
            let written = try #require(try JSONSerialization.jsonObject(with: data) as? [String: [[Int]]])
            let map = try #require(written["physical_to_logical_map"])
            // 32 MoE layers of 4 GPUs × 2 slots: each row is the placement read GPU by GPU.
            let placement = try #require(placements[method])
            #expect(map == placement.map { $0.flatMap { $0 } })
            #expect(map.allSatisfy { $0.sorted() == Array(0..<8) })
            let printed = try CLIRunner.run(["export", "moe", planFile, "--method", method])
            #expect(try JSONSerialization.jsonObject(with: Data(printed.stdout.utf8)) as? [String: [[Int]]] == written)
        }
        let unknown = try CLIRunner.run(["export", "moe", planFile, "--method", "load-awre"])
        #expect(unknown.exitCode == 2)
        #expect(unknown.stderr.contains("did you mean") && unknown.stderr.contains("load-aware"), "\(unknown.stderr)")
        let absent = try CLIRunner.run(["export", "moe", planFile, "--method", "unweighted"])
        #expect(absent.exitCode == 2)
        #expect(absent.stderr.contains("no method 'unweighted'"), "\(absent.stderr)")
        let format = try CLIRunner.run(["export", "moe", planFile, "--format", "sglng"])
        #expect(format.exitCode == 2)
        #expect(format.stderr.contains("sglang"), "\(format.stderr)")
        let oldFlag = try CLIRunner.run(["export", "moe", planFile, "--output", "x.json"])
        #expect(oldFlag.exitCode == 2)
        // 8 experts in 12 slots leave GPUs uneven, which SGLang's format cannot express.
        let uneven = try CLIRunner.run(["plan", "moe", Self.csvExample, "--json"])
        let unevenFile = try TemporaryFiles.file(uneven.stdout, extension: "json")
        let refused = try CLIRunner.run(["export", "moe", unevenFile, "--format", "sglang"])
        #expect(refused.exitCode == 2)
        #expect(refused.stderr.contains("same number of experts"), "\(refused.stderr)")
        // Another kind's output is refused by its kind.
        let other = try TemporaryFiles.file(#"{"kind": "plan-geo", "plan": {}, "baselines": []}"#, extension: "json")
        let wrongKind = try CLIRunner.run(["export", "moe", other])
        #expect(wrongKind.exitCode == 2)
    }

    @Test func balanceRowAndSweep() throws {
        let scenario = try TemporaryFiles.file(Self.fullSlotsScenario(extra: "balance: {maxImbalance: 2, sweep: [4, 2]}"))
        let output = try CLIRunner.run(["plan", "moe", scenario, "--json"])
        #expect(output.exitCode == 0, "\(output.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        let (methods, _) = try Self.candidates(json)
        #expect(methods.map { $0["method"] as? String } == ["load-aware", "load-aware+balance", "round-robin", "contiguous", "eplb", "greedy"])
        let balanced = try #require(methods.first { $0["method"] as? String == "load-aware+balance" })
        #expect((balanced["solve"] as? [String: Any])?["relativeGap"] is Double)
        let front = try #require((json["plan"] as? [String: Any])?["front"] as? [[String: Any]])
        #expect(front.count == 3)
        #expect(front[0]["maxImbalance"] is NSNull)
        #expect(front.dropFirst().map { $0["maxImbalance"] as? Double } == [4, 2])
        #expect(methods.dropFirst().allSatisfy { ($0["front"] as? [Any])?.isEmpty == true })
        let hops = try front.map { try #require($0["expectedHops"] as? Double) }
        // A tighter balance row can only cost hops on the profile; the evaluation split follows closely.
        #expect(hops[2] >= hops[0] * 0.95)
    }

    /// memoryPerGPU: 60 GB ÷ (3 × 7168 × 2048 bytes × 58 MoE layers = 2.55 GB) = 23 slots per GPU.
    @Test func memoryBudgetBecomesSlots() throws {
        let text = try String(contentsOfFile: Self.examples.appendingPathComponent("moe-dragonfly.yaml").path, encoding: .utf8)
        let valid = try CLIRunner.run(["validate", try TemporaryFiles.file(
            text.replacingOccurrences(of: "slotsPerGPU: 4", with: "memoryPerGPU: 60GB"))])
        #expect(valid.exitCode == 0, "\(valid.stderr)")
        #expect(valid.stdout.contains("23 slots each"), "\(valid.stdout)")
        let small = try CLIRunner.run(["validate", try TemporaryFiles.file(
            text.replacingOccurrences(of: "slotsPerGPU: 4", with: "memoryPerGPU: 1GB"))])
        #expect(small.exitCode == 2)
        #expect(small.stderr.contains("1 GB cannot hold one expert of each of the 58 MoE layers (2.55 GB)"), "\(small.stderr)")
    }

    @Test func badInputExitsTwoWithTheNumbers() throws {
        let tooFewSlots = Self.fullSlotsScenario().replacingOccurrences(of: "slotsPerGPU: 2", with: "slotsPerGPU: 1")
        let disconnected = Self.fullSlotsScenario().replacingOccurrences(of: "links: [{from: a, to: b, weight: 1}]", with: "links: []")
        let badLayer = try TemporaryFiles.file("layer,expert,count\n0,0,5\n40,1,3\n", extension: "csv")
        let negative = try TemporaryFiles.file("layer,expert,count\n0,0,5\n1,1,-3\n", extension: "csv")
        let badSource = try TemporaryFiles.file("layer,source,expert,count\n0,4,1,3\n", extension: "csv")
        let cases: [(String, [String], String)] = [
            (tooFewSlots, ["validate"], "4 GPUs × 1 slots = 4 cannot hold 8 experts"),
            (disconnected, ["validate"], "disconnected"),
            (Self.fullSlotsScenario(stats: badLayer), ["plan", "moe"], "layer '40' is not in 0..<32"),
            (Self.fullSlotsScenario(stats: negative), ["plan", "moe"], "count -3 is negative"),
            (Self.fullSlotsScenario(stats: badSource), ["plan", "moe"], "source '4' is not in 0..<4"),
            (Self.fullSlotsScenario(extra: "balance: {maxImbalance: 1.01}"), ["plan", "moe"], "balance 1.01 is infeasible"),
        ]
        for (text, verb, message) in cases {
            let output = try CLIRunner.run(verb + [try TemporaryFiles.file(text)])
            #expect(output.exitCode == 2, "\(verb) \(message)")
            #expect(output.stderr.contains(message), "\(output.stderr)")
        }
    }
}
