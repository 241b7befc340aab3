import ServingModel
import Testing
@testable import Cascade

/// The cascade planner's work estimate and its checks without a planner.
@Suite struct CascadeInputTests {
    /// Three models on 32 GPUs, 2,000 samples, grid step 5 (21 points), one budget candidate:
    /// evaluations 1 + 6² + 3 · 2 · 20 = 157; DP 3 · 33 · 34 / 2 = 1,683; replay 2,000 · 3 = 6,000;
    /// quality grid 21² · 6,000 = 2,646,000; so 157 · 7,683 + 2,646,000 planning steps.
    @Test func estimateByHand() {
        let estimate = CascadeWorkEstimate(models: 3, gpus: 32, samples: 2000, gridPoints: 21, budgetCandidates: 1)
        #expect(estimate.evaluations == 157)
        #expect(estimate.planningSteps == 157 * 7683 + 2_646_000)
        #expect(estimate.milpColumns == 100)
        #expect(estimate.milpNonzeros == 303)
        #expect(estimate.memoryBytes == 157 * 3 * 33 * 40)
    }

    /// Throughput mode with `stageBudget: search` counts the planner's own budget candidates.
    @Test func estimateCountsThePlannersBudgetCandidates() throws {
        let problem = try Fixture.problem(objective: .throughput)
        let candidates = try CascadePlanner(problem: problem).budgetCandidates().count
        #expect(candidates == 8)
        let estimate = CascadeWorkEstimate(problem: problem)
        let expected = CascadeWorkEstimate(
            models: 3, gpus: 32, samples: problem.samples.requests.count, gridPoints: 21, budgetCandidates: candidates)
        #expect(estimate == expected)
    }

    @Test func aHundredThousandGPUsAreRefusedUnlessAllowed() throws {
        let estimate = CascadeWorkEstimate(models: 3, gpus: 100_000, samples: 2000, gridPoints: 21, budgetCandidates: 1)
        #expect(estimate.planningSteps > CascadeWorkEstimate.maxPlanningSteps)
        #expect(throws: ScenarioError.self) { try estimate.check(.default, at: "cluster.count") }
        try estimate.check(WorkLimits(allowLarge: true), at: "cluster.count")
    }

    /// 3 seeds × 5 cascades × 19 runs × 2,000 requests; at 1,000/s and a 20 s SLO a run spans
    /// 10 · 20 · 1,000 = 200,000 requests instead.
    @Test func simulatedRequestsByHand() {
        #expect(CascadeWorkEstimate.simulatedRequests(seeds: 3, requests: 2000, rate: 4, slo: 20) == 570_000)
        #expect(CascadeWorkEstimate.simulatedRequests(seeds: 3, requests: 2000, rate: 1000, slo: 20) == 57_000_000)
    }

    /// The checks without a planner give the planner's own errors.
    @Test func checkWithoutAPlanner() throws {
        let options = try CascadePlanner.check(try Fixture.problem())
        #expect(options.count == 3)
        #expect(options.allSatisfy { !$0.isEmpty })
        let unreachable = try Fixture.problem(target: 99), tooFewGPUs = try Fixture.problem(gpus: 6)
        do throws(CascadeError) {
            _ = try CascadePlanner.check(unreachable)
            Issue.record("a target of 99 should be unreachable")
        } catch {
            #expect(error.message.hasPrefix("quality target 99.0 is unreachable"))
        }
        #expect(throws: CascadeError.self) { try CascadePlanner.check(tooFewGPUs) }
    }
}
