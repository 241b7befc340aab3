import Foundation
import Testing
@testable import Solver
import GPUSchedTestSupport

/// The verbs on good input: versions, help, catalog, validate, solve, demo.
@Suite struct CommandTests {
    @Test func versionAndHelp() throws {
        let version = try CLIRunner.run(["--version"])
        #expect(version.exitCode == 0)
        #expect(version.stdout == "0.1.0\n")
        for verb in ["catalog", "validate", "solve", "demo", "bench"] {
            let help = try CLIRunner.run([verb, "--help"])
            #expect(help.exitCode == 0, "\(verb) --help")
            #expect(help.stdout.contains("gpusched \(verb)"), "\(verb) --help shows a usage example")
        }
    }

    @Test func catalogJSONHasTheRequiredEntries() throws {
        let output = try CLIRunner.run(["catalog", "--json"])
        #expect(output.exitCode == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        let gpus = try #require(json["gpus"] as? [[String: Any]])
        let models = try #require(json["models"] as? [[String: Any]])
        let gpuNames = gpus.compactMap { $0["name"] as? String }
        #expect(gpuNames == ["A100-40GB", "A100-80GB", "H100-80GB", "H200-141GB", "L40S"])
        let h100 = try #require(gpus.first { $0["name"] as? String == "H100-80GB" })
        #expect(h100["bf16FLOPS"] as? Double == 989e12)
        let v3 = try #require(models.first { $0["name"] as? String == "deepseek-v3" })
        let moe = try #require(v3["moe"] as? [String: Any])
        #expect(moe["routedExperts"] as? Int == 256)
        #expect(moe["expertsPerToken"] as? Int == 8)
        #expect(v3["kvCacheBytesPerToken"] as? Double == 70272.0)  // 61 layers × (512 latent + 64 RoPE) × 2 bytes
        #expect(models.count >= 12)
    }

    @Test func catalogMergesAScenarioEntry() throws {
        let path = try TemporaryFiles.file("""
            kind: catalog
            description: a slower-network H100 variant
            catalog:
              gpus:
                - {name: H100-slow-net, base: H100-80GB, networkBandwidth: 100Gb/s}
            """)
        let validate = try CLIRunner.run(["validate", path])
        #expect(validate.exitCode == 0)
        #expect(validate.stdout.contains("valid catalog scenario: catalog with 6 GPUs (1 new)"))
        let output = try CLIRunner.run(["catalog", "gpus", "--json", "--scenario", path])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        let gpus = try #require(json["gpus"] as? [[String: Any]])
        let added = try #require(gpus.first { $0["name"] as? String == "H100-slow-net" })
        #expect(added["networkBandwidth"] as? Double == 12.5e9)
        #expect(added["memoryBandwidth"] as? Double == 3.35e12)
    }

    @Test func solveAnExportedModel() throws {
        var model = LinearModel()
        let x1 = model.addVariable(name: "x1")
        let x2 = model.addVariable(name: "x2")
        model.addConstraint(x1 <= 4)
        model.addConstraint(2 * x2 <= 12)
        model.addConstraint(3 * x1 + 2 * x2 <= 18)
        model.maximize(3 * x1 + 5 * x2)
        let path = TemporaryFiles.path(prefix: "wyndor", extension: "mps")
        try HighsSolver().export(model, to: path)
        let output = try CLIRunner.run(["solve", path, "--json"])
        #expect(output.exitCode == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        let solve = try #require(json["solve"] as? [String: Any])
        #expect(solve["status"] as? String == "optimal")
        #expect(solve["objective"] as? Double == 36)
        // Wyndor Glass (Hillier & Lieberman): x1 = 2, x2 = 6, reported by the file's names.
        let variables = try #require(json["variables"] as? [[String: Any]])
        #expect(variables.map { $0["name"] as? String } == ["x1", "x2"])
        #expect(variables.map { $0["value"] as? Double } == [2, 6])
    }

    /// The demo's packing of one replica per model onto 8-GPU H100 nodes is optimal: its node
    /// count equals ⌈total GPUs / 8⌉, which no packing can beat.
    @Test func demoPacksOptimally() throws {
        let output = try CLIRunner.run(["demo", "--json"])
        #expect(output.exitCode == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        let packing = try #require(json["nodePacking"] as? [String: Any])
        let plan = try #require(packing["plan"] as? [String: Any])
        let placements = try #require(plan["placements"] as? [[String: Any]])
        let totalGPUs = placements.compactMap { $0["gpus"] as? Int }.reduce(0, +)
        #expect(plan["nodes"] as? Int == (totalGPUs + 7) / 8)
        var load: [Int: Int] = [:]
        for placement in placements {
            load[try #require(placement["node"] as? Int), default: 0] += try #require(placement["gpus"] as? Int)
        }
        #expect(load.values.allSatisfy { $0 <= 8 })
        #expect((packing["unplaced"] as? [String])?.contains("llama-3.1-405b") == true)
    }
}

/// Every shipped example scenario validates.
@Suite struct ExampleScenarioTests {
    static let examples: [String] = {
        let folder = Repository.examples
        let names = FileManager.default.enumerator(atPath: folder.path)?.allObjects as? [String] ?? []
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".json") }.sorted()
            .map { folder.appendingPathComponent($0).path }
    }()

    @Test func thereAreExamples() { #expect(!Self.examples.isEmpty) }

    @Test(arguments: examples) func exampleValidates(path: String) throws {
        let output = try CLIRunner.run(["validate", path])
        #expect(output.exitCode == 0, "\(output.stderr)")
    }
}
