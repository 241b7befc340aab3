/// Why a solve or export could not run. A model that is infeasible or unbounded is not an error:
/// it is a `SolveStatus`.
public enum SolverError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No HiGHS library was found; lists every place that was tried.
    case libraryNotFound(tried: [String])
    /// The library lacks a required C function.
    case missingSymbol(String, library: String)
    /// The library's integer width differs from the 32 bits this binding passes.
    case incompatibleLibrary(String)
    /// The model itself is malformed (NaN, crossed bounds, too large for 32-bit indices).
    case invalidModel(String)
    /// A backend option was rejected.
    case invalidOption(name: String, value: String)
    /// The backend failed outright.
    case backendFailure(String)

    public var description: String {
        switch self {
        case let .libraryNotFound(tried):
            return "HiGHS library not found (tried: \(tried.joined(separator: "; "))); run 'make setup' "
                + "to install it into .deps/highs, or set GPUSCHED_HIGHS_LIBRARY to a libhighs.so"
        case let .missingSymbol(symbol, library):
            return "HiGHS library \(library) lacks the C function \(symbol); install highspy==1.15.1 with 'make setup'"
        case let .incompatibleLibrary(detail):
            return "incompatible HiGHS library: \(detail)"
        case let .invalidModel(detail):
            return "invalid model: \(detail)"
        case let .invalidOption(name, value):
            return "solver option '\(name)' rejected value '\(value)'"
        case let .backendFailure(detail):
            return "solver failure: \(detail)"
        }
    }
}
