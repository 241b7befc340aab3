import Foundation
import Planning

extension JSONValue {
    /// Parses `data` for a report; throws `ReportError` when it is not JSON (malformed or truncated).
    /// ```
    /// let value = try JSONValue.parse(Data(#"{"kind":"simulate"}"#.utf8))
    /// ```
    static func parse(_ data: Data) throws(ReportError) -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw .badInput("not valid JSON (malformed or truncated)")
        }
    }
}
