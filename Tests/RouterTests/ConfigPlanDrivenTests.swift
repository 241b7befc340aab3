import Foundation
import GPUSchedTestSupport
import Router
import ServingModel
import Testing

/// A serve config's plan-driven parts as the config reader sees them (the blocks' own checks are
/// GateRouteSettingsTests' and CascadeConfigTests'): the gate-and-route block of a pool, cascades
/// tied to pools; and `--plan` with gate-route and cascade plans laid over a config.
@Suite struct ConfigPlanDrivenTests {
    static let gated = """
        kind: serve
        pools:
          - model: small
            policy: gate-and-route
            gateAndRoute:
              classHeader: x-class
              classes:
                - {name: code, maxPromptTokens: 1000, occupancyTarget: 0.2}
                - {name: chat, occupancyTarget: 0.5}
            backends: [http://127.0.0.1:9001, http://127.0.0.1:9002]
          - {model: large, backends: [http://127.0.0.1:9003]}
        cascades:
          - {name: auto, stages: [{model: small, threshold: 80}, {model: large}], judge: {scoreField: gpusched_score}}
        """

    @Test func aGateAndRoutePoolAndACascadeRead() throws {
        let config = try ServeConfigReader.read(path: try TemporaryFiles.file(Self.gated, extension: "yaml"), environment: [:])
        guard case let .gateAndRoute(settings) = config.pools[0].policy else {
            Issue.record("policy \(config.pools[0].policy.name)")
            return
        }
        #expect(settings.classHeader == "x-class")
        #expect(settings.classes.map(\.name) == ["code", "chat"])
        #expect(settings.classes.map(\.occupancyTarget) == [0.2, 0.5])
        #expect(settings.classes.map(\.maxPromptTokens) == [1000, nil])
        #expect(config.cascades == [CascadeConfig(
            name: "auto", stages: [CascadeStage(model: "small", threshold: 80), CascadeStage(model: "large", threshold: 0)],
            judge: .scoreField("gpusched_score"))])
    }

    @Test func gateAndRouteNeedsItsBlockAndCascadesNeedTheirPools() throws {
        #expect(try ConfigReaderTests.problems("""
            kind: serve
            pools: [{model: m, policy: gate-and-route, backends: [http://127.0.0.1:9001]}]
            """) == ["pools[0].gateAndRoute: missing required key: policy gate-and-route needs its classes (classes: or plan:)"])
        #expect(try ConfigReaderTests.problems("""
            kind: serve
            pools: [{model: small, backends: [http://127.0.0.1:9001]}]
            cascades:
              - {name: small, stages: [{model: small, threshold: 1}, {model: larg}], judge: {scoreField: s}}
            """) == [
            "cascades[0]: the cascade's name 'small' is also a pool's model; clients could not tell them apart",
            "cascades[0]: stage model 'larg' has no pool; pools: small",
        ])
    }

    static func gateRoutePlan(_ classes: [(String, Double)]) -> String {
        let items = classes.map { #"{"name": "\#($0.0)", "prefillOccupancy": \#($0.1), "prefillQueue": 0.5}"# }
        return #"{"kind": "plan-gate-route", "schemaVersion": 2, "plan": {"classes": [\#(items.joined(separator: ", "))]}}"#
    }

    @Test func aGateRoutePlanSetsTheTargetsOfTheGatedPool() throws {
        let base = try ServeConfigReader.read(path: try TemporaryFiles.file(Self.gated, extension: "yaml"), environment: [:])
        let plan = try TemporaryFiles.file(Self.gateRoutePlan([("code", 0.05), ("chat", 0.7)]), extension: "json")
        let config = try PlanServeConfigReader.read(path: plan, base: base)
        guard case let .gateAndRoute(settings) = config.pools[0].policy else {
            Issue.record("policy \(config.pools[0].policy.name)")
            return
        }
        #expect(settings.classes == [
            GateRouteClassSettings(name: "code", maxPromptTokens: 1000, occupancyTarget: 0.05, queueTarget: 0.5),
            GateRouteClassSettings(name: "chat", occupancyTarget: 0.7, queueTarget: 0.5),
        ])
        #expect(settings.classHeader == "x-class")
        #expect(config.pools[1] == base.pools[1] && config.cascades == base.cascades)
        // One plain pool: it becomes gate-and-route. Two plain pools: the plan cannot say which.
        let single = ServeConfig(pools: [PoolConfig(model: "m", policy: .leastOutstanding, backends: [BackendConfig(url: "http://127.0.0.1:9001")])])
        let made = try PlanServeConfigReader.read(path: plan, base: single)
        #expect(made.pools[0].policy == .gateAndRoute(GateRouteSettings(classes: [
            GateRouteClassSettings(name: "code", occupancyTarget: 0.05, queueTarget: 0.5),
            GateRouteClassSettings(name: "chat", occupancyTarget: 0.7, queueTarget: 0.5),
        ])))
        var two = single
        two.pools.append(PoolConfig(model: "n", policy: .roundRobin, backends: [BackendConfig(url: "http://127.0.0.1:9002")]))
        let problems = try PlanServeConfigTests.problems(Self.gateRoutePlan([("a", 0.1)]), base: two)
        #expect(problems.count == 1 && problems[0].hasPrefix("a gate-route plan names no model"))
    }

    @Test func aCascadePlanSetsTheStagesOfTheConfigsCascade() throws {
        let base = try ServeConfigReader.read(path: try TemporaryFiles.file(Self.gated, extension: "yaml"), environment: [:])
        let plan = #"{"kind": "plan-cascade", "plan": {"stages": [{"model": "small", "gpus": 2}, {"model": "large", "gpus": 6}], "thresholds": [65]}}"#
        let config = try PlanServeConfigReader.read(path: try TemporaryFiles.file(plan, extension: "json"), base: base)
        #expect(config.cascades.count == 1)
        #expect(config.cascades[0].stages == [CascadeStage(model: "small", threshold: 65), CascadeStage(model: "large", threshold: 0)])
        #expect(config.cascades[0].judge == .scoreField("gpusched_score"))
        // No cascade in the config: the plan has no judge.
        let problems = try PlanServeConfigTests.problems(plan, base: ServeConfig(pools: base.pools))
        #expect(problems.count == 1 && problems[0].hasPrefix("a cascade plan has no judge"))
        // A stage model the config has no pool for.
        let other = plan.replacingOccurrences(of: #""model": "large""#, with: #""model": "huge""#)
        #expect(try PlanServeConfigTests.problems(other, base: base) == ["stage model 'huge' has no pool; pools: small, large"])
    }
}
