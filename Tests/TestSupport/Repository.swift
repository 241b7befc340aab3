import Foundation

/// Folders of the repository, found from this file's location, so tests pass from any working
/// directory and in a fresh clone.
/// ```
/// let example = Repository.examples.appendingPathComponent("gate-route.yaml").path
/// ```
public enum Repository {
    /// The package root (the folder with Package.swift).
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    /// `examples/`: the example scenarios.
    public static let examples = root.appendingPathComponent("examples")
    /// `data/`: traces, measured profiles, hardware and model configs.
    public static let data = root.appendingPathComponent("data")
    /// `schemas/`: the JSON Schemas of every `--json` output kind.
    public static let schemas = root.appendingPathComponent("schemas")

    /// The path of `relative` inside `data/` (`data/` itself for "").
    public static func dataPath(_ relative: String) -> String {
        relative.isEmpty ? data.path : data.appendingPathComponent(relative).path
    }

    /// The path of an example file, e.g. `example("gate-route.yaml")`.
    public static func example(_ name: String) -> String {
        examples.appendingPathComponent(name).path
    }
}
