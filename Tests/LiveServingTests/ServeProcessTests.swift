import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif
import GPUSchedTestSupport
import Testing

/// `gpusched serve` as a process: start with unreachable backends, /health and /ready, SIGHUP
/// reloads (a bad config keeps the running one), SIGTERM exits 0, a port in use exits 2.
@Suite("gpusched serve process", .serialized)
struct ServeProcessTests {
    static func config(port: Int, models: [String], backendPort: Int, policy: String = "least-outstanding") -> String {
        var text = "kind: serve\nlisten: 127.0.0.1:\(port)\nhealth:\n  interval: 0.2\npools:\n"
        for model in models {
            text += "  - model: \(model)\n    policy: \(policy)\n    backends: [http://127.0.0.1:\(backendPort)]\n"
        }
        return text
    }

    @Test("unreachable backends: it starts and is not ready; SIGHUP reloads; a bad config is kept out; SIGTERM exits 0")
    func lifecycle() throws {
        let ports = try FreePort.several(2)
        let (port, deadPort) = (ports[0], ports[1])
        let path = try TemporaryFiles.file(Self.config(port: port, models: ["alpha"], backendPort: deadPort))
        let server = try BackgroundProcess.start(["serve", path, "--log-level", "info"])
        defer { server.stop() }
        try server.waitUntilReady(url: "http://127.0.0.1:\(port)/health")
        #expect(SyncHTTP.get("http://127.0.0.1:\(port)/ready").status == 503)
        #expect(server.stderr.contains("backend down"))
        #expect(SyncHTTP.get("http://127.0.0.1:\(port)/v1/models").body.contains(#""id":"alpha""#))

        try Self.config(port: port, models: ["alpha", "beta"], backendPort: deadPort).write(toFile: path, atomically: true, encoding: .utf8)
        server.send(SIGHUP)
        #expect(SyncHTTP.poll("http://127.0.0.1:\(port)/v1/models") { $0.body.contains(#""id":"beta""#) })

        try Self.config(port: port, models: ["gamma"], backendPort: deadPort, policy: "fastest")
            .write(toFile: path, atomically: true, encoding: .utf8)
        server.send(SIGHUP)
        #expect(SyncHTTP.poll(timeout: 5) { server.stderr.contains("config reload failed") })
        #expect(SyncHTTP.get("http://127.0.0.1:\(port)/v1/models").body.contains(#""id":"beta""#))

        let unknown = SyncHTTP.post("http://127.0.0.1:\(port)/v1/completions", body: #"{"model":"gamma","prompt":"x"}"#)
        #expect(unknown.status == 404)
        #expect(server.stop() == 0)
    }

    @Test("a listen address in use is one line and exit 2; a bad config is exit 2 with its key path")
    func badStarts() throws {
        let ports = try FreePort.several(2)
        let path = try TemporaryFiles.file(Self.config(port: ports[0], models: ["alpha"], backendPort: ports[1]))
        let server = try BackgroundProcess.start(["serve", path])
        defer { server.stop() }
        try server.waitUntilReady(url: "http://127.0.0.1:\(ports[0])/health")
        let second = try CLIRunner.run(["serve", path])
        #expect(second.exitCode == 2)
        #expect(second.stderrLines.last == "error: listen address 127.0.0.1:\(ports[0]) is already in use")

        let badPolicy = try TemporaryFiles.file(Self.config(port: ports[0], models: ["alpha"], backendPort: ports[1], policy: "fastest"))
        let refused = try CLIRunner.run(["serve", badPolicy])
        #expect(refused.exitCode == 2)
        #expect(refused.stderr.contains("pools[0].policy"))
        let badListen = try CLIRunner.run(["serve", path, "--listen", "127.0.0.1:99999"])
        #expect(badListen.exitCode == 2)
        #expect(badListen.stderr.hasPrefix("error: --listen"))
    }
}

/// Blocking HTTP for process tests (Foundation only).
enum SyncHTTP {
    struct Answer {
        var status: Int
        var body: String
    }

    static func get(_ url: String) -> Answer {
        guard let target = URL(string: url) else { return Answer(status: 0, body: "bad URL \(url)") }
        return send(URLRequest(url: target))
    }

    static func post(_ url: String, body: String, headers: [String: String] = [:]) -> Answer {
        guard let target = URL(string: url) else { return Answer(status: 0, body: "bad URL \(url)") }
        var request = URLRequest(url: target)
        request.httpMethod = "POST"
        request.httpBody = Data(body.utf8)
        request.setValue("application/json", forHTTPHeaderField: "content-type")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        return send(request)
    }

    /// Polls `url` until `accept` holds (at most `timeout` seconds).
    static func poll(_ url: String, timeout: Double = 5, _ accept: (Answer) -> Bool) -> Bool {
        poll(timeout: timeout) { accept(get(url)) }
    }

    static func poll(timeout: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return condition()
    }

    static func send(_ request: URLRequest) -> Answer {
        var request = request
        request.timeoutInterval = 10
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var answer = Answer(status: 0, body: "")
        URLSession.shared.dataTask(with: request) { data, response, _ in
            answer = Answer(
                status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: data.map { String(decoding: $0, as: UTF8.self) } ?? "")
            done.signal()
        }.resume()
        _ = done.wait(timeout: .now() + 15)
        return answer
    }
}
