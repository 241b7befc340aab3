import Testing
import ServingModel
@testable import Cascade

/// The bi-level planner: quality target met, J never increases, bad problems rejected with the
/// numbers, re-planning on the same sample changes nothing.
@Suite struct CascadePlannerTests {
    @Test(arguments: [85.0, 90.0])
    func planMeetsTheTarget(target: Double) throws {
        let planner = try CascadePlanner(problem: Fixture.problem(target: target))
        let plan = try planner.plan()
        #expect(plan.quality >= target)
        #expect(plan.gpus.reduce(0, +) == 32)
        #expect(zip(plan.trajectory, plan.trajectory.dropFirst()).allSatisfy { $0 >= $1 })
        #expect(plan.iterations == plan.trajectory.count - 1)
        #expect(plan.stages[0].reachFraction == 1)
        // The reported quality is the replay of the reported thresholds.
        #expect(plan.quality == planner.problem.samples.replay(plan.thresholds).quality)
        // No neighbour on the grid has a lower J (coordinate-wise local optimum).
        for coordinate in plan.thresholds.indices {
            for delta in [-5.0, 5.0] {
                var neighbour = plan.thresholds
                neighbour[coordinate] += delta
                guard (0...100).contains(neighbour[coordinate]) else { continue }
                var search = Search(planner: planner, previous: nil)
                #expect(try search.evaluate(neighbour).score >= plan.score - 1e-9)
            }
        }
    }

    @Test func throughputObjectiveServesMoreThanTheRate() throws {
        let plan = try CascadePlanner(problem: Fixture.problem(objective: .throughput)).plan()
        #expect(plan.objectiveValue > 4)
        #expect(plan.quality >= 85)
    }

    /// The end-to-end objective is the reach-weighted sum of the stages' p95s: recomputing it from the
    /// reported stages (each re-estimated from its layout) gives the reported value.
    @Test func endToEndObjectiveIsTheReachWeightedSum() throws {
        let plan = try CascadePlanner(problem: Fixture.problem(objective: .endToEndLatency)).plan()
        let sum = plan.stages.reduce(0) { $0 + $1.reachFraction * $1.p95Latency }
        #expect(abs(plan.objectiveValue - sum) < 1e-9 * sum)
        #expect(plan.quality >= 85)
    }

    /// A stage the plan gives no GPUs (no traffic) is left out of the simulated cascade with its threshold.
    @Test func stagesWithoutGPUsAreLeftOut() throws {
        let planner = try CascadePlanner(problem: Fixture.problem())
        var plan = try planner.plan()
        plan.stages[2].layout = nil
        plan.stages[2].gpus = 0
        let cascade = CascadeBaselines.cascade(of: plan, planner: planner)
        #expect(cascade.stages.map(\.model.name) == plan.stages.prefix(2).map(\.model))
        #expect(cascade.thresholds == [plan.thresholds[0]])
    }

    /// `whole` gives every stage the SLO less the two judge calls; `split` shares it in proportion
    /// to the models' unloaded p95s; `search` tries both and the six splits of 5 fifths over three
    /// stages with at least one fifth each.
    @Test func budgetCandidatesFollowTheStageBudgetRule() throws {
        var problem = Fixture.problem(objective: .throughput, slo: 40)
        problem.stageBudget = .whole
        #expect(try CascadePlanner(problem: problem).budgetCandidates() == [[39.46, 39.46, 39.46]])
        problem.stageBudget = .split
        let planner = try CascadePlanner(problem: problem)
        let split = try #require(planner.budgetCandidates().first)
        #expect(abs(split.reduce(0, +) - 39.46) < 1e-9)
        #expect(abs(split[1] / split[0] - planner.unloadedP95[1] / planner.unloadedP95[0]) < 1e-9)
        #expect(abs(split[2] / split[0] - planner.unloadedP95[2] / planner.unloadedP95[0]) < 1e-9)
        problem.stageBudget = .search
        let candidates = try CascadePlanner(problem: problem).budgetCandidates()
        let fifths = candidates.dropFirst(2).map { $0.map { Int(($0 / 39.46 * 5).rounded()) } }
        #expect(Array(candidates.prefix(2)) == [[39.46, 39.46, 39.46], split])
        #expect(fifths == [[1, 1, 3], [1, 2, 2], [1, 3, 1], [2, 1, 2], [2, 2, 1], [3, 1, 1]])
        #expect(try CascadePlanner(problem: Fixture.problem()).budgetCandidates() == [[]])
    }

    /// In search mode the plan's throughput is the end-to-end estimate of its own deployment, and
    /// no other budget candidate's deployment (at the plan's thresholds) scores higher.
    @Test func searchModeReportsTheBestEndToEndRate() throws {
        let problem = Fixture.problem(objective: .throughput, slo: 40)
        let planner = try CascadePlanner(problem: problem)
        let plan = try planner.plan()
        let outcome = problem.samples.replay(plan.thresholds)
        let stages = plan.stages.enumerated().map { i, stage in
            EndToEndEstimate.Stage(
                option: stage.layout.flatMap { layout in planner.options[i].first { $0.layout == layout.layout } },
                replicas: stage.layout?.replicas ?? 0)
        }
        let own = EndToEndEstimate(samples: problem.samples, outcome: outcome, engine: problem.engine, judgeLatency: problem.judgeLatency)
        #expect(plan.objectiveValue > 0)
        #expect(abs(own.sustainableRate(of: stages, slo: 40) - plan.objectiveValue) < 1e-9 * plan.objectiveValue)
        for budgets in planner.budgetCandidates() {
            let tables = problem.models.indices.map { planner.table(stage: $0, outcome: outcome, budgets: budgets, preferred: nil) }
            guard let gpus = planner.deploy(tables: tables, outcome: outcome, previous: nil)?.gpus else { continue }
            #expect(planner.endToEndRate(estimate: own, tables: tables, gpus: gpus) <= plan.objectiveValue * (1 + 1e-9))
        }
    }

    @Test func rejectsModelsOutOfOrder() {
        var problem = Fixture.problem()
        problem.models.swapAt(0, 1)
        #expect(throws: CascadeError.self) { try CascadePlanner(problem: problem) }
        do { _ = try CascadePlanner(problem: problem) } catch {
            #expect(error.message.hasPrefix("models must be ordered smallest first"))
        }
    }

    @Test func rejectsAModelThatFitsNowhere() {
        let problem = Fixture.problem(gpus: 6)
        do {
            _ = try CascadePlanner(problem: problem)
            Issue.record("deepseek-v3-awq needs 8 GPUs")
        } catch {
            #expect(error.message.hasPrefix("deepseek-v3-awq fits no layout of 6 H100-80GB"))
        }
    }

    @Test func unreachableTargetNamesTheBest() throws {
        let samples = Fixture.synthetic()
        do {
            _ = try CascadePlanner(problem: Fixture.problem(target: 99.5, samples: samples))
            Issue.record("99.5 is above any mean score")
        } catch {
            #expect(error.message.contains("is unreachable: the best achievable on this sample is"))
        }
    }

    @Test func replanningOnTheSameSampleChangesNothing() throws {
        let planner = try CascadePlanner(problem: Fixture.problem())
        let plan = try planner.plan()
        let again = try planner.plan(previous: plan)
        #expect(again.thresholds == plan.thresholds)
        #expect(ReplanChange.between(plan, again).allSatisfy { $0.removed == 0 && $0.added == 0 })
    }
}
