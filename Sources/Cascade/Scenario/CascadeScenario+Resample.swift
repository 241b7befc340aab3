import Foundation
import Planning
import ServingModel

extension CascadeScenario {
    /// The scenario with the quality sample named by `source` (the `--replan` value): `synthetic:SEED`
    /// re-draws the scenario's synthetic sample with another seed; anything else is a CSV path,
    /// relative to `directory` unless absolute. Throws `PlanningError.badInput` for a malformed
    /// `synthetic:` value or a scenario without synthetic samples, and the reader's
    /// `ScenarioError` for a CSV that cannot be read.
    /// ```
    /// let next = try scenario.resampled(from: "synthetic:8")
    /// ```
    public func resampled(from source: String, relativeTo directory: String = FileManager.default.currentDirectoryPath) throws
        -> CascadeScenario
    {
        guard source.hasPrefix("synthetic:") else {
            return try resampled(.csv(path: source.hasPrefix("/") ? source : directory + "/" + source))
        }
        guard case var .synthetic(generator) = samplesSource, let seed = UInt64(source.dropFirst("synthetic:".count)) else {
            throw PlanningError.badInput(
                "--replan synthetic:SEED needs a whole seed and a scenario with synthetic samples, got '\(source)'")
        }
        generator.seed = seed
        return try resampled(.synthetic(generator))
    }
}
