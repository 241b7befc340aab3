import Foundation
import Testing

import Planning
import ServingModel

/// Runs `body` on a thread of its own, outside any Swift task, as the command line calls the seed
/// loop (inside a task `SeedRuns.map` runs the seeds one at a time).
func onPlainThread<Value: Sendable>(_ body: @escaping @Sendable () -> Value) async -> Value {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: body()) }.start()
    }
}

/// Counts the bodies running at once, and the most seen.
private final class Concurrency: @unchecked Sendable {
    private let lock = NSLock()
    private var running = 0
    private(set) var most = 0

    func enter() {
        lock.lock()
        running += 1
        most = max(most, running)
        lock.unlock()
    }

    func leave() {
        lock.lock()
        running -= 1
        lock.unlock()
    }
}

/// A seed's "result": 1,000 draws of its own random stream summed, after a pause that makes later
/// seeds finish before earlier ones, so results arrive out of seed order.
private func work(_ seed: UInt64, _ concurrency: Concurrency) -> Double {
    concurrency.enter()
    defer { concurrency.leave() }
    Thread.sleep(forTimeInterval: 0.002 * Double(12 - Int(seed % 12)))
    var random = SeededRandom(seed: seed)
    return (0..<1_000).reduce(0) { sum, _ in sum + random.uniform() }
}

private struct SeedFailure: Error, Equatable {
    var seed: UInt64
}

@Suite struct SeedRunsTests {
    /// Whatever `jobs`, the results are each seed's own, in seed order (checked against the same
    /// sums computed here one seed at a time), and at most `jobs` seeds run at once.
    @Test(arguments: [1, 2, 3, 12]) func resultsAreInSeedOrderWhateverTheJobs(jobs: Int) async {
        let seeds = SeedRuns.consecutive(from: 5, count: 12)
        let expected = seeds.map { seed -> Double in
            var random = SeededRandom(seed: seed)
            return (0..<1_000).reduce(0) { sum, _ in sum + random.uniform() }
        }
        let concurrency = Concurrency()
        let results = await onPlainThread { SeedRuns.map(seeds, jobs: jobs) { work($0, concurrency) } }
        #expect(results.map(\.bitPattern) == expected.map(\.bitPattern))
        // How many run at once also depends on the free threads of Swift's pool, which the tests
        // running beside this one share (`bench simulator` measures the speed-up); never more than `jobs`.
        #expect(concurrency.most <= jobs)
    }

    /// Each start is announced in seed order, as the one-at-a-time loop did.
    @Test func progressAnnouncesSeedsInOrder() async {
        let lines = Lines()
        let progress = ProgressReporter { lines.add($0) }
        _ = await onPlainThread {
            SeedRuns.map([1, 2, 3, 4], jobs: 3, progress: progress, label: "simulate") { work($0, Concurrency()) }
        }
        #expect(lines.all == (1...4).map { "simulate: seed \($0) of 4" })
    }

    /// When seeds fail, the error is the first failing seed's in seed order (the one a sequential
    /// loop throws), whichever finishes first.
    @Test(arguments: [1, 2, 4]) func theFirstFailingSeedsErrorIsThrown(jobs: Int) async {
        let outcome: Result<[Double], SeedFailure> = await onPlainThread {
            Result { () throws(SeedFailure) -> [Double] in
                try SeedRuns.map([1, 2, 3, 4, 5, 6], jobs: jobs) { (seed: UInt64) throws(SeedFailure) -> Double in
                    // Seed 5 fails fast, seed 3 slowly: seed 3's error is still the one thrown.
                    Thread.sleep(forTimeInterval: seed == 3 ? 0.05 : 0.001)
                    if seed == 3 || seed == 5 { throw SeedFailure(seed: seed) }
                    return Double(seed)
                }
            }
        }
        #expect(throws: SeedFailure(seed: 3)) { try outcome.get() }
    }

    /// Inside a Swift task the seeds run one at a time (a task's thread must not block on others).
    @Test func insideATaskSeedsRunOneAtATime() {
        let concurrency = Concurrency()
        let results = SeedRuns.map([1, 2, 3, 4], jobs: 4) { work($0, concurrency) }
        #expect(results.count == 4)
        #expect(concurrency.most == 1)
    }
}

/// Progress lines collected under a lock.
private final class Lines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func add(_ line: String) {
        lock.lock()
        lines.append(line)
        lock.unlock()
    }

    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return lines
    }
}
