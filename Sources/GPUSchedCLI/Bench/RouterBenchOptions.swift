import ArgumentParser
import Foundation

/// The flags of `gpusched bench router`.
///
/// ```
/// gpusched bench router --requests 20000 --concurrency 1,64 --repeats 5
/// gpusched bench router --backends http://127.0.0.1:9001,http://127.0.0.1:9002 --peer http://127.0.0.1:8100
/// ```
struct RouterBenchOptions: ParsableArguments {
    @Option(name: .long, help: "Router benchmark: comma-separated backend URLs (default: two instant mock engines it starts).")
    var backends: String?

    @Option(name: .long, help: "Router benchmark: another router in front of the same backends, measured beside GPUSched's.")
    var peer: String?

    @Option(name: .long, help: "Router benchmark: the peer's name in the report.")
    var peerName = "peer"

    @Option(name: .long, help: "Router benchmark: comma-separated closed-loop concurrencies.")
    var concurrency = "1,64"

    @Option(name: .long, help: "Router benchmark: the model the backends serve.")
    var model = "llama-3.1-8b"

    @Option(name: .long, help: "Router benchmark: the router's policy.")
    var policy = "round-robin"

    /// The benchmark's settings, checked; `requests` and `repeats` come from the bench command.
    func settings(requests: Int, repeats: Int) throws -> RouterBenchmark.Settings {
        let backendList = try (backends ?? "").split(separator: ",").map { try Self.url(String($0), flag: "--backends") }
        let peerURL = try peer.map { try Self.url($0, flag: "--peer") }
        var concurrencies: [Int] = []
        for part in concurrency.split(separator: ",") {
            guard let value = Int(part.trimmingCharacters(in: .whitespaces)), (1...RouterBenchmark.maximumConcurrency).contains(value) else {
                throw InputError("--concurrency: each value must be an integer between 1 and \(RouterBenchmark.maximumConcurrency), got '\(part)'")
            }
            concurrencies.append(value)
        }
        guard !concurrencies.isEmpty else { throw InputError("--concurrency: give at least one value") }
        guard (1...RouterBenchmark.maximumRequests).contains(requests) else {
            throw InputError("--requests must be between 1 and \(RouterBenchmark.maximumRequests) for the router benchmark, got \(requests)")
        }
        return RouterBenchmark.Settings(
            backends: backendList, peer: peerURL, peerName: peerName, requests: requests, concurrencies: concurrencies,
            repeats: repeats, model: model, policy: policy)
    }

    private static func url(_ text: String, flag: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let url = URL(string: trimmed), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            throw InputError("\(flag): '\(trimmed)' is not an http(s) URL")
        }
        return trimmed.hasSuffix("/") ? String(trimmed.dropLast()) : trimmed
    }
}
