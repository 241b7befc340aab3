import Foundation

/// Fresh files and folders under the system's temporary directory, one name per call.
/// ```
/// let scenario = try TemporaryFiles.file("kind: catalog\n")
/// let folder = try TemporaryFiles.directory(prefix: "export")
/// ```
public enum TemporaryFiles {
    /// Writes `text` to a fresh file with the given extension and returns its path.
    public static func file(_ text: String, extension ext: String = "yaml") throws -> String {
        let url = URL(fileURLWithPath: path(prefix: "gpusched-test", extension: ext))
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// Writes `text` to a file called `name` in a fresh folder and returns the file's path.
    public static func file(named name: String, _ text: String) throws -> String {
        let url = try directory(prefix: "gpusched-test").appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// Creates a fresh folder and returns it.
    public static func directory(prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A fresh path (nothing is created) ending in `.ext`.
    public static func path(prefix: String, extension ext: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString).\(ext)").path
    }
}
