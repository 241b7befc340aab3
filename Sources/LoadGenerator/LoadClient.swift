import AsyncHTTPClient
import Foundation
import InferenceAPI
import NIOCore
import NIOHTTP1

/// Sends one request of a load run over the shared `HTTPClient` and measures it: the time to the
/// first content token, each gap between content tokens, the last token, the end of the response,
/// the tokens counted and the server's usage, or why it failed.
///
/// ```swift
/// let outcome = await LoadClient(client: http, settings: settings, clock: clock, start: start)
///     .send(body, sentAt: clock.now) { gap in print(gap) }
/// ```
public struct LoadClient: Sendable {
    /// The shared HTTP client (one for the whole run, its pool sized for `maxInFlight`).
    public let client: HTTPClient
    public let settings: LoadSettings
    public let clock: ContinuousClock
    /// The run's start: `RequestOutcome.sentAt` counts from it.
    public let start: ContinuousClock.Instant

    /// Longest error body read (bytes); the rest is discarded.
    static let errorBodyLimit = 64 * 1024
    /// Longest non-streaming response read (bytes).
    static let responseLimit = 64 * 1024 * 1024

    public init(client: HTTPClient, settings: LoadSettings, clock: ContinuousClock, start: ContinuousClock.Instant) {
        self.client = client
        self.settings = settings
        self.clock = clock
        self.start = start
    }

    /// An HTTP client for a run: HTTP/1.1 with a connection pool of `maxInFlight` per host, the
    /// connect timeout of `settings`. Shut it down after the run (`shutdown()`).
    public static func makeHTTPClient(_ settings: LoadSettings) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(1, settings.maxInFlight))
        configuration.timeout = .init(connect: .nanoseconds(Int64(settings.connectTimeout * 1e9)))
        configuration.httpVersion = .http1Only
        configuration.decompression = .disabled
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Posts `body` (sent now) and measures the answer; `gap` hears each inter-token gap in seconds.
    public func send(_ body: [UInt8], gap: (Double) -> Void) async -> RequestOutcome {
        var request = HTTPClientRequest(url: settings.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: settings.stream ? "text/event-stream" : "application/json")
        request.body = .bytes(ByteBuffer(bytes: body))
        let sent = clock.now
        var outcome = RequestOutcome(sentAt: Self.seconds(start.duration(to: sent)))
        let deadline = NIODeadline.now() + .nanoseconds(Int64(settings.requestTimeout * 1e9))
        do {
            let response = try await client.execute(request, deadline: deadline)
            guard (200..<300).contains(response.status.code) else {
                _ = try? await response.body.collect(upTo: Self.errorBodyLimit)
                outcome.failure = .http(Int(response.status.code))
                return outcome
            }
            if settings.stream {
                try await readStream(response, sent: sent, into: &outcome, gap: gap)
            } else {
                let bytes = try await response.body.collect(upTo: Self.responseLimit)
                outcome.e2e = Self.seconds(sent.duration(to: clock.now))
                if let payload = try? CompletionPayload(json: bytes.readableBytesView),
                   payload.errorMessage == nil, let tokens = payload.usage?.completionTokens {
                    outcome.usageTokens = tokens
                } else {
                    outcome.failure = .badResponse
                }
            }
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            outcome.failure = .timeout
        } catch {
            // Connection refused, reset or not made within the connect timeout, or the body broke off.
            outcome.failure = .transport
        }
        return outcome
    }

    /// Reads the SSE stream: content chunks, usage, an error event, `[DONE]`.
    private func readStream(_ response: HTTPClientResponse, sent: ContinuousClock.Instant, into outcome: inout RequestOutcome,
                            gap: (Double) -> Void) async throws {
        var parser = ServerSentEventParser()
        var previous: ContinuousClock.Instant?
        var done = false
        for try await buffer in response.body {
            let now = clock.now
            let payloads: [[UInt8]]
            do { payloads = try parser.feed(buffer.readableBytesView) } catch {
                outcome.failure = .badResponse
                return
            }
            for payload in payloads {
                if payload.elementsEqual(ServerSentEvents.done.utf8) {
                    done = true
                    continue
                }
                guard let chunk = try? CompletionPayload(json: payload) else {
                    outcome.failure = .badResponse
                    continue
                }
                if chunk.errorMessage != nil { outcome.failure = .streamError }
                if let tokens = chunk.usage?.completionTokens { outcome.usageTokens = tokens }
                guard !chunk.text.isEmpty else { continue }
                outcome.chunks += 1
                let sinceSend = Self.seconds(sent.duration(to: now))
                if let previous { gap(Self.seconds(previous.duration(to: now))) } else { outcome.ttft = sinceSend }
                outcome.lastToken = sinceSend
                previous = now
            }
        }
        outcome.e2e = Self.seconds(sent.duration(to: clock.now))
        if outcome.failure == nil {
            if !done { outcome.failure = .incompleteStream } else if outcome.chunks == 0 { outcome.failure = .badResponse }
        }
    }

    /// A duration in seconds.
    static func seconds(_ duration: Duration) -> Double {
        let (whole, fraction) = duration.components
        return Double(whole) + Double(fraction) * 1e-18
    }
}
