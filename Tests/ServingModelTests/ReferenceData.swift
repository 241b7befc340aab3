import Foundation

/// A path inside the repository's `data/` folder, found from the package root (this file's
/// location), so tests pass from any working directory and in a fresh clone.
func referenceDataPath(_ relative: String) -> String {
    let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let data = packageRoot.appendingPathComponent("data")
    return relative.isEmpty ? data.path : data.appendingPathComponent(relative).path
}
