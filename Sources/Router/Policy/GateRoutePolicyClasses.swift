import Foundation
import InferenceAPI

/// How a request's gate-and-route class is found: the class header names it (by class name or
/// index), else its estimated prompt tokens pick the first class whose `maxPromptTokens` it fits,
/// else the last class.
///
/// ```swift
/// let index = try settings.classify(headerValue: headers["x-gpusched-class"], promptTokens: 812)
/// let routed = RoutedRequest(id: id, model: model, promptTokens: 812, requestClass: index)
/// ```
extension GateRouteSettings {
    /// The class index for a request: the header's class, or by prompt length when the header is
    /// absent. A header naming no class is the client's error (400 naming the header).
    public func classify(headerValue: String?, promptTokens: Int) throws(InferenceAPIError) -> Int {
        guard let raw = headerValue?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else {
            return classIndex(promptTokens: promptTokens)
        }
        if let index = classes.firstIndex(where: { $0.name == raw }) { return index }
        if let index = Int(raw), classes.indices.contains(index) { return index }
        let names = classes.map(\.name).joined(separator: ", ")
        throw .invalidRequest(
            "header \(classHeader): unknown class '\(raw.prefix(64))'; expected one of: \(names) (or an index 0...\(classes.count - 1))",
            parameter: classHeader)
    }

    /// The first class whose `maxPromptTokens` the prompt fits; the last class when it fits none.
    public func classIndex(promptTokens: Int) -> Int {
        classes.firstIndex { $0.maxPromptTokens.map { promptTokens <= $0 } ?? false } ?? max(0, classes.count - 1)
    }

    /// The request's class: `requestClass` when it is one of these classes, else by prompt length.
    public func classIndex(of request: RoutedRequest) -> Int {
        if let index = request.requestClass, classes.indices.contains(index) { return index }
        return classIndex(promptTokens: request.promptTokens)
    }
}
