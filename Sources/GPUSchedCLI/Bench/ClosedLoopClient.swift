import AsyncHTTPClient
import Foundation
import NIOCore
import Synchronization

/// A closed-loop HTTP load: `concurrency` workers, each sending its next request when its last one
/// has been answered in full, until `requests` have been sent; worker i sends to `urls[i % count]`.
/// Latency is send → last byte of the body, on the monotonic clock.
///
/// ```swift
/// let run = await ClosedLoopClient.run(client: client, urls: ["http://127.0.0.1:9001/v1/completions"],
///                                      body: body, requests: 2_000, concurrency: 64)
/// print(run.latencies.count, run.wallSeconds)
/// ```
enum ClosedLoopClient {
    /// What one run measured.
    struct Run: Sendable {
        /// Latencies of the successful requests, seconds, sorted.
        var latencies: [Double]
        /// Requests that failed (transport error or a status other than 200).
        var failures: Int
        /// Wall time of the whole run, seconds.
        var wallSeconds: Double
        /// The first failure's description, if any.
        var firstFailure: String?

        /// The q-quantile of the latencies (nearest rank), NaN when none succeeded.
        func quantile(_ q: Double) -> Double {
            guard !latencies.isEmpty else { return .nan }
            let rank = Int((q * Double(latencies.count)).rounded(.up)) - 1
            return latencies[min(max(rank, 0), latencies.count - 1)]
        }

        /// Successful requests per second of wall time.
        var requestsPerSecond: Double { Double(latencies.count) / wallSeconds }
    }

    /// Most bytes of a response body read.
    static let maximumBodyBytes = 1 << 20

    static func run(
        client: HTTPClient, urls: [String], body: ByteBuffer, requests: Int, concurrency: Int, timeoutSeconds: Int64 = 30
    ) async -> Run {
        let remaining = Countdown(requests)
        let start = ContinuousClock.now
        let results = await withTaskGroup(of: ([Double], Int, String?).self) { group in
            for worker in 0..<max(1, concurrency) {
                let url = urls[worker % urls.count]
                group.addTask {
                    var latencies: [Double] = []
                    latencies.reserveCapacity(requests / max(1, concurrency) + 1)
                    var failures = 0
                    var firstFailure: String?
                    while remaining.take() {
                        var request = HTTPClientRequest(url: url)
                        request.method = .POST
                        request.headers.add(name: "content-type", value: "application/json")
                        request.body = .bytes(body)
                        let sent = ContinuousClock.now
                        do {
                            let response = try await client.execute(request, timeout: .seconds(timeoutSeconds))
                            _ = try await response.body.collect(upTo: maximumBodyBytes)
                            if response.status == .ok {
                                latencies.append(Self.seconds(ContinuousClock.now - sent))
                            } else {
                                failures += 1
                                if firstFailure == nil { firstFailure = "HTTP \(response.status.code) from \(url)" }
                            }
                        } catch {
                            failures += 1
                            if firstFailure == nil { firstFailure = "\(error) from \(url)" }
                        }
                    }
                    return (latencies, failures, firstFailure)
                }
            }
            var merged: ([Double], Int, String?) = ([], 0, nil)
            for await part in group {
                merged.0 += part.0
                merged.1 += part.1
                merged.2 = merged.2 ?? part.2
            }
            return merged
        }
        let wall = seconds(ContinuousClock.now - start)
        return Run(latencies: results.0.sorted(), failures: results.1, wallSeconds: wall, firstFailure: results.2)
    }

    static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}

/// Requests left to send, shared by the workers.
private final class Countdown: Sendable {
    private let left: Atomic<Int>

    init(_ count: Int) { left = Atomic(count) }

    /// Claims one request; false when none is left.
    func take() -> Bool { left.subtract(1, ordering: .relaxed).oldValue > 0 }
}
