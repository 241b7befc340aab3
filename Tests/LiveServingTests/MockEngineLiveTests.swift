import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
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
        try engine.waitUntilReady(url: "http://127.0.0.1:\(port)/health")
        #expect(engine.stdout.contains("serving 'llama-3.1-70b'"))

        // The model's time for this request's prefill iteration, and for its first decode.
        let model = try Catalog.builtin.requireModel(named: "llama-3.1-70b")
        let gpu = try Catalog.builtin.requireGPU(named: "H100-80GB")
        let roofline = RooflineModel(model: model, gpu: gpu, layout: ParallelLayout(tensorParallel: 4, pipelineParallel: 1))
        var prefill = BatchShape()
        prefill.addPrefillChunk(tokens: 6_000, context: 0)
        let expectedFirst = roofline.iterationSeconds(prefill)
        let expectedDecode = roofline.iterationSeconds(BatchShape(decodeStreams: 1, decodeContextTokens: 6_001))

        let body: [String: Any] = [
            "model": "llama-3.1-70b", "prompt": PromptTokens.text(tokens: 6_000, seed: 5), "max_tokens": 2, "stream": true,
        ]
        let events = try await StreamRecorder.post(
            url: "http://127.0.0.1:\(port)/v1/completions", body: try JSONSerialization.data(withJSONObject: body))
        #expect(events.status == 200)
        var parser = ServerSentEventParser()
        var tokens: [(Double, String)] = []
        var payloads: [String] = []
        for (seconds, bytes) in events.chunks {
            for payload in try parser.feed(bytes) {
                let text = String(decoding: payload, as: UTF8.self)
                payloads.append(text)
                if text != ServerSentEvents.done, let chunk = try? CompletionPayload(json: payload), !chunk.text.isEmpty {
                    tokens.append((seconds, chunk.text))
                }
            }
        }
        #expect(payloads.last == ServerSentEvents.done)
        try #require(tokens.count == 2)
        // Measured from the request's send: loopback and HTTP add a little to the model's time.
        let ttft = tokens[0].0
        #expect(ttft >= expectedFirst * 0.9 && ttft <= expectedFirst * 1.1 + 0.005, "TTFT \(ttft) s, model \(expectedFirst) s")
        let gap = tokens[1].0 - tokens[0].0
        #expect(abs(gap - expectedDecode) <= max(0.1 * expectedDecode, 0.002) + 0.003, "ITL \(gap) s, model \(expectedDecode) s")
        #expect(engine.stop() == 0)
    }

    @Test func aTakenPortAndUnknownNamesExitTwo() throws {
        let port = try FreePort.next()
        let first = try BackgroundProcess.start(["mock-engine", "--model", "llama-3.1-8b", "--gpu", "H100-80GB", "--port", "\(port)"])
        defer { first.stop() }
        try first.waitUntilReady(url: "http://127.0.0.1:\(port)/health")
        let taken = try CLIRunner.run(["mock-engine", "--model", "llama-3.1-8b", "--gpu", "H100-80GB", "--port", "\(port)"])
        #expect(taken.exitCode == 2)
        #expect(taken.stderr.contains("already in use"))
        let gpu = try CLIRunner.run(["mock-engine", "--model", "llama-3.1-8b", "--gpu", "H100-80B"])
        #expect(gpu.exitCode == 2)
        #expect(gpu.stderr.contains("--gpu: unknown GPU 'H100-80B'"))
        let tp = try CLIRunner.run(["mock-engine", "--model", "llama-3.1-8b", "--gpu", "H100-80GB", "--tp", "3"])
        #expect(tp.exitCode == 2)
        #expect(tp.stderr.contains("does not divide"))
    }
}

/// Posts a JSON body and records each piece of the response body with the seconds since the send.
final class StreamRecorder: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let lock = NSLock()
    private var chunks: [(Double, [UInt8])] = []
    private var status = 0
    private var continuation: CheckedContinuation<(status: Int, chunks: [(Double, [UInt8])]), any Error>?
    private var start = ContinuousClock.now

    static func post(url: String, body: Data) async throws -> (status: Int, chunks: [(Double, [UInt8])]) {
        let recorder = StreamRecorder()
        let session = URLSession(configuration: .ephemeral, delegate: recorder, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        var request = URLRequest(url: try #require(URL(string: url)))
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.timeoutInterval = 20
        return try await withCheckedThrowingContinuation { continuation in
            recorder.lock.withLock {
                recorder.continuation = continuation
                recorder.start = .now
            }
            session.dataTask(with: request).resume()
        }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        lock.withLock { status = (response as? HTTPURLResponse)?.statusCode ?? 0 }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        lock.withLock { chunks.append((seconds, Array(data))) }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let (continuation, result) = lock.withLock { () -> (CheckedContinuation<(status: Int, chunks: [(Double, [UInt8])]), any Error>?, (Int, [(Double, [UInt8])])) in
            defer { self.continuation = nil }
            return (self.continuation, (status, chunks))
        }
        if let error { continuation?.resume(throwing: error) } else { continuation?.resume(returning: (result.0, result.1)) }
    }
}
