import Foundation
import GPUSchedTestSupport
import Testing

/// The loop that makes the simulator trustworthy: on loopback, mock engines running the scenario's
/// replicas behind `gpusched serve`, loaded by `gpusched load` with the scenario's own requests,
/// measure TTFT and TPOT percentiles within 10 % of what `gpusched simulate` predicts for the same
/// file and seed. Small scale here (examples/live-agreement.yaml, an 18 s window: 30 requests);
/// the README's table runs the same comparison longer on a release build.
@Suite(.serialized) struct AgreementTests {
    /// Largest relative difference allowed between a measured and a simulated percentile.
    static let tolerance = 0.10
    /// Seconds of arrivals, and the warm-up left out of both sides' figures.
    static let horizon = "20"
    static let warmup = "2"

    /// Runs the built CLI on a thread of its own.
    static func gpusched(_ arguments: [String]) async throws -> CLIRunner.Output {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                do { continuation.resume(returning: try CLIRunner.run(arguments, workingDirectory: Repository.root)) } catch {
                    continuation.resume(throwing: error)
                }
            }.start()
        }
    }

    /// `overall.<metric>Seconds.<percentile>` of a `--json` output.
    static func figure(_ json: String, _ metric: String, _ percentile: String) throws -> Double {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let overall = try #require(object["overall"] as? [String: Any])
        let summary = try #require(overall["\(metric)Seconds"] as? [String: Any], "no \(metric)Seconds in \(json.prefix(200))")
        return try #require(summary[percentile] as? Double, "\(metric) \(percentile) is not a number")
    }

    /// The serve config of one round-robin pool over `backends`.
    static func serveConfig(port: Int, model: String, backends: [Int]) -> String {
        """
        kind: serve
        listen: 127.0.0.1:\(port)
        pools:
          - model: \(model)
            policy: round-robin
            backends: [\(backends.map { "http://127.0.0.1:\($0)" }.joined(separator: ", "))]
        """
    }

    @Test func liveTTFTAndTPOTPercentilesAgreeWithTheSimulator() async throws {
        let scenario = Repository.example("live-agreement.yaml")
        let ports = try FreePort.several(3)
        let engines = try ports.prefix(2).map { port in
            try BackgroundProcess.start(["mock-engine", "--scenario", scenario, "--group", "0", "--port", "\(port)"])
        }
        defer { engines.forEach { $0.stop() } }
        for (engine, port) in zip(engines, ports) { try engine.waitUntilReady(url: "http://127.0.0.1:\(port)/health") }
        let config = try TemporaryFiles.file(Self.serveConfig(port: ports[2], model: "qwen3-32b", backends: Array(ports.prefix(2))))
        let router = try BackgroundProcess.start(["serve", config])
        defer { router.stop() }
        try router.waitUntilReady(url: "http://127.0.0.1:\(ports[2])/health")

        let live = try await Self.gpusched([
            "load", scenario, "--target", "http://127.0.0.1:\(ports[2])", "--duration", Self.horizon, "--warmup", Self.warmup, "--json",
        ])
        #expect(live.exitCode == 0, "\(live.stderr)")
        let simulated = try await Self.gpusched([
            "simulate", scenario, "--horizon", Self.horizon, "--warmup", Self.warmup, "--seeds", "1", "--json",
        ])
        #expect(simulated.exitCode == 0, "\(simulated.stderr)")
        let load = try #require(try JSONSerialization.jsonObject(with: Data(live.stdout.utf8)) as? [String: Any])
        #expect(load["failed"] as? Int == 0 && load["dropped"] as? Int == 0)
        // The same requests on both sides: as many arrived in the window, all completed live.
        let liveOverall = try #require(load["overall"] as? [String: Any])
        let simulatedObject = try #require(try JSONSerialization.jsonObject(with: Data(simulated.stdout.utf8)) as? [String: Any])
        let simulatedOverall = try #require(simulatedObject["overall"] as? [String: Any])
        let arrived = try #require(liveOverall["arrived"] as? Int)
        #expect(arrived >= 25 && arrived == simulatedOverall["arrived"] as? Int)
        #expect(liveOverall["completed"] as? Int == arrived)

        var rows: [String] = []
        for metric in ["ttft", "tpot"] {
            for percentile in ["p50", "p90", "p99"] {
                let measured = try Self.figure(live.stdout, metric, percentile)
                let predicted = try Self.figure(simulated.stdout, metric, percentile)
                let difference = (measured - predicted) / predicted
                rows.append("\(metric) \(percentile): live \(measured * 1000) ms, simulated \(predicted * 1000) ms, \(difference * 100) %")
                #expect(abs(difference) <= Self.tolerance, "\(metric) \(percentile): live \(measured), simulated \(predicted)")
            }
        }
        print(rows.joined(separator: "\n"))
    }
}
