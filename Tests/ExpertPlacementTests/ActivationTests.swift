import Foundation
import Testing
@testable import ExpertPlacement

@Suite struct ActivationTests {
    @Test func syntheticSplitsHaveTheDocumentedShapeAndTotals() {
        let generator = SyntheticActivations(zipf: 1, sourceSkew: 0.5, tokens: 1000, seed: 3)
        let data = generator.generate(layers: 3, experts: 16, topK: 4, sources: 8)
        #expect(data.profile.counts.count == 3 * 8 * 16)
        for split in [data.profile, data.evaluation] {
            #expect(split.tokens == 1000)
            for l in 0..<3 { #expect(split.expertLoads(layer: l).reduce(0, +) == 4000) }
            // 1000 tokens over 8 sources: 125 each, 4 activations per token.
            #expect((0..<16).reduce(0.0) { $0 + split[1, 5, $1] } == 500)
        }
        #expect(data.profile != data.evaluation)
        #expect(data == generator.generate(layers: 3, experts: 16, topK: 4, sources: 8))
        // Shuffled ranks: the hottest expert differs between layers.
        let hottest = (0..<3).map { l in data.profile.expertLoads(layer: l).enumerated().max { $0.element < $1.element }!.offset }
        #expect(Set(hottest).count > 1)
    }

    @Test func powerLawAndSourceSkewShowInTheCounts() throws {
        let flat = SyntheticActivations(zipf: 0, sourceSkew: 0, tokens: 40000, seed: 1).generate(layers: 1, experts: 8, topK: 1, sources: 2)
        let steep = SyntheticActivations(zipf: 1.5, sourceSkew: 0, tokens: 40000, seed: 1).generate(layers: 1, experts: 8, topK: 1, sources: 2)
        let ratio = { (c: ActivationCounts) throws in
            try #require(c.expertLoads(layer: 0).max()) / #require(c.expertLoads(layer: 0).min())
        }
        #expect(try ratio(flat.profile) < 1.2)
        // 8^1.5 ≈ 22.6 between the most and least popular expert.
        #expect(try ratio(steep.profile) > 15)
        let skewed = SyntheticActivations(zipf: 0, sourceSkew: 1, tokens: 40000, seed: 1).generate(layers: 1, experts: 8, topK: 1, sources: 2)
        let differences = (0..<8).map { abs(skewed.profile[0, 0, $0] - skewed.profile[0, 1, $0]) }
        #expect(try #require(differences.max()) > 1000)
    }

    @Test func csvSplitsSourcesAndErrors() throws {
        let path = NSTemporaryDirectory() + "moe-stats-\(UUID().uuidString).csv"
        try "split,layer,source,expert,count\nprofile,0,1,2,6\nprofile,0,1,2,2\nevaluation,1,0,0,4\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let data = try ActivationCSV.read(path: path, layers: 2, experts: 3, sources: 2, topK: 2)
        #expect(data.heldOut)
        #expect(data.profile[0, 1, 2] == 8)
        #expect(data.profile.tokens == 2)
        #expect(data.evaluation[1, 0, 0] == 4)
        let even = data.profile.spreadEvenly()
        #expect(even[0, 0, 2] == 4 && even[0, 1, 2] == 4)

        try "layer,expert,count\n0,1,6\n".write(toFile: path, atomically: true, encoding: .utf8)
        let shared = try ActivationCSV.read(path: path, layers: 1, experts: 2, sources: 3, topK: 1)
        #expect(!shared.heldOut)
        #expect(shared.profile[0, 2, 1] == 2)
        #expect(shared.evaluation == shared.profile)

        try "layer,expert,count\n0,2,6\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: PlacementError.self) { try ActivationCSV.read(path: path, layers: 1, experts: 2, sources: 3, topK: 1) }
    }

    @Test func problemRejectsWrongShapesAndNegativeCounts() {
        let d = DistanceMatrix(rows: [[0, 1], [1, 0]])
        var counts = ActivationCounts(layers: 1, sources: 2, experts: 4, tokens: 1)
        #expect(throws: PlacementError.self) { try PlacementProblem(experts: 4, slotsPerGPU: 1, distances: d, profile: counts) }
        #expect(throws: PlacementError.self) { try PlacementProblem(experts: 5, slotsPerGPU: 3, distances: d, profile: counts) }
        counts[0, 1, 3] = -1
        do {
            _ = try PlacementProblem(experts: 4, slotsPerGPU: 2, distances: d, profile: counts)
            Issue.record("negative count accepted")
        } catch {
            #expect(error.message.contains("layer 0, source 1, expert 3 is -1"))
        }
    }
}
