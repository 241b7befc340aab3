import ServingModel

/// Inline `alpha`, `beta`, `gamma` of a fitted iteration law, range-checked and checked as a law
/// (α ≤ 1/γ) where they are read, so that no later step meets an invalid law.
public enum LawKeys {
    /// Sane α: seconds of a mixed iteration's fixed part (a microsecond to 100 s).
    public static let alphaRange = 1e-6...100.0
    /// Sane β: seconds per prefill token.
    public static let betaRange = 1e-12...1.0
    /// Sane γ: decode tokens per second of one stream in solo mode.
    public static let gammaRange = 1e-3...1e6

    /// The law, or nil after reporting each missing or out-of-range value, or a law that is not one.
    public static func read(_ object: ConfigObject) -> FittedIterationLaw? {
        let alpha = object.require("alpha")?.number(.range(alphaRange))
        let beta = object.require("beta")?.number(.range(betaRange))
        let gamma = object.require("gamma")?.number(.range(gammaRange))
        guard let alpha, let beta, let gamma else { return nil }
        do {
            return try FittedIterationLaw.validated(alpha: alpha, beta: beta, gamma: gamma)
        } catch {
            object.report(error.message)
            return nil
        }
    }
}
