import Foundation

/// Where GPUSched looks for `libhighs`, in order.
///
/// 1. `GPUSCHED_HIGHS_LIBRARY` (a file path);
/// 2. `.deps/highs/highspy/libhighs.so.1` under the working directory, then under each folder
///    above the running executable (so `.build/release/gpusched` finds its package's `.deps`);
/// 3. `libhighs.so.1` / `libhighs.so` on the system's library path.
enum HighsLibraryLocator {
    /// One place to try, and how it was found (for the error message).
    struct Candidate: Equatable {
        var path: String
        var origin: String
    }

    /// Path of the library inside the `highspy` wheel installed by `make setup`.
    static let wheelRelativePath = ".deps/highs/highspy/libhighs.so.1"

    static func candidates(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        workingDirectory: String = FileManager.default.currentDirectoryPath,
        executablePath: String? = currentExecutablePath()
    ) -> [Candidate] {
        var result: [Candidate] = []
        if let explicit = environment["GPUSCHED_HIGHS_LIBRARY"], !explicit.isEmpty {
            result.append(Candidate(path: explicit, origin: "GPUSCHED_HIGHS_LIBRARY"))
        }
        var folders = [workingDirectory]
        if let executablePath {
            var folder = URL(fileURLWithPath: executablePath).deletingLastPathComponent()
            for _ in 0..<5 {
                folders.append(folder.path)
                folder.deleteLastPathComponent()
            }
        }
        var seen = Set<String>()
        for folder in folders {
            let path = URL(fileURLWithPath: folder).appendingPathComponent(wheelRelativePath).standardized.path
            guard seen.insert(path).inserted, FileManager.default.fileExists(atPath: path) else { continue }
            result.append(Candidate(path: path, origin: "project .deps"))
        }
        if !result.contains(where: { $0.origin == "project .deps" }) {
            // Report the expected location even when absent, so the error shows where it was looked for.
            result.append(Candidate(
                path: URL(fileURLWithPath: workingDirectory).appendingPathComponent(wheelRelativePath).standardized.path,
                origin: "project .deps"))
        }
        result.append(Candidate(path: "libhighs.so.1", origin: "system library path"))
        result.append(Candidate(path: "libhighs.so", origin: "system library path"))
        return result
    }

    /// The running executable's path (`/proc/self/exe` on Linux, argv[0] elsewhere).
    static func currentExecutablePath() -> String? {
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return resolved
        }
        return CommandLine.arguments.first
    }
}
