import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GPUSchedTestSupport
import InferenceAPI
import Testing

/// The router's faults on loopback, against `gpusched mock-engine` processes: a backend killed
/// mid-run, a slow backend, overload, and a reload under load. Ports are chosen at run time;
/// every request loop is bounded in count and time.
@Suite("gpusched serve faults", .serialized)
struct FaultToleranceTests {
    static let model = "llama-3.1-8b"

    static func engine(port: Int, extra: [String] = []) throws -> BackgroundProcess {
        let engine = try BackgroundProcess.start(
            ["mock-engine", "--model", model, "--gpu", "H100-80GB", "--tp", "1", "--port", "\(port)"] + extra)
        try engine.waitUntilReady(url: "http://127.0.0.1:\(port)/health")
        return engine
    }

    static func router(port: Int, config: String) throws -> (BackgroundProcess, String) {
        let path = try TemporaryFiles.file(config)
        let router = try BackgroundProcess.start(["serve", path, "--log-level", "warning"])
        try router.waitUntilReady(url: "http://127.0.0.1:\(port)/ready")
        return (router, path)
    }

    static func config(port: Int, backends: [Int], policy: String = "round-robin", extra: String = "") -> String {
        """
        kind: serve
        listen: 127.0.0.1:\(port)
        health:
          interval: 0.2
          timeout: 0.5
        \(extra)
        pools:
          - model: \(model)
            policy: \(policy)
            backends: [\(backends.map { "http://127.0.0.1:\($0)" }.joined(separator: ", "))]
        """
    }

    static func body(stream: Bool, maxTokens: Int, seed: UInt64) -> Data {
        let object: [String: Any] = [
            "model": model, "prompt": PromptTokens.text(tokens: 32, seed: seed), "max_tokens": maxTokens, "stream": stream,
        ]
        return (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
    }

    /// A stream's payloads.
    static func payloads(_ chunks: [(Double, [UInt8])]) throws -> [String] {
        var parser = ServerSentEventParser()
        return try chunks.flatMap { try parser.feed($0.1) }.map { String(decoding: $0, as: UTF8.self) }
    }

    /// Polls `url` until its text contains a line starting with `prefix` whose value is positive.
    static func waitForPositive(_ url: String, metric prefix: String, timeout: Double = 10) -> Bool {
        SyncHTTP.poll(timeout: timeout) {
            SyncHTTP.get(url).body.split(separator: "\n").contains { line in
                line.hasPrefix(prefix) && (Double(line.split(separator: " ").last ?? "") ?? 0) > 0
            }
        }
    }

    @Test("a backend killed mid-run: requests that had not begun streaming are retried (none lost); its streams end with one error event")
    func backendKilledMidRun() async throws {
        let ports = try FreePort.several(3)
        let (routerPort, portA, portB) = (ports[0], ports[1], ports[2])
        let engineA = try Self.engine(port: portA)
        let engineB = try Self.engine(port: portB)
        defer { engineA.stop(); engineB.stop() }
        let (router, _) = try Self.router(
            port: routerPort, config: Self.config(port: routerPort, backends: [portA, portB], extra: "retry:\n  maxAttempts: 3"))
        defer { router.stop() }
        let url = "http://127.0.0.1:\(routerPort)/v1/completions"
        let results = try await withThrowingTaskGroup(of: (Bool, Int, [(Double, [UInt8])]).self) { group in
            for index in 0..<24 {
                let stream = index % 2 == 0
                group.addTask {
                    let answer = try await StreamRecorder.post(url: url, body: Self.body(stream: stream, maxTokens: 400, seed: UInt64(index)))
                    return (stream, answer.status, answer.chunks)
                }
            }
            // Kill A once its engine is decoding the router's streams.
            #expect(Self.waitForPositive("http://127.0.0.1:\(portA)/metrics", metric: "vllm:num_requests_running"))
            try await Task.sleep(for: .milliseconds(300))
            engineA.kill9()
            return try await group.reduce(into: []) { $0.append($1) }
        }
        var broken = 0
        for (stream, status, chunks) in results {
            #expect(status == 200)
            if stream {
                let payloads = try Self.payloads(chunks)
                let last = try #require(payloads.last)
                if last == ServerSentEvents.done {
                    #expect(!payloads.contains { $0.hasPrefix(#"{"error""#) })
                } else {
                    broken += 1
                    #expect(last.hasPrefix(#"{"error":{"#))
                    #expect(payloads.filter { $0.hasPrefix(#"{"error""#) }.count == 1)
                }
            } else {
                let object = try JSONSerialization.jsonObject(with: Data(chunks.flatMap(\.1))) as? [String: Any]
                #expect(object?["choices"] != nil)
            }
        }
        #expect(broken >= 1, "no stream was on the killed backend")
        // After the kill every request goes to B.
        for index in 0..<6 {
            let answer = try await StreamRecorder.post(url: url, body: Self.body(stream: true, maxTokens: 4, seed: 100 + UInt64(index)))
            #expect(answer.status == 200)
            #expect(try Self.payloads(answer.chunks).last == ServerSentEvents.done)
        }
        #expect(router.stop() == 0)
    }

    @Test("a backend slower than slowFirstByte trips its breaker and the traffic moves to the other")
    func slowBackendTripsBreaker() async throws {
        let ports = try FreePort.several(3)
        let (routerPort, slowPort, fastPort) = (ports[0], ports[1], ports[2])
        let slow = try Self.engine(port: slowPort, extra: ["--first-token-delay", "0.5"])
        let fast = try Self.engine(port: fastPort)
        defer { slow.stop(); fast.stop() }
        let extra = "        slowFirstByte: 0.2\n        failureThreshold: 2\n        openSeconds: 60"
        var config = Self.config(port: routerPort, backends: [slowPort, fastPort])
        config = config.replacingOccurrences(of: "  timeout: 0.5\n", with: "  timeout: 0.5\n" + extra.replacingOccurrences(of: "        ", with: "  ") + "\n")
        let (router, _) = try Self.router(port: routerPort, config: config)
        defer { router.stop() }
        let url = "http://127.0.0.1:\(routerPort)/v1/completions"
        var seconds: [Double] = []
        for index in 0..<10 {
            let clock = ContinuousClock()
            let start = clock.now
            let answer = try await StreamRecorder.post(url: url, body: Self.body(stream: false, maxTokens: 2, seed: UInt64(index)))
            #expect(answer.status == 200)
            let elapsed = clock.now - start
            seconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
        }
        // Round robin gives the slow backend requests 1 and 3; two slow first bytes open its breaker.
        #expect(seconds.filter { $0 >= 0.5 }.count == 2, "latencies \(seconds)")
        #expect(seconds.suffix(6).allSatisfy { $0 < 0.4 }, "latencies \(seconds)")
        let metrics = SyncHTTP.get("http://127.0.0.1:\(routerPort)/metrics").body
        #expect(metrics.contains(#"gpusched_router_backend_up{model="\#(Self.model)",backend="http://127.0.0.1:\#(slowPort)"} 0"#))
        #expect(router.stop() == 0)
    }

    @Test("overload: beyond the router's limits clients get 429 with Retry-After, never a crash; memory stays bounded")
    func overloadRejects() async throws {
        let ports = try FreePort.several(2)
        let (routerPort, enginePort) = (ports[0], ports[1])
        let engine = try Self.engine(port: enginePort, extra: ["--first-token-delay", "0.5"])
        defer { engine.stop() }
        let extra = "limits:\n  maxConcurrentRequests: 16"
        let (router, _) = try Self.router(port: routerPort, config: Self.config(port: routerPort, backends: [enginePort], extra: extra))
        defer { router.stop() }
        let url = "http://127.0.0.1:\(routerPort)/v1/completions"
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<120 {
                group.addTask {
                    try await StreamRecorder.post(url: url, body: Self.body(stream: index % 2 == 0, maxTokens: 4, seed: UInt64(index))).status
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(Set(statuses).isSubset(of: [200, 429]), "statuses \(Set(statuses))")
        #expect(statuses.filter { $0 == 429 }.count >= 50)
        #expect(statuses.filter { $0 == 200 }.count >= 16)
        #expect(SyncHTTP.get("http://127.0.0.1:\(routerPort)/health").status == 200)
        let metrics = SyncHTTP.get("http://127.0.0.1:\(routerPort)/metrics").body
        #expect(metrics.contains(#"gpusched_router_rejections_total{model="\#(Self.model)",reason="overload"}"#))
        let rss = Self.residentMegabytes(pid: router.pid)
        #expect(rss > 0 && rss < 400, "router RSS \(rss) MB")
        #expect(router.stop() == 0)
    }

    @Test("SIGHUP under load: a stream in flight finishes on its old pool, new requests go to the new one")
    func reloadKeepsInFlight() async throws {
        let ports = try FreePort.several(3)
        let (routerPort, oldPort, newPort) = (ports[0], ports[1], ports[2])
        let old = try Self.engine(port: oldPort)
        let new = try Self.engine(port: newPort)
        defer { old.stop(); new.stop() }
        let (router, path) = try Self.router(port: routerPort, config: Self.config(port: routerPort, backends: [oldPort]))
        defer { router.stop() }
        let url = "http://127.0.0.1:\(routerPort)/v1/completions"
        let inFlight = Task { try await StreamRecorder.post(url: url, body: Self.body(stream: true, maxTokens: 120, seed: 1)) }
        #expect(Self.waitForPositive("http://127.0.0.1:\(oldPort)/metrics", metric: "vllm:num_requests_running"))
        try Self.config(port: routerPort, backends: [newPort]).write(toFile: path, atomically: true, encoding: .utf8)
        router.send(SIGHUP)
        #expect(SyncHTTP.poll(timeout: 5) { router.stderr.contains("config reloaded") || SyncHTTP.get("http://127.0.0.1:\(routerPort)/ready").status == 200 })
        let finished = try await inFlight.value
        #expect(finished.status == 200)
        let payloads = try Self.payloads(finished.chunks)
        #expect(payloads.last == ServerSentEvents.done)
        #expect(!payloads.contains { $0.hasPrefix(#"{"error""#) })
        #expect(payloads.count > 120)
        old.kill9()
        for index in 0..<4 {
            let answer = try await StreamRecorder.post(url: url, body: Self.body(stream: false, maxTokens: 2, seed: 10 + UInt64(index)))
            #expect(answer.status == 200)
        }
        #expect(router.stop() == 0)
    }

    /// Resident memory of a process, MB (0 when unreadable).
    static func residentMegabytes(pid: Int32) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kilobytes / 1024
    }
}

extension StreamRecorder {
    /// `post(port:path:body:)` for a loopback URL `http://127.0.0.1:PORT/PATH`.
    static func post(url: String, body: Data) async throws -> (status: Int, chunks: [(Double, [UInt8])]) {
        guard let parsed = URL(string: url), let port = parsed.port else { throw Failure(description: "not a loopback URL: \(url)") }
        return try await post(port: port, path: parsed.path, body: body)
    }
}
