import HTTPTypes
import Hummingbird
import InferenceAPI
import NIOCore

/// OpenAI-style error answers (`{"error": {...}}`), with the request's id and, for 429, Retry-After.
enum ErrorResponses {
    static let requestIDField = HTTPField.Name("x-request-id")!
    static let retryAfterField = HTTPField.Name("retry-after")!

    /// The answer for `error`.
    static func make(_ error: InferenceAPIError, requestID: String?) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        if let requestID { headers[requestIDField] = requestID }
        if error.status == 429 || error.status == 503 { headers[retryAfterField] = "1" }
        return Response(status: .init(code: error.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: error.body())))
    }

    /// A JSON answer with status 200 (or `status`).
    static func json(_ bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func unauthorized() -> InferenceAPIError {
        InferenceAPIError(
            status: 401, message: "a valid API key is required: send 'Authorization: Bearer KEY'", type: "invalid_request_error",
            code: "invalid_api_key")
    }

    static func tooLarge(limit: Int) -> InferenceAPIError {
        InferenceAPIError(
            status: 413, message: "the request body exceeds the limit of \(limit) bytes", type: "invalid_request_error",
            code: "request_too_large")
    }

    static func unknownModel(_ model: String) -> InferenceAPIError {
        InferenceAPIError(
            status: 404, message: "the model '\(model)' does not exist here; GET /v1/models lists the models",
            type: "invalid_request_error", parameter: "model", code: "model_not_found")
    }

    static func overloaded() -> InferenceAPIError {
        InferenceAPIError(
            status: 429, message: "the router is at its limit of concurrent requests; retry later", type: "rate_limit_error",
            code: "overloaded")
    }
}
