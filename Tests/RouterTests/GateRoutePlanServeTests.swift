import Foundation
import GPUSchedTestSupport
import ServingModel
import Testing

@testable import Router

/// `gpusched serve CONFIG --plan PLAN.json` with real `plan gate-route` and `plan cascade` outputs.
@Suite struct GateRoutePlanServeTests {
    static func plan(_ arguments: [String]) throws -> ConfigValue {
        let output = try CLIRunner.run(arguments + ["--no-evaluate", "--json"])
        #expect(output.exitCode == 0, "\(output.stderr)")
        return try ConfigParser.parse(output.stdout, strictJSON: true)
    }

    static let backends = [BackendConfig(url: "http://127.0.0.1:9001"), BackendConfig(url: "http://127.0.0.1:9002")]

    @Test func aGateRoutePlanDrivesTheOnlyPool() throws {
        let plan = try Self.plan(["plan", "gate-route", Repository.example("gate-route.yaml")])
        let base = ServeConfig(pools: [PoolConfig(model: "qwen3-8b", policy: .leastOutstanding, backends: Self.backends)])
        let config = try PlanServeConfigReader.read(value: plan, base: base)
        guard case let .gateAndRoute(settings) = config.pools.first?.policy else {
            Issue.record("the pool is not gate-and-route: \(String(describing: config.pools.first?.policy))")
            return
        }
        #expect(config.pools.first?.backends == Self.backends)
        #expect(settings.classes.map(\.name) == ["code", "summarize"])
        #expect(abs(settings.classes[1].occupancyTarget - 0.19495) < 1e-5)
        // A gate-and-route pool keeps its length bounds and limits; the plan's targets replace its own.
        var configured = GateRouteSettings(classes: [
            GateRouteClassSettings(name: "code", maxPromptTokens: 1_000, occupancyTarget: 0.5),
            GateRouteClassSettings(name: "summarize", occupancyTarget: 0.5),
        ], maxStreams: 16)
        configured.prefillSlots = 1
        let gated = ServeConfig(pools: [
            PoolConfig(model: "other", policy: .roundRobin, backends: Self.backends),
            PoolConfig(model: "qwen3-8b", policy: .gateAndRoute(configured), backends: Self.backends),
        ])
        let merged = try PlanServeConfigReader.read(value: plan, base: gated)
        guard case let .gateAndRoute(mergedSettings) = merged.pools[1].policy else {
            Issue.record("the gate-and-route pool lost its policy")
            return
        }
        #expect(merged.pools[0].policy == .roundRobin)
        #expect(mergedSettings.maxStreams == 16)
        #expect(mergedSettings.classes.map(\.maxPromptTokens) == [1_000, nil])
        #expect(abs(mergedSettings.classes[0].occupancyTarget - 0.01826) < 1e-5)
        #expect(throws: ScenarioError.self) { try PlanServeConfigReader.read(value: plan, base: nil) }
        do {
            _ = try PlanServeConfigReader.read(value: plan, base: nil)
        } catch {
            #expect("\(error)".hasPrefix("a gate-route plan names no model"))
        }
    }

    @Test func aCascadePlanSetsTheThresholdsOfTheConfiguredCascade() throws {
        let plan = try Self.plan(["plan", "cascade", Repository.example("cascade-deepseek.yaml")])
        let planned = try CascadePlanImport.stages(plan: plan)
        let stages = planned.map { CascadeStage(model: $0.model, threshold: 1) }
        let base = ServeConfig(
            pools: stages.map { PoolConfig(model: $0.model, policy: .leastOutstanding, backends: Self.backends) },
            cascades: [CascadeConfig(name: "cascade", stages: stages, judge: .scoreField("gpusched_score"))])
        let config = try PlanServeConfigReader.read(value: plan, base: base)
        #expect(config.cascades.count == 1)
        #expect(config.cascades[0].stages.map(\.model) == stages.map(\.model))
        #expect(config.cascades[0].stages.dropLast().map(\.threshold) == planned.dropLast().map(\.threshold))
        #expect(config.cascades[0].judge == .scoreField("gpusched_score"))
        let noCascade = ServeConfig(pools: base.pools)
        #expect {
            _ = try PlanServeConfigReader.read(value: plan, base: noCascade)
        } throws: { error in
            "\(error)".hasPrefix("a cascade plan has no judge")
        }
    }
}
