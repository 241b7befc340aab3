/// Why a report could not be made: one line for the user (exit 2 in the CLI).
/// ```
/// throw ReportError.badInput("evaluations[0].revenuePerGPU: missing")
/// ```
public enum ReportError: Error, Sendable, Equatable, CustomStringConvertible {
    case badInput(String)

    public var description: String {
        switch self {
        case .badInput(let message): message
        }
    }
}
