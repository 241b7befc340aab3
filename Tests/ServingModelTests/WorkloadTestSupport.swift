import Foundation
import Testing

@testable import ServingModel
import GPUSchedTestSupport

// Helpers shared by the Workload* test suites.

/// Mean and (population) variance.
func meanAndVariance(_ values: [Double]) -> (mean: Double, variance: Double) {
    let mean = values.reduce(0, +) / Double(values.count)
    let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
    return (mean, variance)
}

/// `count` draws of `distribution` from one seeded generator.
func lengthSamples(_ distribution: LengthDistribution, count: Int, seed: UInt64 = 1) -> [Int] {
    var random = SeededRandom(seed: seed)
    return (0..<count).map { _ in distribution.sample(&random) }
}

/// |actual − expected| ≤ tolerance · |expected|.
func isClose(_ actual: Double, _ expected: Double, relative tolerance: Double) -> Bool {
    abs(actual - expected) <= tolerance * abs(expected)
}

/// Every request of a source.
func drain(_ source: some RequestSource) -> [Request] {
    var source = source
    var requests: [Request] = []
    while let request = source.next() { requests.append(request) }
    return requests
}

/// The issue lines a throwing call produces (`path: message`), or nil when it does not throw a `ScenarioError`.
func scenarioIssues(_ body: () throws -> Void) -> [String]? {
    do {
        try body()
        return nil
    } catch let error as ScenarioError {
        return error.issues.map(\.description)
    } catch {
        Issue.record("unexpected error: \(error)")
        return nil
    }
}

/// A reference trace in the repository's `data/traces/`.
func referenceTracePath(_ name: String) throws -> String {
    let path = Repository.dataPath("traces/\(name)")
    try #require(FileManager.default.fileExists(atPath: path), "reference trace missing: \(path)")
    return path
}
