import Foundation
import GPUSchedTestSupport
import Testing

/// `gpusched plan deploy` and `simulate deploy`: the JSON contract, re-planning, the sweep, and
/// every kind of bad input the issue names (one line, exit 2).
@Suite struct DeployCommandTests {
    /// One model on one GPU type, few engine limits and a short verification, so the debug binary runs it quickly.
    static func scenario(
        fleet: String = "[{gpu: H100-80GB, count: 8, gpusPerNode: 8, pricePerHour: 2.5}]",
        model: String = "llama-3.1-8b", rate: Double = 20, slo: String = "{ttft: {p90: 0.5}, tpot: {p90: 0.03}}",
        objective: String = "min-cost", modes: String = "[aggregated]"
    ) -> String {
        """
        kind: deploy
        fleet: \(fleet)
        models:
          - name: \(model)
            workload: {arrivalRate: \(rate), promptTokens: 512, outputTokens: 128}
            slo: \(slo)
        objective: \(objective)
        modes: \(modes)
        engine: {maxBatch: [128], chunkTokens: [8192], tensorParallel: [1, 2]}
        verification: {seeds: 1, requests: 400, maxRounds: 3}
        """
    }

    func json(_ output: CLIRunner.Output) throws -> [String: Any] {
        #expect(output.exitCode == 0, "\(output.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
    }

    func refused(_ arguments: [String], saying fragment: String) throws {
        let output = try CLIRunner.run(arguments)
        #expect(output.exitCode == 2, "exit \(output.exitCode): \(output.stderr)")
        #expect(output.stderr.contains(fragment), "\(output.stderr)")
        #expect(!output.stderr.contains("Fatal error") && !output.stderr.contains("Stack dump"))
    }

    @Test func planIsCheapestThatCarriesTheDemandAndSaysItsSolve() throws {
        let path = try TemporaryFiles.file(Self.scenario())
        let report = try json(try CLIRunner.run(["plan", "deploy", path, "--json", "--no-evaluate"]))
        #expect(report["kind"] as? String == "plan-deploy" && report["schemaVersion"] as? Int == 2)
        let solve = try #require(report["solve"] as? [String: Any])
        #expect(solve["status"] as? String == "optimal")
        let plan = try #require(report["plan"] as? [String: Any])
        let groups = try #require(plan["groups"] as? [[String: Any]])
        #expect(!groups.isEmpty)
        let models = try #require(plan["models"] as? [[String: Any]])
        let planned = try #require(models.first?["plannedRate"] as? Double)
        #expect(planned >= 20 - 1e-6)
        // Cost is $2.5 per GPU-hour times the GPUs the groups use.
        let gpus = groups.reduce(0) { $0 + (($1["tp"] as? Int ?? 0) * ($1["pp"] as? Int ?? 0) * ($1["count"] as? Int ?? 0)) }
        #expect(abs((plan["costPerHour"] as? Double ?? -1) - 2.5 * Double(gpus)) < 1e-9)
        // No cheaper plan: one GPU fewer cannot carry the demand by the same capacities.
        let perGPU = groups.map { ($0["capacityPerReplica"] as? Double ?? 0) / Double(($0["tp"] as? Int ?? 1)) }.max() ?? 0
        #expect(Double(gpus - 1) * perGPU < 20)
    }

    @Test func unknownNamesGetTheNearestOnes() throws {
        try refused(["plan", "deploy", try TemporaryFiles.file(Self.scenario(fleet: "[{gpu: H100, count: 8}]"))], saying: "unknown GPU 'H100'")
        try refused(["plan", "deploy", try TemporaryFiles.file(Self.scenario(model: "llama-3.1-8"))], saying: "did you mean")
    }

    @Test func negativeCountsAndPricesAreRefused() throws {
        try refused(
            ["plan", "deploy", try TemporaryFiles.file(Self.scenario(fleet: "[{gpu: H100-80GB, count: -8, pricePerHour: 2}]"))],
            saying: "fleet[0].count")
        try refused(
            ["plan", "deploy", try TemporaryFiles.file(Self.scenario(fleet: "[{gpu: H100-80GB, count: 8, pricePerHour: -2}]"))],
            saying: "fleet[0].pricePerHour")
        try refused(
            ["plan", "deploy", try TemporaryFiles.file(Self.scenario(fleet: "[{gpu: H100-80GB, count: 8}]"))],
            saying: "needs pricePerHour")
    }

    @Test func aModelThatFitsNoGPUIsNamed() throws {
        let path = try TemporaryFiles.file(Self.scenario(
            fleet: "[{gpu: L40S, count: 4, gpusPerNode: 4, pricePerHour: 1}]", model: "llama-3.1-405b"))
        try refused(["plan", "deploy", path, "--no-evaluate"], saying: "fits no GPU in the fleet")
    }

    @Test func anSLOBelowTheUnloadedLatencySaysTheBestAchievable() throws {
        let path = try TemporaryFiles.file(Self.scenario(slo: "{ttft: {p90: 0.5}, tpot: {p90: 0.0005}}"))
        try refused(["plan", "deploy", path, "--no-evaluate"], saying: "best unloaded")
    }

    @Test func demandBeyondTheFleetSaysWhatItCarriesAndWhatIsMissing() throws {
        let path = try TemporaryFiles.file(Self.scenario(rate: 5000))
        try refused(["plan", "deploy", path, "--no-evaluate"], saying: "cannot carry the demand")
        try refused(["plan", "deploy", path, "--no-evaluate"], saying: "more H100-80GB")
    }

    @Test func badSweepsAndForeignPlansAreRefused() throws {
        let path = try TemporaryFiles.file(Self.scenario())
        try refused(["plan", "deploy", path, "--no-evaluate", "--sweep", "slo.ttft=1:2:3"], saying: "--sweep")
        try refused(["plan", "deploy", path, "--no-evaluate", "--sweep", "slo.ttft.p90=0.3:2.0:1"], saying: "points")
        let other = try TemporaryFiles.file(Self.scenario(model: "qwen3-8b"))
        let planFile = TemporaryFiles.path(prefix: "plan", extension: "json")
        let output = try CLIRunner.run(["plan", "deploy", other, "--no-evaluate", "--json"])
        #expect(output.exitCode == 0, "\(output.stderr)")
        try output.stdout.write(toFile: planFile, atomically: true, encoding: .utf8)
        try refused(["plan", "deploy", path, "--no-evaluate", "--current", planFile], saying: "another scenario")
        try refused(["plan", "deploy", path, "--no-evaluate", "--current", "/nonexistent/plan.json"], saying: "--current")
    }

    @Test func replanningFromItsOwnPlanChangesNothingAndMoreDemandAddsReplicas() throws {
        let path = try TemporaryFiles.file(Self.scenario())
        let planFile = TemporaryFiles.path(prefix: "plan", extension: "json")
        let first = try CLIRunner.run(["plan", "deploy", path, "--no-evaluate", "--json"])
        #expect(first.exitCode == 0, "\(first.stderr)")
        try first.stdout.write(toFile: planFile, atomically: true, encoding: .utf8)
        let same = try json(try CLIRunner.run(["plan", "deploy", path, "--no-evaluate", "--json", "--current", planFile]))
        let samePlan = try #require(same["plan"] as? [String: Any])
        #expect(samePlan["changedReplicas"] as? Int == 0)
        // Twice what the first plan carries: it must add replicas.
        let firstPlan = try #require(try json(first)["plan"] as? [String: Any])
        let carried = try #require((firstPlan["models"] as? [[String: Any]])?.first?["plannedRate"] as? Double)
        let more = try TemporaryFiles.file(Self.scenario(rate: (2 * carried).rounded(.up)))
        let grown = try json(try CLIRunner.run(["plan", "deploy", more, "--no-evaluate", "--json", "--current", planFile]))
        let grownPlan = try #require(grown["plan"] as? [String: Any])
        let changes = try #require(grownPlan["changes"] as? [[String: Any]])
        #expect(try #require(grownPlan["changedReplicas"] as? Int) >= 1)
        // Growing never stops a running replica: every change adds replicas.
        #expect(changes.allSatisfy { ($0["after"] as? Int ?? 0) > ($0["before"] as? Int ?? 0) })
    }

    @Test func sweepTracesCostAgainstTheTarget() throws {
        let path = try TemporaryFiles.file(Self.scenario())
        let report = try json(try CLIRunner.run(["plan", "deploy", path, "--no-evaluate", "--json", "--sweep", "slo.tpot.p90=0.02:0.06:3"]))
        #expect(report["kind"] as? String == "sweep-deploy")
        let points = try #require(report["points"] as? [[String: Any]])
        #expect(points.count == 3)
        let costs = points.compactMap { $0["costPerHour"] as? Double }
        #expect(costs.count == 3)
        // A looser TPOT target never costs more.
        #expect(zip(costs, costs.dropFirst()).allSatisfy { $0 >= $1 - 1e-9 })
    }
}

/// The verification's simulated requests are estimated up front and refused beyond the limit, unless
/// nothing is simulated.
@Suite struct DeployWorkLimitTests {
    @Test func tooManySimulatedRequestsAreRefusedUnlessNotEvaluating() throws {
        let scenario = DeployCommandTests.scenario().replacingOccurrences(
            of: "verification: {seeds: 1, requests: 400, maxRounds: 3}", with: "verification: {seeds: 20, requests: 1000000, maxRounds: 20}")
        let path = try TemporaryFiles.file(scenario)
        let refused = try CLIRunner.run(["plan", "deploy", path])
        #expect(refused.exitCode == 2, "\(refused.stderr)")
        #expect(refused.stderr.contains("verification.requests") && refused.stderr.contains("simulated requests"), "\(refused.stderr)")
        let solved = try CLIRunner.run(["plan", "deploy", path, "--no-evaluate"])
        #expect(solved.exitCode == 0, "\(solved.stderr)")
    }
}
