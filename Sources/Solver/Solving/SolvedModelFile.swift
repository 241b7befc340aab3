/// A model read from an MPS or LP file and solved: the result and the file's variable names, in
/// column order (`variableNames[i]` names `result.values[i]`).
public struct SolvedModelFile: Sendable {
    public var result: SolveResult
    /// The file's column names ("" for a column without one).
    public var variableNames: [String]

    public init(result: SolveResult, variableNames: [String]) {
        self.result = result
        self.variableNames = variableNames
    }
}
