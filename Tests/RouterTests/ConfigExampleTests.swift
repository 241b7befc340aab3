import Foundation
import GPUSchedTestSupport
import Router
import Testing

/// The serve examples read as documented, and `gpusched validate` checks a serve config with the
/// router's reader: exit 0 with a summary, or exit 2 with one line per problem.
@Suite struct ConfigExampleTests {
    @Test func theExamplesRead() throws {
        let smallest = try ServeConfigReader.read(path: Repository.examples.appendingPathComponent("serve.yaml").path, environment: [:])
        #expect(smallest.pools.map(\.model) == ["llama-3.1-8b"] && smallest.pools[0].backends.count == 2)
        let fleet = try ServeConfigReader.read(path: Repository.examples.appendingPathComponent("serve-fleet.yaml").path, environment: [:])
        #expect(fleet.pools.map(\.policy.name) == ["prefix-affinity", "weighted", "power-of-two"])
        #expect(fleet.pools[1].backends.map(\.weight) == [3, 1])
        #expect(fleet.pools[0].admission == AdmissionConfig(maxQueued: 512, queueTimeoutSeconds: 10, maxInFlightPerBackend: 128))
        #expect(fleet.timeouts.totalSeconds == 600 && fleet.limits.maxBodyBytes == 4 << 20)
    }

    @Test func validateAcceptsAServeConfigAndListsEveryProblemOfABadOne() throws {
        let good = try CLIRunner.run(["validate", Repository.examples.appendingPathComponent("serve.yaml").path])
        #expect(good.exitCode == 0)
        #expect(good.stdout.contains("valid serve scenario: 1 pools (llama-3.1-8b: least-outstanding) over 2 backends, listening on 127.0.0.1:8000"))
        let bad = try TemporaryFiles.file("""
            kind: serve
            listen: 127.0.0.1:9001
            pools:
              - {model: m, policy: fastest, backends: [http://127.0.0.1:9001]}
              - {model: n, backends: []}
            """, extension: "yaml")
        let result = try CLIRunner.run(["validate", bad])
        #expect(result.exitCode == 2)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(lines)")
        #expect(lines.contains { $0.contains("pools[0].policy: unknown value 'fastest'") })
        #expect(lines.contains { $0.contains("pools[1].backends: must not be empty") })
        // The conflicting port is reported with the others although pool 0's policy is wrong.
        #expect(lines.contains { $0.contains("pools[0].backends[0]: conflicting ports: http://127.0.0.1:9001 is the router's own listen") })
    }
}
