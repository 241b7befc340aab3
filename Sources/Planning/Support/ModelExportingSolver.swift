import Solver

/// A solver decorator that writes every model it is asked to solve to a file before solving it,
/// so `--export-model FILE.mps|.lp` works for every planner through the `LinearSolver` seam.
///
/// The first model goes to `path`, later ones to `stem-2.ext`, `stem-3.ext`, … up to
/// `maximumFiles`; `exported` lists the files written and `skipped` counts models past the cap.
/// A file that cannot be written is bad input: `PlanningError.badInput("--export-model: cannot write …")`.
/// ```
/// let solver = ModelExportingSolver(wrapping: HighsSolver(), path: "plan.mps")
/// let planned = try planner.plan(problem, context: PlanningContext(solver: solver))
/// ```
public final class ModelExportingSolver: LinearSolver, @unchecked Sendable {
    /// Most files one run writes.
    public static let maximumFiles = 100

    private let base: any LinearSolver
    private let path: String
    private let lock = Lock()
    private var written: [String] = []
    private var reserved = 0
    private var skippedModels = 0

    /// Exports to `path`, whose extension (`.mps` or `.lp`) picks the format; throws
    /// `PlanningError.badInput` for another extension.
    public init(wrapping base: any LinearSolver, path: String) throws(PlanningError) {
        guard ModelFileFormat(path: path) != nil else {
            throw .badInput("--export-model: '\(path)' must end in .mps or .lp")
        }
        self.base = base
        self.path = path
    }

    /// Files written so far, in order.
    public var exported: [String] { lock.withLock { written } }
    /// Models solved after `maximumFiles` were written (not exported).
    public var skipped: Int { lock.withLock { skippedModels } }

    public func solve(_ model: LinearModel, options: SolveOptions) throws -> SolveResult {
        let target: String? = lock.withLock {
            guard reserved < Self.maximumFiles else {
                skippedModels += 1
                return nil
            }
            reserved += 1
            return reserved == 1 ? path : Self.numbered(path, reserved)
        }
        if let target {
            do {
                try base.export(model, to: target)
            } catch {
                throw PlanningError.badInput("--export-model: cannot write '\(target)' (\(error))")
            }
            lock.withLock { written.append(target) }
        }
        return try base.solve(model, options: options)
    }

    public func export(_ model: LinearModel, to path: String) throws {
        try base.export(model, to: path)
    }

    /// `dir/plan.mps` numbered 3 is `dir/plan-3.mps`.
    static func numbered(_ path: String, _ index: Int) -> String {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return "\(path)-\(index)" }
        return "\(path[..<dot])-\(index)\(path[dot...])"
    }
}
