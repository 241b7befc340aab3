import Foundation

/// The one seed loop: runs `body` once per seed, several seeds at once on all cores (a Swift
/// `TaskGroup`, at most `jobs` at a time), and returns the results in seed order, announcing each
/// start to `progress`.
///
/// Every seed's run is independent (its own random streams, drawn from its seed; `body` is
/// `@Sendable` and shares no mutable state), so the results are the same, bit for bit, whatever
/// `jobs` and the core count: only the wall time changes.
/// ```
/// let runs = try SeedRuns.map([1, 2, 3], progress: progress, label: "plan") { seed in try simulate(seed: seed) }
/// let revenue = SeedRuns.estimate(runs, \.revenue)
/// let sequential = SeedRuns.map([1, 2, 3], jobs: 1) { seed in simulate(seed: seed) }   // one at a time
/// ```
public enum SeedRuns {
    /// Seeds run at once unless a caller says otherwise: the environment variable `GPUSCHED_JOBS`
    /// when it is a whole number from 1 to `maximumJobs`, else the active processor count.
    public static let defaultJobs: Int = {
        if let text = ProcessInfo.processInfo.environment["GPUSCHED_JOBS"], let jobs = Int(text), (1...maximumJobs).contains(jobs) {
            return jobs
        }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }()

    /// Most seeds one loop runs at once (`--jobs`, `GPUSCHED_JOBS`).
    public static let maximumJobs = 1024

    /// `body` for every seed, results in seed order; at most `jobs` seeds run at once. With more
    /// than one seed each start is announced as "`label`: seed k of n", in seed order. When a seed
    /// fails, no later seed is started, the seeds already running finish, and the error of the
    /// first failing seed in seed order is thrown (the one a one-at-a-time loop would throw).
    ///
    /// Called from inside a Swift task (whose thread must not block), the seeds run one at a time.
    public static func map<Result: Sendable, Failure: Error>(
        _ seeds: [UInt64], jobs: Int = defaultJobs, progress: ProgressReporter = .silent, label: String = "",
        _ body: @escaping @Sendable (UInt64) throws(Failure) -> Result
    ) throws(Failure) -> [Result] {
        let insideTask = withUnsafeCurrentTask { $0 != nil }
        guard jobs > 1, seeds.count > 1, !insideTask else {
            var results: [Result] = []
            results.reserveCapacity(seeds.count)
            for index in seeds.indices {
                announce(index, of: seeds.count, progress: progress, label: label)
                results.append(try body(seeds[index]))
            }
            return results
        }
        let outcome = OutcomeBox<Result, Failure>()
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            outcome.set(await concurrentMap(seeds, jobs: jobs, progress: progress, label: label, body))
            done.signal()
        }
        done.wait()
        return try outcome.get()
    }

    /// The task group behind `map`: keeps `jobs` seeds running, starting the next in seed order as
    /// one finishes, and puts each result at its seed's place.
    private static func concurrentMap<Result: Sendable, Failure: Error>(
        _ seeds: [UInt64], jobs: Int, progress: ProgressReporter, label: String,
        _ body: @escaping @Sendable (UInt64) throws(Failure) -> Result
    ) async -> Swift.Result<[Result], Failure> {
        await withTaskGroup(of: (Int, Swift.Result<Result, Failure>).self) { group in
            var results = [Result?](repeating: nil, count: seeds.count)
            var firstFailure: (index: Int, error: Failure)?
            var next = 0
            func start() {
                let index = next, seed = seeds[index]
                announce(index, of: seeds.count, progress: progress, label: label)
                group.addTask { (index, Swift.Result { () throws(Failure) -> Result in try body(seed) }) }
                next += 1
            }
            while next < min(jobs, seeds.count) { start() }
            for await (index, outcome) in group {
                switch outcome {
                case let .success(result): results[index] = result
                case let .failure(error):
                    if firstFailure.map({ index < $0.index }) ?? true { firstFailure = (index, error) }
                }
                if firstFailure == nil && next < seeds.count { start() }
            }
            if let firstFailure { return .failure(firstFailure.error) }
            return .success(results.compactMap { $0 })
        }
    }

    private static func announce(_ index: Int, of count: Int, progress: ProgressReporter, label: String) {
        if count > 1 { progress.say("\(label.isEmpty ? "" : label + ": ")seed \(index + 1) of \(count)") }
    }

    /// The estimate of one figure over per-seed results.
    public static func estimate<Result>(_ results: [Result], _ figure: (Result) -> Double) -> Estimate {
        Estimate(results.map(figure))
    }

    /// The seeds `first`, `first + 1`, … (`count` of them), saturating at the largest seed.
    public static func consecutive(from first: UInt64, count: Int) -> [UInt64] {
        (0..<max(0, count)).map { first.addingReportingOverflow(UInt64($0)).overflow ? UInt64.max : first + UInt64($0) }
    }
}

/// The outcome of the detached task `SeedRuns.map` waits for, handed across threads under a lock.
private final class OutcomeBox<Element: Sendable, Failure: Error>: @unchecked Sendable {
    private let lock = Lock()
    private var outcome: Result<[Element], Failure> = .success([])

    func set(_ value: Result<[Element], Failure>) { lock.withLock { outcome = value } }

    /// The results, or the failure (read after the semaphore `map` waits on is signalled).
    func get() throws(Failure) -> [Element] {
        try lock.withLock { outcome }.get()
    }
}
