import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GPUSchedTestSupport
import InferenceAPI
import ServingModel
import Testing

/// `gpusched mock-engine` as a process on a free loopback port: one streamed request's first token
/// comes when the performance model says; bad flags exit 2 with one line.
@Suite(.serialized) struct MockEngineLiveTests {
    @Test func aStreamedRequestsFirstTokenComesAtTheModelsPrefillTime() async throws {
        let port = try FreePort.next()
        let engine = try BackgroundProcess.start([
            "mock-engine", "--model", "llama-3.1-70b", "--gpu", "H100-80GB", "--tp", "4", "--port", "\(port)",
        ])
        defer { engine.stop() }
        try await offPool { try engine.waitUntilReady(url: "http://127.0.0.1:\(port)/health") }
        #expect(engine.stdout.contains("serving 'llama-3.1-70b'"))

        // The model's time for this request's prefill iteration, and for its first decode.
        let model = try Catalog.builtin.requireModel(named: "llama-3.1-70b")
        let gpu = try Catalog.builtin.requireGPU(named: "H100-80GB")
        let roofline = RooflineModel(model: model, gpu: gpu, layout: ParallelLayout(tensorParallel: 4, pipelineParallel: 1))
        var prefill = BatchShape()
        prefill.addPrefillChunk(tokens: 6_000, context: 0)
        let expectedFirst = roofline.iterationSeconds(prefill)
        let expectedDecode = roofline.iterationSeconds(BatchShape(decodeStreams: 1, decodeContextTokens: 6_001))

        // A loaded machine only delays tokens: no attempt may be early, the best of three must be on
        // time (10 % or 2 ms, plus 5 ms for loopback HTTP).
        var onTime = false
        for attempt in 1...3 where !onTime {
            let body: [String: Any] = [
                "model": "llama-3.1-70b", "prompt": PromptTokens.text(tokens: 6_000, seed: UInt64(attempt)), "max_tokens": 2,
                "stream": true,
            ]
            let events = try await StreamRecorder.post(
                port: port, path: "/v1/completions", body: try JSONSerialization.data(withJSONObject: body))
            #expect(events.status == 200)
            var parser = ServerSentEventParser()
            var tokens: [Double] = []
            var payloads: [String] = []
            for (seconds, bytes) in events.chunks {
                for payload in try parser.feed(bytes) {
                    let text = String(decoding: payload, as: UTF8.self)
                    payloads.append(text)
                    if text != ServerSentEvents.done, let chunk = try? CompletionPayload(json: payload), !chunk.text.isEmpty {
                        tokens.append(seconds)
                    }
                }
            }
            #expect(payloads.last == ServerSentEvents.done)
            try #require(tokens.count == 2)
            let ttft = tokens[0]
            let gap = tokens[1] - tokens[0]
            #expect(ttft >= expectedFirst * 0.99, "TTFT \(ttft) s is earlier than the model's \(expectedFirst) s")
            #expect(tokens[1] >= (expectedFirst + expectedDecode) * 0.99)
            onTime = abs(ttft - expectedFirst) <= max(0.1 * expectedFirst, 0.002) + 0.005
                && abs(gap - expectedDecode) <= max(0.1 * expectedDecode, 0.002) + 0.005
            if !onTime { print("attempt \(attempt): TTFT \(ttft) s (model \(expectedFirst)), ITL \(gap) s (model \(expectedDecode))") }
        }
        #expect(onTime, "no attempt of three came within tolerance of the model's times")
        #expect(engine.stop() == 0)
    }

    @Test func aTakenPortAndUnknownNamesExitTwo() async throws {
        let port = try FreePort.next()
        let first = try BackgroundProcess.start(["mock-engine", "--model", "llama-3.1-8b", "--gpu", "H100-80GB", "--port", "\(port)"])
        defer { first.stop() }
        try await offPool { try first.waitUntilReady(url: "http://127.0.0.1:\(port)/health") }
        let taken = try await offPool { try CLIRunner.run(["mock-engine", "--model", "llama-3.1-8b", "--gpu", "H100-80GB", "--port", "\(port)"]) }
        #expect(taken.exitCode == 2)
        #expect(taken.stderr.contains("already in use"))
        let gpu = try await offPool { try CLIRunner.run(["mock-engine", "--model", "llama-3.1-8b", "--gpu", "H100-80B"]) }
        #expect(gpu.exitCode == 2)
        #expect(gpu.stderr.contains("--gpu: unknown GPU 'H100-80B'"))
        let tp = try await offPool { try CLIRunner.run(["mock-engine", "--model", "llama-3.1-8b", "--gpu", "H100-80GB", "--tp", "3"]) }
        #expect(tp.exitCode == 2)
        #expect(tp.stderr.contains("does not divide"))
    }
}

/// Runs blocking work (waiting for a process, polling a port) on a thread of its own, so the
/// cooperative pool (two threads on a two-core machine) stays free for the tests that keep time.
func offPool<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

/// A minimal HTTP/1.1 client over a blocking loopback socket, for timing: posts a JSON body and
/// records each piece of the (chunked) response body with the seconds since the request was sent.
/// Blocking, so it runs off the cooperative pool (`offPool`).
enum StreamRecorder {
    struct Failure: Error, CustomStringConvertible { var description: String }

    static func post(port: Int, path: String, body: Data) async throws -> (status: Int, chunks: [(Double, [UInt8])]) {
        try await offPool { try postBlocking(port: port, path: path, body: body) }
    }

    private static func postBlocking(port: Int, path: String, body: Data) throws -> (status: Int, chunks: [(Double, [UInt8])]) {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Failure(description: "socket() failed") }
        defer { close(socket) }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(description: "connect to port \(port) failed") }
        let head = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        let request = Array(head.utf8) + Array(body)
        let start = ContinuousClock.now
        guard request.withUnsafeBytes({ send(socket, $0.baseAddress, $0.count, 0) }) == request.count else {
            throw Failure(description: "send failed")
        }
        // Raw reads with their times; the head and the chunk framing are taken off below.
        var reads: [(Double, [UInt8])] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            let elapsed = ContinuousClock.now - start
            reads.append((Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18, Array(buffer[0..<count])))
        }
        var stream = reads.flatMap { read in read.1.map { (read.0, $0) } }
        guard let headEnd = (0..<max(0, stream.count - 3)).first(where: { index in
            stream[index].1 == 13 && stream[index + 1].1 == 10 && stream[index + 2].1 == 13 && stream[index + 3].1 == 10
        }) else { throw Failure(description: "no response head") }
        let headText = String(decoding: stream[0..<headEnd].map(\.1), as: UTF8.self)
        let status = headText.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        stream.removeFirst(headEnd + 4)
        // A body of known length (not chunked) is one piece, with the time its last byte arrived.
        if !headText.lowercased().contains("transfer-encoding: chunked") {
            return (status, stream.isEmpty ? [] : [(stream[stream.count - 1].0, stream.map(\.1))])
        }
        // Chunked transfer coding: <hex size>\r\n<data>\r\n … 0\r\n\r\n; each data piece keeps the
        // time its last byte arrived.
        var chunks: [(Double, [UInt8])] = []
        var position = 0
        while position < stream.count {
            guard let lineEnd = (position..<stream.count).first(where: { stream[$0].1 == 13 }),
                  let size = Int(String(decoding: stream[position..<lineEnd].map(\.1), as: UTF8.self), radix: 16) else { break }
            if size == 0 { break }
            let dataStart = lineEnd + 2
            guard dataStart + size <= stream.count else { break }
            chunks.append((stream[dataStart + size - 1].0, stream[dataStart..<dataStart + size].map(\.1)))
            position = dataStart + size + 2
        }
        return (status, chunks)
    }
}
