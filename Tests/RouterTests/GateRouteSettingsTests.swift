import Foundation
import GPUSchedTestSupport
import ServingModel
import Testing

@testable import Router

/// The `gateAndRoute:` block, the cascade entry, and the imports of real `plan gate-route` and
/// `plan cascade` outputs.
@Suite struct GateRouteSettingsTests {
    /// Reads `block` (YAML under a `gateAndRoute:` key); the settings, or the issues as `path: message`.
    static func read(_ block: String, baseDirectory: String = "/") throws -> (GateRouteSettings?, [String]) {
        let diagnostics = ScenarioDiagnostics()
        let root = ConfigNode(value: try ConfigParser.parse("gateAndRoute:\n" + block), diagnostics: diagnostics)
        guard let object = root.object(allowedKeys: ["gateAndRoute"]), let node = object["gateAndRoute"] else { return (nil, ["no block"]) }
        let settings = GateRouteSettingsReader.read(node, baseDirectory: baseDirectory)
        return (settings, diagnostics.issues.map(\.description))
    }

    /// The paper's instance planned by the CLI, as `plan gate-route --json` writes it.
    static func paperPlan() throws -> String {
        let output = try CLIRunner.run(["plan", "gate-route", Repository.example("gate-route.yaml"), "--no-evaluate", "--json"])
        #expect(output.exitCode == 0, "\(output.stderr)")
        return try TemporaryFiles.file(output.stdout, extension: "json")
    }

    @Test func readsABlockWithInlineTargets() throws {
        let (settings, issues) = try Self.read("""
              classHeader: X-Tenant-Class
              classes:
                - {name: code, maxPromptTokens: 1000, occupancyTarget: 0.01826, queueTarget: 0.3173}
                - {name: summarize, occupancyTarget: 0.19495}
              prefillSlots: 1
              maxStreams: 16
              zeroTarget: last
              prefillLimit: {staffing: 0.5}
              staleHoldSeconds: 30
            """)
        #expect(issues.isEmpty)
        let value = try #require(settings)
        #expect(value.classHeader == "x-tenant-class")
        #expect(value.classes.map(\.name) == ["code", "summarize"])
        #expect(value.classes.map(\.maxPromptTokens) == [1_000, nil])
        #expect(value.classes.map(\.queueTarget) == [0.3173, 0])
        #expect(value.maxStreams == 16 && value.prefillSlots == 1 && value.zeroTarget == .last)
        #expect(value.prefillLimit == GateRoutePrefillLimit(staffing: 0.5))
        #expect(value.staleHoldSeconds == 30)
    }

    @Test(arguments: [
        ("classes: [{name: a, occupancyTarget: 1.5}]", "gateAndRoute.classes[0].occupancyTarget: must be <= 1, got 1.5"),
        ("classes: [{name: a}]", "gateAndRoute.classes[0].occupancyTarget: missing required key (or give the pool's gateAndRoute.plan)"),
        ("classes: [{name: a, occupancyTarget: 0.1}, {name: a, occupancyTarget: 0.1}]", "gateAndRoute.classes[1].name: duplicate class 'a'"),
        ("classes: [{name: a, occupancyTarget: 0.1, maxPromptTokens: 500}, {name: b, occupancyTarget: 0.1, maxPromptTokens: 400}]",
         "gateAndRoute.classes: [1].maxPromptTokens must grow along the classes: 400 after 500"),
        ("classes: [{name: a, occupancyTarget: 0}]", "gateAndRoute.classes: no class has an occupancyTarget above 0: the gate would admit nothing"),
        ("classes: [{name: a, occupancyTarget: 0.1}]\nprefillSlots: 0", "gateAndRoute.prefillSlots: must be >= 1, got 0"),
        ("classes: [{name: a, occupancyTarget: 0.1}]\nprefillSlots: 4\nmaxStreams: 2", "gateAndRoute.prefillSlots: must be <= maxStreams (2), got 4"),
        ("classes: [{name: a, occupancyTarget: 0.1}]\nzeroTarget: first", "gateAndRoute.zeroTarget: unknown value 'first'; expected one of: never, last"),
        ("classes: [{name: a, occupancyTarget: 0.1}]\nclassHeader: 'x class'", "gateAndRoute.classHeader: must be an HTTP header name (letters, digits and !#$%&'*+-.^_`|~), got 'x class'"),
        ("classes: [{name: a, occupancyTarget: 0.1}]\nprefillLimit: {staffing: -1}", "gateAndRoute.prefillLimit.staffing: must be >= 0, got -1"),
        ("classes: [{name: a, occupancyTarget: 0.1}]\ngate: 1", "gateAndRoute.gate: unknown key"),
        ("plan: missing.json", "gateAndRoute.plan: cannot import the plan missing.json: file not found: /nonexistent/missing.json"),
    ])
    func reportsProblemsWithTheirKeyPaths(block: String, expected: String) throws {
        let indented = block.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
        let (settings, issues) = try Self.read(indented, baseDirectory: "/nonexistent")
        #expect(settings == nil)
        #expect(issues.contains { $0.hasPrefix(expected) }, "\(issues)")
    }

    /// `plan gate-route --json` of examples/gate-route.yaml: x* = (0.01826, 0.19495), q_p* = (0.3173, 0)
    /// (the research notes' SciPy/HiGHS values).
    @Test func importsARealGateRoutePlan() throws {
        let path = try Self.paperPlan()
        let settings = try GateRoutePlanImport.settings(planFile: path)
        #expect(settings.classes.map(\.name) == ["code", "summarize"])
        #expect(abs(settings.classes[0].occupancyTarget - 0.01826) < 1e-5)
        #expect(abs(settings.classes[1].occupancyTarget - 0.19495) < 1e-5)
        #expect(abs(settings.classes[0].queueTarget - 0.3173) < 1e-4)
        #expect(settings.classes[1].queueTarget < 1e-6)
        #expect(abs(settings.mixedFraction - 0.21321) < 1e-5)
        #expect(settings.classes.allSatisfy { $0.maxPromptTokens == nil })
        // Through the config: the plan's targets, the config's length bounds.
        let directory = (path as NSString).deletingLastPathComponent
        let (read, issues) = try Self.read("""
              plan: \((path as NSString).lastPathComponent)
              classes: [{name: code, maxPromptTokens: 1000}, {name: summarize}]
              maxStreams: 16
            """, baseDirectory: directory)
        #expect(issues.isEmpty, "\(issues)")
        #expect(read?.classes.map(\.occupancyTarget) == settings.classes.map(\.occupancyTarget))
        #expect(read?.classes.map(\.maxPromptTokens) == [1_000, nil])
        let (wrong, problems) = try Self.read("""
              plan: \(path)
              classes: [{name: chat}, {name: summarize}]
            """)
        #expect(wrong == nil)
        #expect(problems.contains("gateAndRoute.classes[0].name: class 'chat' is not in the plan; the plan's classes: code, summarize"))
    }

    @Test func refusesAPlanOfAnotherKind() throws {
        let path = try TemporaryFiles.file(#"{"kind":"plan-cascade","plan":{}}"#, extension: "json")
        #expect {
            _ = try GateRoutePlanImport.settings(planFile: path)
        } throws: { error in
            "\(error)" == "kind: expected a 'plan-gate-route' plan (gpusched plan gate-route --json), got 'plan-cascade'"
        }
        let truncated = try TemporaryFiles.file(#"{"kind":"plan-gate-route","plan":{"classes":[{"name":"a","prefillOccupancy":-1}]}}"#, extension: "json")
        #expect {
            _ = try GateRoutePlanImport.settings(planFile: truncated)
        } throws: { error in
            "\(error)".contains("plan.classes[0].prefillOccupancy: must be >= 0, got -1") && "\(error)".contains("plan.classes[0].prefillQueue: missing required key")
        }
    }
}
