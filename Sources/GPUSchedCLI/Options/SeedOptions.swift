import ArgumentParser
import Planning

/// `--seed FIRST` and `--seeds COUNT`: which simulation seeds a verb runs, overriding the scenario's.
/// Seeds are consecutive from the first, so the plan and every baseline see the same arrivals.
///
/// Add with `@OptionGroup var seeding: SeedOptions` and ask `seeding.seeds(default: scenarioSeeds)`:
/// ```
/// gpusched simulate examples/simulate-chat.yaml --seed 7 --seeds 5    # seeds 7, 8, 9, 10, 11
/// ```
struct SeedOptions: ParsableArguments {
    /// Most seeds one run may ask for.
    static let maximumSeeds = 1000

    @Option(name: .long, help: ArgumentHelp("First simulation seed (default: the scenario's).", valueName: "FIRST"))
    var seed: UInt64?

    @Option(name: .long, help: ArgumentHelp(
        "Number of seeds, consecutive from the first (default: the scenario's; at most \(SeedOptions.maximumSeeds)).",
        valueName: "COUNT"))
    var seeds: Int?

    func validate() throws {
        if let seeds, !(1...Self.maximumSeeds).contains(seeds) {
            throw ValidationError("--seeds must be between 1 and \(Self.maximumSeeds), got \(seeds)")
        }
        if let seed, let seeds, UInt64.max - seed < UInt64(seeds - 1) {
            throw ValidationError("--seed \(seed) with --seeds \(seeds) runs past the largest seed \(UInt64.max)")
        }
    }

    /// The seeds to run: `scenario`'s unless overridden (its first seed and count are the defaults).
    func seeds(default scenario: [UInt64]) -> [UInt64] {
        guard seed != nil || seeds != nil else { return scenario }
        return SeedRuns.consecutive(from: seed ?? scenario.first ?? 1, count: seeds ?? max(1, scenario.count))
    }
}
