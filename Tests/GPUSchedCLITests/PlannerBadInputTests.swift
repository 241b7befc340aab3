import Foundation
import Testing
import GPUSchedTestSupport

/// Malformed and oversized inputs of the geo, cascade and MoE planners (issue 12): each exits with
/// code 2 and exactly the expected `error:` line, before any large allocation or long run.
@Suite struct PlannerBadInputTests {
    static let examples = Repository.examples

    static func example(_ name: String) throws -> String {
        try String(contentsOfFile: examples.appendingPathComponent(name).path, encoding: .utf8)
    }

    /// `text` with `old` replaced by `new`; fails the test when `old` is not in it (a stale fixture).
    static func replacing(_ text: String, _ old: String, _ new: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try #require(text.contains(old), "fixture text '\(old)' not found", sourceLocation: sourceLocation)
        return text.replacingOccurrences(of: old, with: new)
    }

    /// Runs `arguments` + the scenario `text` and expects exit 2 with exactly `lines` on stderr.
    func expectLines(
        _ arguments: [String], _ text: String, _ lines: [String], sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let output = try CLIRunner.run(arguments + [try TemporaryFiles.file(text)])
        #expect(output.exitCode == 2, "\(output.stderr)", sourceLocation: sourceLocation)
        #expect(output.stderrLines == lines, sourceLocation: sourceLocation)
    }

    // MARK: geo

    @Test func geoPromptTokensOfTenToTheFifteen() throws {
        let text = try Self.replacing(try Self.example("geo-clustered.yaml"), "promptTokens: 20", "promptTokens: 1e15")
        try expectLines(["plan", "geo"], text, ["error: model.promptTokens: must be <= 10000000, got 1e+15"])
    }

    /// A million requests: 10⁶ × 10⁶ / 2 × (2 methods × 2 delay settings) × 9 servers = 1.8e13 steps > 5e6.
    @Test func geoMillionRequestsRefusedBeforeSimulating() throws {
        let text = try Self.replacing(try Self.example("geo-clustered.yaml"), "requests: 100,", "requests: 1000000,")
        try expectLines(["simulate", "geo"], text, [
            "error: workload.requests: about 1.8e+13 routing steps (requests × requests in flight, up to requests / 2, × 4 runs × "
                + "9 servers), over the limit of 5000000; raise it with --max-requests N or --allow-large",
        ])
    }

    /// 1,000 requests: 10⁶ / 2 × 4 × 9 = 1.8e7 steps, above the default limit.
    @Test func geoThousandRequestsNeedAHigherLimit() throws {
        let text = try Self.replacing(try Self.example("geo-clustered.yaml"), "requests: 100,", "requests: 1000,")
        try expectLines(["validate"], text, [
            "error: workload.requests: about 18000000 routing steps (requests × requests in flight, up to requests / 2, × 4 runs × "
                + "9 servers), over the limit of 5000000; raise it with --max-requests N or --allow-large",
        ])
    }

    @Test func geoDuplicateServerNamesNameBothIndices() throws {
        let text = try Self.replacing(try Self.example("geo-clustered.yaml"), "name: mig-3", "name: mig-1")
        try expectLines(["plan", "geo"], text, ["error: servers[4]: duplicate name 'mig-1' (also servers[2]); names must be unique"])
    }

    @Test func geoDuplicateMethod() throws {
        let text = try Self.replacing(
            try Self.example("geo-clustered.yaml"), "methods: [cg-bp+ws-rr, petals]", "methods: [cg-bp+ws-rr, petals, petals]")
        try expectLines(["validate"], text, ["error: methods[2]: duplicate 'petals' (also methods[1])"])
    }

    /// blockBytes 1 B against one request's cache of 1e8 B × 148 tokens = 1.48e10 B: a ratio of 1.5e10
    /// in every memory row of the MILP, which HiGHS cannot solve reliably.
    @Test func geoNumericallyHopelessMILPIsBadInput() throws {
        var text = try Self.replacing(
            try Self.example("geo-clustered.yaml"), "blockBytes: 1.323e9, cacheBytesPerToken: 57344", "blockBytes: 1, cacheBytesPerToken: 1e8")
        text = try Self.replacing(text, "memoryBytes: 79.13e9", "memoryBytes: 1e13")
        text = try Self.replacing(text, "memoryBytes: 8.2e9", "memoryBytes: 2e12")
        text = try Self.replacing(text, "methods: [cg-bp+ws-rr, petals]", "methods: [cg-bp+ws-rr, petals, milp]")
        try expectLines(["plan", "geo"], text, [
            "error: model: the MILP is numerically hopeless: its memory rows mix blockBytes (1 B) and one request's cache "
                + "cacheBytesPerToken × (promptTokens + outputTokens) (1.48e+10 B), a ratio of 1.5e+10, above 1e+09; "
                + "check those model fields",
        ])
    }

    @Test func geoTimeLimitMustBeFinite() throws {
        let output = try CLIRunner.run(["plan", "geo", Self.examples.appendingPathComponent("geo-clustered.yaml").path, "--time-limit", "nan"])
        #expect(output.exitCode == 2)
        #expect(output.stderr.contains("--time-limit must be a number of seconds in (0, 86400], got nan"), "\(output.stderr)")
    }

    /// 600 servers each at its own site on a chain of links: the RTT tables (2 · 600² + 600 entries of 8 bytes) fit,
    /// but the MILP on 10 requests has 10 · (600² + 600) · 80 = 2.9e8 nonzeros, 54 GiB at 200 bytes each.
    @Test func geoMILPTooLargeForMemory() throws {
        let servers = (0..<600).map { "  - {name: s\($0), site: x\($0), memoryBytes: 80e9, decodeSecondsPerBlock: 0.003, prefill: {perToken: 0, fixed: 0}}" }
        let chain = (1..<600).map { "{from: x\($0 - 1), to: x\($0), delaySeconds: 0.001}" }
        let text = """
            kind: geo
            model: {blocks: 70, blockBytes: 1.323e9, cacheBytesPerToken: 57344, promptTokens: 20, outputTokens: 128}
            servers:
            \(servers.joined(separator: "\n"))
            clients: [{name: c, site: x0}]
            network: {links: [\(chain.joined(separator: ", "))]}
            workload: {requests: 10, arrivalRate: 0.5}
            methods: [milp]

            """
        try expectLines(["validate"], text, [
            "error: servers: the MILP (7.21e+07 rows, 2.88e+08 nonzeros for 600 servers and 10 requests) needs about 54 GiB of "
                + "memory, over the limit of 8.0 GiB; raise it with --max-memory GIB or --allow-large",
        ])
    }

    // MARK: cascade

    /// 100,000 GPUs: the DP alone is 3 · 100,001 · 100,002 / 2 ≈ 1.5e10 steps per threshold candidate.
    @Test func cascadeHundredThousandGPUsRefused() throws {
        let text = try Self.replacing(try Self.example("cascade-deepseek.yaml"), "count: 32", "count: 100000")
        try expectLines(["plan", "cascade"], text, [
            "error: cluster.count: planning needs about 2.4e+12 steps (157 threshold candidates, each a deployment DP over the GPUs "
                + "and a replay of the sample; the final MILP has 300004 columns and 900015 nonzeros), over the limit of 1e+10; "
                + "use fewer GPUs, models or samples, a coarser thresholdStep, or --allow-large",
        ])
    }

    @Test func cascadeDuplicateModel() throws {
        let text = try Self.replacing(
            try Self.example("cascade-deepseek.yaml"), "models: [deepseek-r1-distill-qwen-7b, ",
            "models: [deepseek-r1-distill-qwen-7b, deepseek-r1-distill-qwen-7b, ")
        try expectLines(["plan", "cascade"], text, [
            "error: models[1]: duplicate model 'deepseek-r1-distill-qwen-7b' (also models[0]); a cascade lists each model once",
        ])
    }

    /// 100 seeds × 5 cascades × 19 runs × 100,000 requests = 9.5e8 simulated requests.
    @Test func cascadeEvaluationTooLarge() throws {
        let text = try Self.example("cascade-deepseek.yaml") + "evaluation: {seeds: 100, requests: 100000}\n"
        try expectLines(["simulate", "cascade"], text, [
            "error: --seeds: about 950000000 simulated requests (seeds × 5 cascades × 19 runs × requests per run, "
                + "a run spanning ten SLOs), over the limit of 5000000; raise it with --max-requests N or --allow-large",
        ])
    }

    @Test func cascadeArrivalRateRangeChecked() throws {
        let text = try Self.replacing(try Self.example("cascade-deepseek.yaml"), "arrivalRate: 4.0", "arrivalRate: 1e300")
        try expectLines(["validate"], text, ["error: workload.arrivalRate: must be <= 1000000, got 1e+300"])
    }

    // MARK: MoE

    /// 70,000 experts pass the catalog's bound (100,000) but not expert placement's (65,536); a million
    /// are refused by the catalog itself.
    @Test func moeMillionExpertsRefused() throws {
        let million = "catalog: {models: [{name: huge-moe, base: deepseek-v3, moe: {moeLayers: 58, routedExperts: 1000000, "
            + "expertsPerToken: 8, expertIntermediateSize: 2048}}]}\n"
            + (try Self.replacing(try Self.example("moe-fat-tree-uniform.yaml"), "model: deepseek-v3", "model: huge-moe"))
        try expectLines(["plan", "moe"], million, [
            "error: catalog.models[0].moe.routedExperts: must be <= 100000, got 1000000", "error: model: unknown model 'huge-moe'",
        ])
        let text = "catalog: {models: [{name: huge-moe, base: deepseek-v3, moe: {moeLayers: 58, routedExperts: 70000, "
            + "expertsPerToken: 8, expertIntermediateSize: 2048}}]}\n"
            + (try Self.replacing(try Self.example("moe-fat-tree-uniform.yaml"), "model: deepseek-v3", "model: huge-moe"))
        try expectLines(["plan", "moe"], text, ["error: model: 'huge-moe' has 70000 routed experts; expert placement handles at most 65536"])
    }

    @Test func moeBillionGPUFatTreeRefusedBeforeBuilding() throws {
        let text = try Self.replacing(
            try Self.example("moe-fat-tree-uniform.yaml"), "fatTree: {gpusPerNode: 8, nodesPerLeaf: 2, leaves: 4, spines: 2}",
            "fatTree: {gpusPerNode: 1000, nodesPerLeaf: 1000, leaves: 1000, spines: 2}")
        try expectLines(["plan", "moe"], text, [
            "error: topology.fatTree: 1000000000 GPUs; expert placement handles at most 65536 (the distance matrix and every "
                + "placement grow with GPUs²)",
        ])
    }

    /// 64 × 64 servers of 8 GPUs: 32,768 GPUs, a distance matrix of 16 · 32,768² bytes = 16 GiB.
    @Test func moeLargeDragonflyRefusedByItsMemoryEstimate() throws {
        let text = try Self.replacing(
            try Self.example("moe-dragonfly.yaml"), "dragonfly: {groups: 4, nodesPerGroup: 4, gpusPerNode: 4",
            "dragonfly: {groups: 64, nodesPerGroup: 64, gpusPerNode: 8")
        try expectLines(["plan", "moe"], text, [
            "error: topology.dragonfly: the topology (40960 vertices, 167904 links) needs about 16 GiB of memory, over the limit "
                + "of 8.0 GiB; raise it with --max-memory GIB or --allow-large",
        ])
    }

    @Test func moeDuplicateMethod() throws {
        let text = try Self.replacing(
            try Self.example("moe-fat-tree-uniform.yaml"), "methods: [load-aware, unweighted,", "methods: [load-aware, load-aware,")
        try expectLines(["validate"], text, ["error: methods[1]: duplicate method 'load-aware' (also methods[0])"])
    }

    // MARK: export moe

    /// Mixtral (32 MoE layers × 8 experts) on two servers of two GPUs, two slots each: every GPU holds
    /// exactly two experts, so SGLang's map can express the plan.
    static let smallMoE = """
        kind: moe-placement
        model: mixtral-8x7b
        topology: {edges: {servers: [left, right], gpusPerNode: 2, links: [{from: left, to: right}]}}
        slotsPerGPU: 2
        activations: {synthetic: {zipf: 1.0, sourceSkew: 0.5, tokens: 500, seed: 3}}
        methods: [load-aware, round-robin]

        """

    /// Plans `smallMoE`, then returns the plan's JSON object.
    static func smallPlan() throws -> [String: Any] {
        let output = try CLIRunner.run(["plan", "moe", try TemporaryFiles.file(smallMoE), "--json"])
        try #require(output.exitCode == 0, "\(output.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
    }

    static func write(_ plan: [String: Any]) throws -> String {
        try TemporaryFiles.file(String(decoding: try JSONSerialization.data(withJSONObject: plan), as: UTF8.self), extension: "json")
    }

    /// The plan and baselines with `transform` applied to the placement of `method`.
    static func tampering(_ plan: [String: Any], method: String, _ transform: (inout [[[Int]]]) -> Void) throws -> [String: Any] {
        var copy = plan
        var methods = [try #require(plan["plan"] as? [String: Any])] + (try #require(plan["baselines"] as? [[String: Any]]))
        let index = try #require(methods.firstIndex { $0["method"] as? String == method })
        var placement = try #require(methods[index]["placement"] as? [[[Int]]])
        transform(&placement)
        methods[index]["placement"] = placement
        copy["plan"] = methods[0]
        copy["baselines"] = Array(methods.dropFirst())
        return copy
    }

    @Test func exportWritesTheUntamperedPlan() throws {
        let path = try Self.write(try Self.smallPlan())
        let output = try CLIRunner.run(["export", "moe", path, "--method", "round-robin"])
        #expect(output.exitCode == 0, "\(output.stderr)")
        let map = try #require(
            (try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])?["physical_to_logical_map"] as? [[Int]])
        // 32 layers, 4 GPUs × 2 slots; round-robin puts expert e on GPU e mod 4, so GPU 0 holds 0 and 4.
        #expect(map.count == 32)
        #expect(map[0] == [0, 4, 1, 5, 2, 6, 3, 7])
    }

    @Test func exportRefusesExpertIdsOutOfRange() throws {
        let plan = try Self.tampering(try Self.smallPlan(), method: "load-aware") { placement in
            placement[0][0][0] = 99
            placement[0][1][0] = -1
        }
        let path = try Self.write(plan)
        let output = try CLIRunner.run(["export", "moe", path])
        #expect(output.exitCode == 2)
        #expect(output.stderrLines == ["error: \(path): load-aware: layer 0, GPU 0 holds expert 99; expert ids run from 0 to 7"])
    }

    @Test func exportRefusesANegativeExpertId() throws {
        let plan = try Self.tampering(try Self.smallPlan(), method: "load-aware") { $0[3][2][1] = -1 }
        let path = try Self.write(plan)
        let output = try CLIRunner.run(["export", "moe", path])
        #expect(output.stderrLines == ["error: \(path): load-aware: layer 3, GPU 2 holds expert -1; expert ids run from 0 to 7"])
    }

    @Test func exportRefusesAMissingExpert() throws {
        // GPU 0 of layer 5 gets a second copy of GPU 1's first expert in place of its own first one.
        var missing = -1
        let plan = try Self.tampering(try Self.smallPlan(), method: "load-aware") { placement in
            missing = placement[5][0][0]
            placement[5][0][0] = placement[5][1][0]
        }
        let path = try Self.write(plan)
        let output = try CLIRunner.run(["export", "moe", path])
        #expect(output.exitCode == 2)
        #expect(output.stderrLines == [
            "error: \(path): load-aware: layer 5 places no replica of expert \(missing); every expert must be on some GPU",
        ])
    }

    @Test func exportRefusesAPlanWhoseShapeDiffersFromItsModel() throws {
        var plan = try Self.smallPlan()
        var loadAware = try #require(plan["plan"] as? [String: Any])
        var setting = try #require(loadAware["setting"] as? [String: Any])
        var model = try #require(setting["model"] as? [String: Any])
        model["experts"] = 16
        setting["model"] = model
        loadAware["setting"] = setting
        plan["plan"] = loadAware
        let path = try Self.write(plan)
        let output = try CLIRunner.run(["export", "moe", path])
        #expect(output.exitCode == 2)
        #expect(output.stderrLines == ["error: '\(path)' does not match the catalog's mixtral-8x7b: its model.experts is 16, expected 8"])
    }

    @Test func exportRefusesAPlanOfAnotherScenario() throws {
        let path = try Self.write(try Self.smallPlan())
        let other = Self.examples.appendingPathComponent("moe-dragonfly.yaml").path
        let output = try CLIRunner.run(["export", "moe", path, "--scenario", other])
        #expect(output.exitCode == 2)
        #expect(output.stderrLines == ["error: '\(path)' does not match scenario '\(other)': its model is mixtral-8x7b, expected deepseek-v3"])
        let wider = try TemporaryFiles.file(Self.smallMoE.replacingOccurrences(of: "gpusPerNode: 2", with: "gpusPerNode: 4"))
        let mismatch = try CLIRunner.run(["export", "moe", path, "--scenario", wider])
        #expect(mismatch.stderrLines == [
            "error: '\(path)' does not match scenario '\(wider)': its topology is explicit graph, 2 servers × 2 GPUs, "
                + "expected explicit graph, 2 servers × 4 GPUs",
        ])
    }
}
