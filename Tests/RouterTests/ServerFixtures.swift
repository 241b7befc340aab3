import AsyncHTTPClient
import Foundation
import GPUSchedTestSupport
import Hummingbird
import InferenceAPI
import Logging
import NIOCore
import Router
import Synchronization

/// Picks the available backend with the fewest requests in flight (lowest index on ties); holds
/// when none is available, or when `capacity` is set and every backend has that many in flight.
/// Test-only: the config helper's policies are tested on their own.
struct FewestInFlightTestPolicy: RoutingPolicy {
    var capacity: Int?
    var name: String { "test-fewest" }

    mutating func route(_ request: RoutedRequest, backends: [BackendView]) -> RoutingDecision {
        let candidates = backends.filter { view in view.available && capacity.map { view.inFlight < $0 } ?? true }
        guard let best = candidates.min(by: { ($0.inFlight, $0.index) < ($1.inFlight, $1.index) }) else {
            return .hold(reason: "full")
        }
        return .send(backend: best.index, reason: "fewest")
    }
}

/// How a fake backend answers completions.
enum FakeBehaviour: Sendable {
    /// JSON for plain requests; for streams `chunks` events then `data: [DONE]`.
    case normal(chunks: Int)
    /// Answers every completion with this status.
    case status(Int)
    /// Streams `chunks` events, then drops the connection (no [DONE]).
    case breakAfter(chunks: Int)
    /// Waits, then answers like `.normal`.
    case slow(seconds: Double, chunks: Int)
}

/// An OpenAI-compatible fake engine, in process, on a free loopback port: counts the completions
/// it receives and remembers the last body and headers.
final class FakeBackend: Sendable {
    let port: Int
    let name: String
    private let record = FakeRecord()
    private let task: Task<Void, Never>

    /// What a fake saw.
    final class FakeRecord: Sendable {
        let received = Atomic<Int>(0)
        let lastBody = Mutex<[UInt8]>([])
        let lastHeaders = Mutex<[String: String]>([:])
    }

    /// Completions received.
    var received: Int { record.received.load(ordering: .relaxed) }
    /// The last completion's body.
    var lastBody: [UInt8] { record.lastBody.withLock { $0 } }
    /// The last completion's headers, names lowercased.
    var lastHeaders: [String: String] { record.lastHeaders.withLock { $0 } }

    var url: String { "http://127.0.0.1:\(port)" }

    /// The event stream a `.normal(chunks:)` fake sends.
    static func stream(name: String, chunks: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        for index in 0..<chunks {
            bytes += ServerSentEvents.frame(Array(#"{"backend":"\#(name)","index":\#(index)}"#.utf8))
        }
        return bytes + ServerSentEvents.doneFrame
    }

    static func answer(name: String) -> [UInt8] { Array(#"{"backend":"\#(name)","object":"text_completion"}"#.utf8) }

    init(name: String, behaviour: FakeBehaviour) async throws {
        self.name = name
        port = try FreePort.next()
        let router = Router()
        let record = self.record
        let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 24)
            record.received.add(1, ordering: .relaxed)
            record.lastBody.withLock { $0 = Array(body.readableBytesView) }
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            record.lastHeaders.withLock { $0 = headers }
            let stream = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any])?["stream"] as? Bool ?? false
            var chunks = 3
            switch behaviour {
            case .status(let code):
                return Response(
                    status: .init(code: code), headers: [.contentType: "application/json"],
                    body: .init(byteBuffer: ByteBuffer(string: #"{"error":{"message":"fake failure"}}"#)))
            case .slow(let seconds, let count):
                try await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
                chunks = count
            case .normal(let count): chunks = count
            case .breakAfter(let count):
                return Response(
                    status: .ok, headers: [.contentType: "text/event-stream"],
                    body: ResponseBody { writer in
                        for index in 0..<count {
                            try await writer.write(
                                ByteBuffer(bytes: ServerSentEvents.frame(Array(#"{"backend":"\#(name)","index":\#(index)}"#.utf8))))
                            try await Task.sleep(for: .milliseconds(5))
                        }
                        throw CancellationError()
                    })
            }
            guard stream else {
                return Response(
                    status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: Self.answer(name: name))))
            }
            let events = Self.stream(name: name, chunks: chunks)
            return Response(
                status: .ok, headers: [.contentType: "text/event-stream"],
                body: ResponseBody { writer in
                    // One write per event, as an engine sends them.
                    var start = 0
                    while start < events.count {
                        var end = start
                        while end + 1 < events.count, !(events[end] == 10 && events[end + 1] == 10) { end += 1 }
                        end = min(events.count, end + 2)
                        try await writer.write(ByteBuffer(bytes: events[start..<end]))
                        try await Task.sleep(for: .milliseconds(2))
                        start = end
                    }
                    try await writer.finish(nil)
                })
        }
        router.post("/v1/chat/completions", use: handler)
        router.post("/v1/completions", use: handler)
        router.get("/health") { _, _ in "ok" }
        var logger = Logger(label: "fake")
        logger.logLevel = .critical
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
        task = Task { try? await app.run() }
        try await waitForHealth(url: "http://127.0.0.1:\(port)/health")
    }

    func stop() { task.cancel() }

    /// Stops it and waits until its port refuses connections.
    func stopAndWait() async {
        task.cancel()
        _ = await task.value
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline,
              (try? await testClient.execute(HTTPClientRequest(url: url + "/health"), timeout: .milliseconds(200))) != nil {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}

/// A router started in process on a free port, and a client to it.
final class RouterHarness: Sendable {
    let port: Int
    let server: RouterServer
    private let task: Task<Void, any Error>

    var url: String { "http://127.0.0.1:\(port)" }

    init(config: ServeConfig, reload: (@Sendable () throws -> ServeConfig)? = nil) async throws {
        var config = config
        port = try FreePort.next()
        config.listen = ListenAddress(host: "127.0.0.1", port: port)
        var logger = Logger(label: "router-test")
        logger.logLevel = .critical
        server = try RouterServer(
            config: config, makePolicy: { _ in FewestInFlightTestPolicy() }, reloadConfig: reload, logger: logger, drainSeconds: 5)
        let server = self.server
        task = Task { try await server.run(gracefulShutdownSignals: [], reloadOnHangup: false) }
        try await waitForHealth(url: "http://127.0.0.1:\(port)/health")
    }

    func stop() async {
        task.cancel()
        _ = await task.result
    }

    /// Waits until the server's `run` returned.
    func waitUntilStopped() async {
        _ = await task.result
    }
}

struct NotAnswering: Error, CustomStringConvertible {
    var url: String
    var description: String { "\(url) did not answer" }
}

/// A shared client for the tests' requests.
let testClient = HTTPClient(eventLoopGroupProvider: .singleton)

/// Polls `url` until it answers 2xx (at most 60 s: generous, as other suites running beside these
/// may block the cooperative threads for a while).
func waitForHealth(url: String) async throws {
    let deadline = ContinuousClock.now + .seconds(60)
    while ContinuousClock.now < deadline {
        if let response = try? await testClient.execute(HTTPClientRequest(url: url), timeout: .seconds(1)),
           (200..<300).contains(response.status.code) {
            return
        }
        try await Task.sleep(for: .milliseconds(20))
    }
    throw NotAnswering(url: url)
}

/// A POST of `body` to `url`; returns status, headers and the whole body.
func post(
    _ url: String, body: String, headers: [(String, String)] = []
) async throws -> (status: Int, headers: [String: String], body: [UInt8]) {
    var request = HTTPClientRequest(url: url)
    request.method = .POST
    request.headers.add(name: "content-type", value: "application/json")
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    request.body = .bytes(ByteBuffer(string: body))
    let response = try await testClient.execute(request, timeout: .seconds(20))
    let bytes = try await response.body.collect(upTo: 1 << 24)
    var fields: [String: String] = [:]
    for header in response.headers { fields[header.name.lowercased()] = header.value }
    return (Int(response.status.code), fields, Array(bytes.readableBytesView))
}

/// A GET of `url`; returns status and body text.
func get(_ url: String) async throws -> (status: Int, body: String) {
    let response = try await testClient.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
    let bytes = try await response.body.collect(upTo: 1 << 24)
    return (Int(response.status.code), String(buffer: bytes))
}

/// The OpenAI error object of an error body.
func errorObject(_ body: [UInt8]) -> [String: Any]? {
    (try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])?["error"] as? [String: Any]
}

/// A chat body for `model`.
func chatBody(model: String, stream: Bool, prompt: String = "hello there") -> String {
    #"{"model":"\#(model)","stream":\#(stream),"messages":[{"role":"user","content":"\#(prompt)"}],"max_tokens":8}"#
}

/// A pool config of `urls` with fast health probes.
func poolConfig(_ model: String, _ urls: [String], admission: AdmissionConfig = AdmissionConfig()) -> PoolConfig {
    PoolConfig(model: model, policy: .leastOutstanding, backends: urls.map { BackendConfig(url: $0) }, admission: admission)
}
