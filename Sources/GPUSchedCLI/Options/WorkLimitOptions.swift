import ArgumentParser
import ServingModel

/// `--max-requests`, `--max-memory`, `--allow-large`: the bounds on the work a verb may start.
///
/// Add to a command with `@OptionGroup var workLimits: WorkLimitOptions` and pass `workLimits.limits`
/// to the scenario loader and to the work estimate:
/// ```
/// gpusched simulate big.yaml --max-requests 20000000
/// gpusched simulate gate-route huge.yaml --allow-large
/// ```
struct WorkLimitOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Most requests the run may simulate (default \(Int(WorkLimits.defaultMaxRequests))).", valueName: "N"))
    var maxRequests: Double?

    @Option(name: .long, help: ArgumentHelp(
        "Most memory, in GiB, the run's estimate may reach (default \(Int(WorkLimits.defaultMaxMemoryBytes / 1_073_741_824))).",
        valueName: "GIB"))
    var maxMemory: Double?

    @Flag(name: .long, help: "Lift the request and memory limits.")
    var allowLarge = false

    func validate() throws {
        if let maxRequests, !(maxRequests >= 1 && maxRequests.isFinite) {
            throw ValidationError("--max-requests must be a number >= 1, got \(maxRequests)")
        }
        if let maxMemory, !(maxMemory > 0 && maxMemory.isFinite) {
            throw ValidationError("--max-memory must be a number of GiB > 0, got \(maxMemory)")
        }
    }

    /// The limits these flags set.
    var limits: WorkLimits {
        WorkLimits(
            maxRequests: maxRequests ?? WorkLimits.defaultMaxRequests,
            maxMemoryBytes: maxMemory.map { $0 * 1_073_741_824 } ?? WorkLimits.defaultMaxMemoryBytes,
            allowLarge: allowLarge)
    }
}
