import HTTPTypes
import Hummingbird
import InferenceAPI
import NIOCore

extension CascadePolicy {
    /// The router's answer to a client request for the cascade: the one answer with the cascade's
    /// headers, as JSON, or as an event stream at the end when the client asked for one (a failed
    /// answer keeps its HTTP status and error body, since nothing was streamed yet); a cascade that
    /// got no answer at all is an OpenAI-style error.
    ///
    /// ```swift
    /// if let cascade = serving.cascades[parsed.model] {
    ///     return await cascade.respond(body: Array(body.readableBytesView), request: parsed, requestID: requestID)
    /// }
    /// ```
    public func respond(body: [UInt8], request: CompletionRequest, requestID: String) async -> Response {
        let answer: CascadeAnswer
        do {
            answer = try await self.answer(body: body, request: request, requestID: requestID)
        } catch {
            return ErrorResponses.make(error, requestID: requestID)
        }
        var headers = HTTPFields()
        headers[ErrorResponses.requestIDField] = requestID
        for (name, value) in answer.headers {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        let streamed = request.stream && answer.completion.succeeded
        headers[.contentType] = streamed ? "text/event-stream" : "application/json"
        let bytes = streamed
            ? answer.streamFrames(endpoint: request.endpoint, includeUsage: request.includeUsage)
            : answer.completion.body
        return Response(status: .init(code: answer.completion.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
