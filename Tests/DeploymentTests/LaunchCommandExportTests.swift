import Deployment
import Foundation
import Planning
import Testing

/// `export deploy --format vllm|sglang`: every command read back with a shell-word parser and
/// each flag checked against its group's fields.
@Suite struct LaunchCommandExportTests {
    let plan = DeployExportFixtures.plan()
    let groups = DeployExportFixtures.groups

    /// The commands in group order: one per single-node group, PP per multi-node group (rank order).
    private func commandsByGroup(_ script: String, programLength: Int) -> [(group: DeploymentGroup, index: Int, rank: Int, command: ParsedCommand)] {
        let commands = ShellWords.commands(in: script)
        let expected = groups.reduce(0) { $0 + $1.pp }
        #expect(commands.count == expected)
        var result: [(DeploymentGroup, Int, Int, ParsedCommand)] = []
        var next = 0
        for (index, group) in groups.enumerated() {
            for rank in 0..<group.pp where next < commands.count {
                result.append((group, index, rank, ParsedCommand(words: commands[next], programLength: programLength)))
                next += 1
            }
        }
        return result
    }

    @Test func vllmCommandsCarryEachGroupsFlags() throws {
        let script = try VLLMExporter().export(plan, options: DeployExportOptions())
        for (group, index, rank, command) in commandsByGroup(script, programLength: 2) {
            #expect(command.program == ["vllm", "serve"])
            #expect(command.positional == [DeployExportFixtures.repositories[group.model]])
            #expect(command.value("--served-model-name") == group.model)
            #expect(command.value("--port") == String(8000 + index))
            #expect(command.value("--tensor-parallel-size") == String(group.tp))
            #expect(command.value("--pipeline-parallel-size") == String(group.pp))
            #expect(command.value("--max-num-seqs") == String(group.maxBatch))
            #expect(command.value("--max-num-batched-tokens") == String(group.chunkTokens))
            #expect(command.value("--gpu-memory-utilization").flatMap(Double.init) == group.memoryUtilization)
            switch group.role {
            case .aggregated:
                #expect(command.flags["--kv-transfer-config"] == nil)
                #expect(command.environment.isEmpty)
            case .prefill, .decode:
                let config = try #require(command.value("--kv-transfer-config"))
                let object = try #require(try JSONSerialization.jsonObject(with: Data(config.utf8)) as? [String: String])
                #expect(object == ["kv_connector": "NixlConnector", "kv_role": group.role == .prefill ? "kv_producer" : "kv_consumer"])
                #expect(command.environment == ["VLLM_NIXL_SIDE_CHANNEL_HOST": "$HOST_IP", "VLLM_NIXL_SIDE_CHANNEL_PORT": "5600"])
            }
            if group.pp > 1 {
                #expect(command.value("--nnodes") == String(group.pp))
                #expect(command.value("--node-rank") == String(rank))
                #expect(command.value("--master-addr") == "$HEAD_ADDR")
                #expect((command.flags["--headless"] != nil) == (rank > 0))
            } else {
                for flag in ["--nnodes", "--node-rank", "--master-addr", "--headless"] { #expect(command.flags[flag] == nil) }
            }
        }
    }

    @Test(arguments: [SGLangExporter.TransferBackend.nixl, .mooncake])
    func sglangCommandsCarryEachGroupsFlags(backend: SGLangExporter.TransferBackend) throws {
        let script = try SGLangExporter(transferBackend: backend).export(plan, options: DeployExportOptions(port: 9000))
        for (group, index, rank, command) in commandsByGroup(script, programLength: 3) {
            #expect(command.program == ["python3", "-m", "sglang.launch_server"])
            #expect(command.positional.isEmpty)
            #expect(command.value("--model-path") == DeployExportFixtures.repositories[group.model])
            #expect(command.value("--served-model-name") == group.model)
            #expect(command.value("--port") == String(9000 + index))
            #expect(command.value("--tp-size") == String(group.tp))
            #expect(command.value("--pp-size") == String(group.pp))
            #expect(command.value("--max-running-requests") == String(group.maxBatch))
            #expect(command.value("--chunked-prefill-size") == String(group.chunkTokens))
            #expect(command.value("--mem-fraction-static").flatMap(Double.init) == group.memoryUtilization)
            switch group.role {
            case .aggregated:
                #expect(command.flags["--disaggregation-mode"] == nil)
            case .prefill, .decode:
                #expect(command.value("--disaggregation-mode") == group.role.rawValue)
                #expect(command.value("--disaggregation-transfer-backend") == backend.rawValue)
                #expect(command.value("--disaggregation-bootstrap-port") == (group.role == .prefill ? "8998" : nil))
                #expect(command.flags["--disaggregation-prefill-pp"] == nil)   // the prefill group has PP 1
            }
            if group.pp > 1 {
                #expect(command.value("--dist-init-addr") == "$HEAD_ADDR:20000")
                #expect(command.value("--nnodes") == String(group.pp))
                #expect(command.value("--node-rank") == String(rank))
            } else {
                #expect(command.flags["--nnodes"] == nil)
            }
        }
    }

    @Test func sglangDecodeNamesItsPipelinedPrefill() throws {
        var prefill = groups[1]
        prefill.pp = 2
        let script = try SGLangExporter().export(DeployExportFixtures.plan(groups: [prefill, groups[2]]), options: DeployExportOptions())
        let commands = ShellWords.commands(in: script).map { ParsedCommand(words: $0, programLength: 3) }
        #expect(commands.count == 3)   // prefill ranks 0 and 1, then decode
        #expect(commands.last?.value("--disaggregation-prefill-pp") == "2")
        #expect(commands.prefix(2).allSatisfy { $0.flags["--disaggregation-prefill-pp"] == nil })

        var other = groups[1]
        other.gpu = "A100-80GB"
        #expect(throws: PlanningError.self) {
            try SGLangExporter().export(DeployExportFixtures.plan(groups: [prefill, other, groups[2]]), options: DeployExportOptions())
        }
    }

    @Test func unknownModelIsBadInputUnlessGivenARepository() throws {
        var group = groups[0]
        group.model = "llama-3.1-8B"
        let custom = DeployExportFixtures.plan(groups: [group])
        let error = try #require(throws: PlanningError.self) { try VLLMExporter().export(custom, options: DeployExportOptions()) }
        #expect(error.cause == .badInput)
        #expect(error.lines.count == 1)
        #expect(error.lines[0].contains("model 'llama-3.1-8B'") && error.lines[0].contains("did you mean 'llama-3.1-8b'"))
        let options = DeployExportOptions(repositories: ModelRepositories(overrides: ["llama-3.1-8B": "me/my-llama"]))
        let command = try #require(ShellWords.commands(in: try VLLMExporter().export(custom, options: options)).first)
        #expect(command[2] == "me/my-llama")
    }

    @Test func shellQuotingRoundTrips() throws {
        let words = ["plain", "with space", "it's", "{\"a\":\"b\"}", "$HEAD_ADDR:20000", "", "a;b"]
        let line = EngineInvocation(program: ["run"], arguments: words).shellLine
        #expect(ShellWords.split(line) == ["run"] + words)
        // bash itself reads the words back, expanding $HEAD_ADDR.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "run() { printf '%s\\0' \"$@\"; }; " + line]
        process.environment = ["HEAD_ADDR": "10.0.0.1"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let read = String(decoding: data, as: UTF8.self).split(separator: "\0", omittingEmptySubsequences: false).dropLast().map(String.init)
        #expect(read == words.map { $0.replacingOccurrences(of: "$HEAD_ADDR", with: "10.0.0.1") })
    }
}
