import Foundation
import HTTPTypes
import Hummingbird
import InferenceAPI
import NIOCore

extension RouterServer {
    /// The HTTP routes.
    func makeRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.post("/v1/chat/completions") { request, _ in await self.complete(request, endpoint: .chat) }
        router.post("/v1/completions") { request, _ in await self.complete(request, endpoint: .text) }
        router.get("/v1/models") { request, _ in
            let serving = self.current
            if let error = self.authorizationError(request, serving) { return ErrorResponses.make(error, requestID: nil) }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: serving.modelsBody))
        }
        router.get("/health") { _, _ in ErrorResponses.json(Array(#"{"status":"ok"}"#.utf8)) }
        router.get("/ready") { _, _ in self.readiness() }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: self.metrics.render())))
        }
        return router
    }

    /// 200 when every pool has a backend up, else 503; the body counts each pool's backends up.
    func readiness() -> Response {
        let serving = current
        var up: [String: Int] = [:]
        for pool in serving.pools { up[pool.model] = pool.views.filter { $0.available || $0.inFlight > 0 }.count }
        let ready = serving.pools.allSatisfy(\.isReady)
        let body = (try? JSONSerialization.data(withJSONObject: ["ready": ready, "backendsUp": up], options: [.sortedKeys])) ?? Data()
        return ErrorResponses.json(Array(body), status: ready ? .ok : .serviceUnavailable)
    }

    /// 401 when the config has API keys and the request carries none of them.
    func authorizationError(_ request: Request, _ serving: ServingSnapshot) -> InferenceAPIError? {
        guard !serving.apiKeys.isEmpty else { return nil }
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
              serving.apiKeys.contains(String(header.dropFirst(7)))
        else { return ErrorResponses.unauthorized() }
        return nil
    }

    /// A completion request: checked (key, concurrency, size, JSON, model), then proxied.
    func complete(_ request: Request, endpoint: CompletionEndpoint) async -> Response {
        let arrival = MonotonicClock.seconds()
        let serving = current
        let requestID = identity.id(header: request.headers[ErrorResponses.requestIDField])
        let endpointLabel = endpoint == .chat ? "chat" : "completions"
        func refuse(_ error: InferenceAPIError, model: String = "unknown") -> Response {
            metrics.countRequest(model: model, endpoint: endpointLabel, status: error.status)
            return ErrorResponses.make(error, requestID: requestID)
        }
        if let error = authorizationError(request, serving) { return refuse(error) }
        let limits = serving.config.limits
        if active.add(1, ordering: .relaxed).newValue > limits.maxConcurrentRequests {
            active.subtract(1, ordering: .relaxed)
            for pool in serving.pools.prefix(1) { pool.metrics.countRejection(reason: "overload") }
            return refuse(ErrorResponses.overloaded())
        }
        var release = true
        defer { if release { active.subtract(1, ordering: .relaxed) } }
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limits.maxBodyBytes {
            return refuse(ErrorResponses.tooLarge(limit: limits.maxBodyBytes))
        }
        let body: ByteBuffer
        do { body = try await request.body.collect(upTo: limits.maxBodyBytes) } catch is NIOTooManyBytesError {
            return refuse(ErrorResponses.tooLarge(limit: limits.maxBodyBytes))
        } catch {
            return refuse(InferenceAPIError.invalidRequest("the request body could not be read"))
        }
        let parsed: CompletionRequest
        do { parsed = try CompletionRequest(body: body.readableBytesView, endpoint: endpoint) } catch { return refuse(error) }
        guard let pool = serving.poolsByModel[parsed.model] else {
            guard let cascade = serving.cascades[parsed.model] else { return refuse(ErrorResponses.unknownModel(parsed.model)) }
            let response = await answer(cascade, body: body, request: parsed, requestID: requestID)
            metrics.countRequest(model: cascade.config.name, endpoint: endpointLabel, status: response.status.code)
            return response
        }
        let headerClass = pool.classifier.classHeader.flatMap { HTTPField.Name($0) }.flatMap { request.headers[$0] }
        let routed: RoutedRequest
        do { routed = try pool.classifier.routed(parsed, id: requestID, headerClass: headerClass) } catch {
            return refuse(error, model: pool.model)
        }
        release = false
        let model = pool.model
        let call = ProxyCall(
            body: body, request: parsed, routed: routed,
            requestID: requestID, arrival: arrival,
            onEnd: { [self] status in
                active.subtract(1, ordering: .relaxed)
                metrics.countRequest(model: model, endpoint: endpointLabel, status: status)
            })
        let proxy = CompletionProxy(client: client, retry: serving.config.retry, timeouts: serving.config.timeouts, logger: logger)
        return await proxy.respond(call, pool: pool)
    }
}

extension RouterServer {
    /// A cascade's one answer: JSON, or for a client that asked for a stream, the answer as one
    /// event stream; with the cascade's headers (stage, model, outcome, scores, judge seconds).
    func answer(_ cascade: CascadePolicy, body: ByteBuffer, request: CompletionRequest, requestID: String) async -> Response {
        let answer: CascadeAnswer
        do { answer = try await cascade.answer(body: Array(body.readableBytesView), request: request, requestID: requestID) } catch {
            return ErrorResponses.make(error, requestID: requestID)
        }
        var headers = HTTPFields()
        headers[ErrorResponses.requestIDField] = requestID
        for (name, value) in answer.headers {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        if request.stream, answer.completion.succeeded {
            headers[.contentType] = "text/event-stream"
            let frames = answer.streamFrames(endpoint: request.endpoint, includeUsage: request.includeUsage)
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: frames)))
        }
        headers[.contentType] = "application/json"
        return Response(
            status: .init(code: answer.completion.status), headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: answer.completion.body)))
    }
}
