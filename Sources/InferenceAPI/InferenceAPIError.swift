import Foundation

/// An error answered to an OpenAI-compatible client: an HTTP status and the OpenAI error body
/// `{"error": {"message": …, "type": …, "param": …, "code": …}}`.
///
/// ```swift
/// let error = InferenceAPIError.invalidRequest("'model' is required", parameter: "model")
/// let body = error.body()   // bytes of the JSON error object
/// ```
public struct InferenceAPIError: Error, Sendable, Hashable {
    /// The HTTP status code.
    public var status: Int
    /// One line saying what is wrong.
    public var message: String
    /// OpenAI's error type, e.g. `invalid_request_error`.
    public var type: String
    /// The request field at fault, if any.
    public var parameter: String?
    /// A short machine-readable code, if any (e.g. `model_not_found`).
    public var code: String?

    public init(status: Int, message: String, type: String, parameter: String? = nil, code: String? = nil) {
        self.status = status
        self.message = message
        self.type = type
        self.parameter = parameter
        self.code = code
    }

    /// 400: the request is malformed.
    public static func invalidRequest(_ message: String, parameter: String? = nil) -> InferenceAPIError {
        InferenceAPIError(status: 400, message: message, type: "invalid_request_error", parameter: parameter)
    }

    /// The error's JSON body.
    public func body() -> [UInt8] {
        var error: [String: Any] = ["message": message, "type": type]
        error["param"] = parameter ?? NSNull()
        error["code"] = code ?? NSNull()
        let data = (try? JSONSerialization.data(withJSONObject: ["error": error], options: [.sortedKeys])) ?? Data()
        return Array(data)
    }
}
