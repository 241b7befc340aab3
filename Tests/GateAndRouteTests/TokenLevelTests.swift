import Testing
@testable import GateAndRoute

/// Gate-and-route beyond the CTMC: deterministic lengths, real batches in the token-level simulator.
@Suite struct TokenLevelTests {
    /// On the convergence instance with 10 GPUs, gate-and-route earns within 10% of the fluid
    /// optimum R* = 297.70 and more than the FCFS immediate-execution baseline (FI-WSP).
    @Test func gateAndRouteBeatsFCFSImmediate() throws {
        let instance = ConvergenceInstance.instance(gpus: 10)
        let plan = try GateRoutePlanner(instance: instance).solve().plan
        let gate = try TokenLevelExperiment.run(
            instance: instance, plan: plan, policy: "gate-and-route", gpus: 10, horizon: 1000, warmup: 200, seeds: [1])
        let fcfs = try TokenLevelExperiment.run(
            instance: instance, plan: plan, policy: "fi-wsp", gpus: 10, horizon: 1000, warmup: 200, seeds: [1])
        print("token level n=10: gate-and-route \(gate.revenuePerGPU) (\(gate.ratioToOptimum)), fi-wsp \(fcfs.revenuePerGPU) (\(fcfs.ratioToOptimum)), TPOT \(gate.meanTPOT) vs \(fcfs.meanTPOT)")
        #expect(abs(gate.ratioToOptimum - 1) < 0.10)
        #expect(gate.revenuePerGPU > fcfs.revenuePerGPU)
    }

    /// Decode back-pressure at token level holds the rationed class (code, q_p* > 0) back while
    /// decodes are buffered: fewer code completions, and shorter decode waits (lower TPOT), than the
    /// paper's never-idling gate on the same seed; the fully served class keeps its throughput.
    @Test func backPressureHoldsTheRationedClass() throws {
        let instance = ConvergenceInstance.instance(gpus: 10)
        let plan = try GateRoutePlanner(instance: instance).solve().plan
        #expect(plan.classes.map(\.isRationed) == [true, false])
        let paper = try TokenLevelExperiment.run(
            instance: instance, plan: plan, policy: "gate-and-route", gpus: 10, horizon: 1000, warmup: 200, seeds: [1])
        let held = try TokenLevelExperiment.run(
            instance: instance, plan: plan, policy: "gate-and-route", gpus: 10, horizon: 1000, warmup: 200, seeds: [1],
            rationedClasses: .whenDecodeIdle)
        #expect(held.completedPerGPU[0] < paper.completedPerGPU[0])
        #expect(held.meanTPOT <= paper.meanTPOT)
        #expect(held.completedPerGPU[1] > 0.95 * paper.completedPerGPU[1])
    }
}
