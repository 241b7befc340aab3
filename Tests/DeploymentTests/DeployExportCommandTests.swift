import Deployment
import Foundation
import GPUSchedTestSupport
import Testing

/// `gpusched export deploy` end to end on the built binary: outputs, and bad input as one line with exit 2.
@Suite struct DeployExportCommandTests {
    private func planFile() throws -> String {
        let baseline = DeployExportFixtures.plan(name: "rule-of-thumb", groups: [DeployExportFixtures.groups[0]])
        return try TemporaryFiles.file(try DeployExportFixtures.report(DeployExportFixtures.plan(), baselines: [baseline]), extension: "json")
    }

    private func badInput(_ arguments: [String]) throws -> String {
        let output = try CLIRunner.run(arguments)
        #expect(output.exitCode == 2)
        #expect(output.stdout.isEmpty)
        #expect(output.stderrLines.count == 1)
        return output.stderrLines.first ?? ""
    }

    @Test func writesEachFormat() throws {
        let plan = try planFile()
        let vllm = try CLIRunner.run(["export", "deploy", plan, "--format", "vllm"])
        #expect(vllm.exitCode == 0)
        #expect(ShellWords.commands(in: vllm.stdout).count == 5)
        let baseline = try CLIRunner.run(["export", "deploy", plan, "--format", "sglang", "--plan", "rule-of-thumb", "--port", "9000"])
        #expect(baseline.exitCode == 0)
        let commands = ShellWords.commands(in: baseline.stdout).map { ParsedCommand(words: $0, programLength: 3) }
        #expect(commands.map { $0.value("--port") } == ["9000"])
        let out = TemporaryFiles.path(prefix: "fleet", extension: "yaml")
        let k8s = try CLIRunner.run(["export", "deploy", plan, "--format", "k8s", "--engine", "sglang", "--output", out])
        #expect(k8s.exitCode == 0 && k8s.stdout.isEmpty)
        let written = try String(contentsOfFile: out, encoding: .utf8)
        #expect(written == (try KubernetesExporter(engine: SGLangExporter()).export(DeployExportFixtures.plan(), options: DeployExportOptions())))
    }

    @Test func badInputIsOneLineAndExitTwo() throws {
        let plan = try planFile()
        #expect(try badInput(["export", "deploy", "/nonexistent/plan.json", "--format", "vllm"]).contains("cannot read '/nonexistent/plan.json'"))
        #expect(try badInput(["export", "deploy", try TemporaryFiles.file("not json", extension: "json"), "--format", "vllm"]).contains("is not JSON"))
        #expect(try badInput(["export", "deploy", try TemporaryFiles.file("{\"kind\":\"plan-geo\"}", extension: "json"), "--format", "k8s"])
            .contains("`plan-geo` output"))
        #expect(try badInput(["export", "deploy", plan, "--format", "vlm"]).contains("did you mean 'vllm'"))
        #expect(try badInput(["export", "deploy", plan, "--format", "k8s", "--plan", "melange"]).contains("no plan 'melange'"))
        #expect(try badInput(["export", "deploy", plan, "--format", "vllm", "--engine", "sglang"]).contains("--engine applies to --format k8s only"))
        #expect(try badInput(["export", "deploy", plan, "--format", "vllm", "--model-id", "llama-3.1-8b"]).contains("is not NAME=VALUE"))
        #expect(try badInput(["export", "deploy", plan, "--format", "k8s", "--port", "0"]).contains("--port"))
        #expect(try badInput(["export", "deploy", plan, "--format", "vllm", "--router-image", "r:1"]).contains("--router-image applies to --format k8s only"))
        #expect(try badInput(["export", "deploy", plan, "--format", "k8s", "--router-replicas", "0"]).contains("--router-replicas must be in 1...1000"))
        let routed = try CLIRunner.run(["export", "deploy", plan, "--format", "k8s", "--router-image", "me/gpusched:2", "--router-replicas", "4"])
        #expect(routed.exitCode == 0 && routed.stdout.contains("image: \"me/gpusched:2\"") && routed.stdout.contains("replicas: 4"))
        var group = DeployExportFixtures.groups[0]
        group.model = "my-model"
        let custom = try TemporaryFiles.file(try DeployExportFixtures.report(DeployExportFixtures.plan(groups: [group])), extension: "json")
        #expect(try badInput(["export", "deploy", custom, "--format", "vllm"]).contains("--model-id my-model=ORG/NAME"))
        let fixed = try CLIRunner.run(["export", "deploy", custom, "--format", "vllm", "--model-id", "my-model=me/My-Model"])
        #expect(fixed.exitCode == 0 && fixed.stdout.contains("vllm serve me/My-Model "))
        let empty = try TemporaryFiles.file(try DeployExportFixtures.report(DeployExportFixtures.plan(groups: [])), extension: "json")
        #expect(try badInput(["export", "deploy", empty, "--format", "k8s"]).contains("has no groups"))
    }
}
