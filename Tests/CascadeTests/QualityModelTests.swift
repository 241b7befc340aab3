import Testing
import ServingModel
@testable import Cascade

/// Threshold replay, the CSV reader and the synthetic generator against values worked out by hand.
@Suite struct QualityModelTests {
    /// Three requests, three models; scores chosen so each threshold pair routes them differently.
    let samples = QualitySamples(models: ["s", "m", "l"], requests: [
        QualitySample(promptTokens: 10, outputTokens: [1, 2, 3], scores: [90, 95, 99]),
        QualitySample(promptTokens: 20, outputTokens: [4, 5, 6], scores: [50, 80, 70]),
        QualitySample(promptTokens: 30, outputTokens: [7, 8, 9], scores: [40, 60, 100]),
    ])

    @Test func replayFollowsTheThresholds() {
        // θ = (85, 75): request 0 stops at s (90), 1 at m (80), 2 goes to l (60 < 75).
        let outcome = samples.replay([85, 75])
        #expect(outcome.reachFraction == [1, 2.0 / 3, 1.0 / 3])
        #expect(outcome.finalStage == [0, 1, 2])
        #expect(abs(outcome.quality - (90 + 80 + 100) / 3) < 1e-12)
        #expect(outcome.reached == [[0, 1, 2], [1, 2], [2]])
        // θ = 0 accepts everything at the first stage: quality z₂ = mean of s's scores.
        #expect(samples.replay([0, 0]).quality == samples.qualityAllOn(0))
        #expect(abs(samples.qualityAllOn(0) - 60) < 1e-12)
        // θ above every score sends everything to the last stage: z₁.
        #expect(samples.replay([101, 101]).quality == samples.qualityAllOn(2))
    }

    @Test func stageWorkloadCountsChunksAndIterations() {
        // Chunk 16: prompts 10, 20, 30 take 1, 2, 2 prefill iterations; at stage m (outputs 2, 5, 8)
        // the iterations are k + O − 1 = 2, 6, 9; the p95 (nearest rank of 3) is the largest.
        let workload = StageWorkload(samples: samples, indices: [0, 1, 2], stage: 1, arrivalRate: 3, chunkSize: 16)
        #expect(workload.meanPrefillIterations == 5.0 / 3)
        #expect(workload.p95Iterations == 9)
        #expect(workload.meanOutput == 5 && workload.meanPrompt == 20)
    }

    @Test func csvRoundTripAndErrors() throws {
        let good = CSVTable(text: "prompt_tokens,a.output_tokens,a.score,b.output_tokens,b.score,note\n100,20,55.5,30,90,x\n")
        let read = try QualityCSV.read(good, models: ["a", "b"], label: "scores.csv")
        #expect(read.requests == [QualitySample(promptTokens: 100, outputTokens: [20, 30], scores: [55.5, 90])])

        #expect(throws: ScenarioError.self) { try QualityCSV.read(good, models: ["a", "c"], label: "scores.csv") }
        do {
            _ = try QualityCSV.read(good, models: ["a", "c"], label: "scores.csv")
        } catch {
            #expect(error.description.contains("no scores for model(s) c"))
        }
        // Line 3 is blank: the second bad row is on line 4.
        let bad = CSVTable(text: "prompt_tokens,a.output_tokens,a.score\n100,20,101\n\n0,20,50\n")
        do {
            _ = try QualityCSV.read(bad, models: ["a"], label: "scores.csv")
            Issue.record("scores outside 0–100 must be rejected")
        } catch {
            #expect(error.issues.map(\.description) == [
                "scores.csv line 2: a.score must be within 0–100, got 101",
                "scores.csv line 4: prompt_tokens must be a whole number >= 1, got '0'",
            ])
        }
    }

    /// The documented defaults give the DeepSeek cascade means near 72, 88 and 95 (σ-of-normal
    /// approximation of E[σ(X)]), are reproducible by seed, and correlate the models' scores.
    @Test func syntheticGeneratorMatchesItsDocumentation() throws {
        let samples = try Fixture.synthetic(requests: 4000)
        let means = (0..<3).map(samples.qualityAllOn)
        #expect(abs(means[0] - 72) < 2.5 && abs(means[1] - 88) < 2.5 && abs(means[2] - 95) < 2.5, "\(means)")
        #expect(try Fixture.synthetic(requests: 50).requests == Fixture.synthetic(requests: 50).requests)
        #expect(try Fixture.synthetic(requests: 50).requests != Fixture.synthetic(requests: 50, seed: 8).requests)
        let a = samples.requests.map { $0.scores[0] }, b = samples.requests.map { $0.scores[1] }
        let ma = a.reduce(0, +) / Double(a.count), mb = b.reduce(0, +) / Double(b.count)
        let cov = zip(a, b).reduce(0) { $0 + ($1.0 - ma) * ($1.1 - mb) }
        let va = a.reduce(0) { $0 + ($1 - ma) * ($1 - ma) }, vb = b.reduce(0) { $0 + ($1 - mb) * ($1 - mb) }
        #expect(cov / (va * vb).squareRoot() > 0.5, "scores share the latent difficulty")
        #expect(samples.requests.allSatisfy { $0.scores.allSatisfy { (0...100).contains($0) } })
    }
}
