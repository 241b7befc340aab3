import AsyncHTTPClient
import Foundation
import NIOCore
import InferenceAPI
import Planning

/// `gpusched bench router`: the latency the router adds over going straight to the same backends,
/// and its throughput, at each concurrency — closed-loop non-streaming requests against fast mock
/// engines (`mock-engine --timing instant`), every target measured in the same run, target after
/// target within each repeat so machine noise hits them alike. With `--peer URL` another router
/// (vllm-router, started by scripts/vllm-router/bench.sh on the same backends) is measured beside it.
///
/// ```swift
/// let report = try await RouterBenchmark.measure(settings, progress: .silent)
/// print(report.render())
/// ```
struct RouterBenchmark: Encodable {
    /// What to measure.
    struct Settings: Sendable {
        /// Backends to use; empty: the benchmark starts two instant mock engines of its own.
        var backends: [String]
        /// Another router in front of `backends`, measured beside GPUSched's.
        var peer: String?
        /// The peer's name in the report.
        var peerName: String
        var requests: Int
        var concurrencies: [Int]
        var repeats: Int
        /// The model the backends serve.
        var model: String
        /// The router's policy in its generated config.
        var policy: String
    }

    /// One target at one concurrency, over the repeats.
    struct Row: Encodable {
        var target: String
        var concurrency: Int
        var requestsPerRepeat: Int
        var p50Seconds: BenchmarkSpread
        var p99Seconds: BenchmarkSpread
        /// This target's p50 less the direct p50 of the same repeat (null for `direct`).
        @Nullable var addedP50Seconds: BenchmarkSpread?
        @Nullable var addedP99Seconds: BenchmarkSpread?
        var requestsPerSecond: BenchmarkSpread
        var failures: Int
        @Nullable var firstFailure: String?
    }

    var backends: [String]
    @Nullable var peer: String?
    var peerName: String
    var policy: String
    var repeats: Int
    var rows: [Row]

    static let maximumRequests = 1_000_000
    static let maximumConcurrency = 4_096

    static func measure(_ settings: Settings, progress: ProgressReporter) async throws -> RouterBenchmark {
        let maxConcurrency = settings.concurrencies.max() ?? 1
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: maxConcurrency + 8)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        var children: [ChildServer] = []
        do {
            let report = try await measure(settings, client: client, children: &children, progress: progress)
            for child in children { child.stop() }
            try await client.shutdown()
            return report
        } catch {
            for child in children { child.stop() }
            try? await client.shutdown()
            throw error
        }
    }

    private static func measure(
        _ settings: Settings, client: HTTPClient, children: inout [ChildServer], progress: ProgressReporter
    ) async throws -> RouterBenchmark {
        var backends = settings.backends
        if backends.isEmpty {
            for _ in 0..<2 {
                let port = try LocalPort.free()
                progress.say("starting an instant mock engine on 127.0.0.1:\(port)")
                children.append(try await ChildServer.start(
                    ["mock-engine", "--model", settings.model, "--gpu", "H100-80GB", "--tp", "1", "--timing", "instant",
                     "--port", "\(port)"],
                    readyURL: "http://127.0.0.1:\(port)/health", client: client))
                backends.append("http://127.0.0.1:\(port)")
            }
        }
        let routerPort = try LocalPort.free()
        let config = """
            kind: serve
            listen: 127.0.0.1:\(routerPort)
            pools:
              - model: \(settings.model)
                policy: \(settings.policy)
                backends: [\(backends.joined(separator: ", "))]
            """
        let configFile = FileManager.default.temporaryDirectory.appendingPathComponent("gpusched-bench-router-\(routerPort).yaml")
        try config.write(to: configFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: configFile) }
        progress.say("starting gpusched serve on 127.0.0.1:\(routerPort)")
        children.append(try await ChildServer.start(
            ["serve", configFile.path, "--log-level", "error"], readyURL: "http://127.0.0.1:\(routerPort)/ready", client: client))

        var targets: [(name: String, urls: [String])] = [
            ("direct", backends), ("gpusched", ["http://127.0.0.1:\(routerPort)"]),
        ]
        if let peer = settings.peer { targets.append((settings.peerName, [peer])) }
        let body = ByteBuffer(string: #"{"model":"\#(settings.model)","prompt":"hello","max_tokens":1}"#)

        var rows: [Row] = []
        for concurrency in settings.concurrencies {
            var runs: [String: [ClosedLoopClient.Run]] = [:]
            for repeatIndex in 0..<settings.repeats {
                for target in targets {
                    progress.say("\(target.name), concurrency \(concurrency), repeat \(repeatIndex + 1)/\(settings.repeats)")
                    let urls = target.urls.map { $0 + "/v1/completions" }
                    _ = await ClosedLoopClient.run(
                        client: client, urls: urls, body: body, requests: max(concurrency * 4, settings.requests / 10),
                        concurrency: concurrency)
                    let run = await ClosedLoopClient.run(
                        client: client, urls: urls, body: body, requests: settings.requests, concurrency: concurrency)
                    runs[target.name, default: []].append(run)
                }
            }
            let direct = runs["direct"] ?? []
            for target in targets {
                let measured = runs[target.name] ?? []
                let added: (BenchmarkSpread, BenchmarkSpread)? = target.name == "direct" ? nil : (
                    BenchmarkSpread(zip(measured, direct).map { $0.quantile(0.5) - $1.quantile(0.5) }),
                    BenchmarkSpread(zip(measured, direct).map { $0.quantile(0.99) - $1.quantile(0.99) }))
                rows.append(Row(
                    target: target.name, concurrency: concurrency, requestsPerRepeat: settings.requests,
                    p50Seconds: BenchmarkSpread(measured.map { $0.quantile(0.5) }),
                    p99Seconds: BenchmarkSpread(measured.map { $0.quantile(0.99) }),
                    addedP50Seconds: added?.0, addedP99Seconds: added?.1,
                    requestsPerSecond: BenchmarkSpread(measured.map(\.requestsPerSecond)),
                    failures: measured.reduce(0) { $0 + $1.failures }, firstFailure: measured.lazy.compactMap(\.firstFailure).first))
            }
        }
        return RouterBenchmark(
            backends: backends, peer: settings.peer, peerName: settings.peerName, policy: settings.policy,
            repeats: settings.repeats, rows: rows)
    }

    func render() -> String {
        var table = TextTable(["target", "conc.", "p50 ms", "p99 ms", "added p50 ms", "added p99 ms", "req/s", "failed"])
        for row in rows {
            table.add([
                row.target, "\(row.concurrency)", row.p50Seconds.text(3, scale: 1000), row.p99Seconds.text(3, scale: 1000),
                row.addedP50Seconds?.text(3, scale: 1000) ?? "-", row.addedP99Seconds?.text(3, scale: 1000) ?? "-",
                row.requestsPerSecond.text(0), "\(row.failures)",
            ])
        }
        return table.render() + "\n"
            + "median (min–max) over \(repeats) repeats; added = the target's quantile less direct's in the same repeat; "
            + "closed loop, non-streaming, backends \(backends.joined(separator: ", ")), router policy \(policy)"
    }
}
