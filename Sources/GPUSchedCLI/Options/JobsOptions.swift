import ArgumentParser
import Planning

/// `--jobs N`: how many seeds a verb simulates at once, each on its own core (Swift structured
/// concurrency, `SeedRuns.map`). The results do not depend on it, bit for bit; only the wall time does.
///
/// Add with `@OptionGroup var parallelism: JobsOptions` and pass `parallelism.jobs` to the seed loop:
/// ```
/// gpusched simulate examples/simulate-chat.yaml --seeds 8 --jobs 2
/// GPUSCHED_JOBS=1 gpusched plan geo examples/geo-clustered.yaml    # every seed loop, one at a time
/// ```
struct JobsOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Seeds simulated at once, one core each (default: GPUSCHED_JOBS when set, else the active processor count, "
            + "\(SeedRuns.defaultJobs) here); results are identical whatever N.",
        valueName: "N"))
    var jobs: Int?

    func validate() throws {
        if let jobs, !(1...SeedRuns.maximumJobs).contains(jobs) {
            throw ValidationError("--jobs must be between 1 and \(SeedRuns.maximumJobs), got \(jobs)")
        }
    }

    /// The seeds to run at once: `--jobs`, or `SeedRuns.defaultJobs`.
    var count: Int { jobs ?? SeedRuns.defaultJobs }
}
