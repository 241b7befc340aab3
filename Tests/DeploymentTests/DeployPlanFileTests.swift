import Deployment
import Foundation
import GPUSchedTestSupport
import Planning
import Testing

/// Reading PLAN.json: the report's plan, a baseline by name, a bare plan; every bad input one line.
@Suite struct DeployPlanFileTests {
    private func message(_ text: String, name: String? = nil) throws -> String {
        let error = try #require(throws: PlanningError.self) {
            try DeployPlanFile.plan(from: Data(text.utf8), source: "p.json", name: name)
        }
        #expect(error.cause == .badInput)
        #expect(error.lines.count == 1 && !error.lines[0].contains("\n"))
        return error.lines[0]
    }

    @Test func readsTheReportsPlanABaselineOrABarePlan() throws {
        let plan = DeployExportFixtures.plan()
        let baseline = DeployExportFixtures.plan(name: "rule-of-thumb", groups: [DeployExportFixtures.groups[0]])
        let report = Data(try DeployExportFixtures.report(plan, baselines: [baseline]).utf8)
        #expect(try DeployPlanFile.plan(from: report, source: "p.json") == plan)
        #expect(try DeployPlanFile.plan(from: report, source: "p.json", name: "rule-of-thumb") == baseline)
        let bare = try JSONEncoder().encode(plan)
        #expect(try DeployPlanFile.plan(from: bare, source: "p.json") == plan)
        #expect(try message(String(decoding: report, as: UTF8.self), name: "rule-of-thumbs").contains("did you mean 'rule-of-thumb'"))
    }

    @Test func badFilesAreOneLineErrors() throws {
        #expect(try message("{not json").contains("is not JSON"))
        #expect(try message("[1, 2]").contains("is not a JSON object"))
        #expect(try message("{\"kind\": \"plan-moe\", \"plan\": {}}").contains("`plan-moe` output"))
        #expect(try message("{\"kind\": \"plan-deploy\", \"plan\": {\"name\": \"plan\"}}").contains("missing key 'plan.objective'"))
        let plan = DeployExportFixtures.plan()
        let text = String(decoding: try JSONEncoder().encode(plan), as: UTF8.self)
        #expect(try message(text.replacingOccurrences(of: "\"role\":\"prefill\"", with: "\"role\":\"prefil\"")).contains("groups[1].role"))
        #expect(try message(text.replacingOccurrences(of: "\"tp\":4", with: "\"tp\":\"4\"")).contains("groups[1].tp"))
    }

    @Test func checkNamesTheOffendingField() throws {
        func text(_ change: (inout DeploymentGroup) -> Void) throws -> String {
            var groups = DeployExportFixtures.groups
            change(&groups[2])
            return String(decoding: try JSONEncoder().encode(DeployExportFixtures.plan(groups: groups)), as: UTF8.self)
        }
        #expect(try message(try text { $0.tp = 0 }) == "'p.json': groups[2].tp must be >= 1, got 0")
        #expect(try message(try text { $0.count = -1 }) == "'p.json': groups[2].count must be >= 1, got -1")
        #expect(try message(try text { $0.chunkTokens = 0 }).contains("groups[2].chunkTokens"))
        #expect(try message(try text { $0.memoryUtilization = 1.5 }).contains("groups[2].memoryUtilization must be in (0, 1]"))
        #expect(try message(try text { $0.model = "" }).contains("groups[2].model is empty"))
        #expect(try message(try text { $0.pp = 300 }) == "'p.json': groups[2].pp must be <= 256, got 300")
        #expect(try message(try text { $0.gpu = "H100\nrm -rf /" }).contains("groups[2].gpu has a control character"))
        let empty = String(decoding: try JSONEncoder().encode(DeployExportFixtures.plan(groups: [])), as: UTF8.self)
        #expect(try message(empty).contains("has no groups"))
    }
}

/// The YAML writer, read back by PyYAML (an independent parser).
@Suite struct YAMLNodeTests {
    @Test func trickyScalarsReadBackUnchanged() throws {
        try KubernetesValidator.requireInstalled()
        let strings = ["on", "1", "0.9", "null", "a: b", "- x", "#c", "quote \" and \\ back", "tab\tnew\nline", "€ ünï", "", " lead"]
        let node = YAMLNode.map([
            YAMLEntry("strings", .list(strings.map(YAMLNode.string))),
            YAMLEntry("yes", .int(3)), YAMLEntry("nvidia.com/gpu", .string("8")), YAMLEntry("flag", .bool(false)),
            YAMLEntry("empty", .map([])), YAMLEntry("none", .list([])),
            YAMLEntry("nested", .list([.map([YAMLEntry("a", .int(1)), YAMLEntry("b", .list([.string("x")]))]), .list([.int(2)])])),
            YAMLEntry("block", .literal("{\n  \"a\": 1\n}\n")),
        ])
        let path = try TemporaryFiles.file(node.render(), extension: "yaml")
        let object = try #require(try KubernetesValidator.objects(inYAMLFile: path).first)
        #expect(object["strings"] as? [String] == strings)
        #expect(object["yes"] as? Int == 3)
        #expect(object["nvidia.com/gpu"] as? String == "8")
        #expect(object["flag"] as? Bool == false)
        #expect((object["empty"] as? [String: Any])?.isEmpty == true)
        #expect((object["none"] as? [Any])?.isEmpty == true)
        let nested = try #require(object["nested"] as? [Any])
        #expect((nested[0] as? [String: Any])?["a"] as? Int == 1)
        #expect((nested[0] as? [String: Any])?["b"] as? [String] == ["x"])
        #expect(nested[1] as? [Int] == [2])
        #expect(object["block"] as? String == "{\n  \"a\": 1\n}\n")
    }

    @Test func groupNamesAreShortUniqueDNSLabels() throws {
        var groups = DeployExportFixtures.groups
        groups.append(DeploymentGroup(
            model: "DeepSeek_R1.Distill--Llama-70B-with-a-very-long-name", gpu: "H100-80GB", tp: 8, pp: 1, role: .decode, count: 1,
            maxBatch: 8, chunkTokens: 8))
        let named = try ExportGroup.groups(
            of: DeployExportFixtures.plan(groups: groups),
            repositories: ModelRepositories(overrides: ["DeepSeek_R1.Distill--Llama-70B-with-a-very-long-name": "x/y"]))
        #expect(named.map(\.name).prefix(2) == ["g1-llama-3-1-8b-aggregated-h100-80gb", "g2-llama-3-1-70b-prefill-h100-80gb"])
        #expect(Set(named.map(\.name)).count == named.count)
        for name in named.map(\.name) {
            #expect(name.count <= 40 && name.first?.isLetter == true && name.last != "-")
            #expect(name.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" })
        }
        #expect(named[4].name == "g5-deepseek-r1-distill-llama-70b-with-a")
    }
}
