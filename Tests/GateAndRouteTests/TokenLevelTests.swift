import Testing
@testable import GateAndRoute

/// Gate-and-route beyond the CTMC: deterministic lengths, real batches in the token-level simulator.
@Suite struct TokenLevelTests {
    /// On the convergence instance with 10 GPUs, gate-and-route earns within 10% of the fluid
    /// optimum R* = 297.70 and more than the FCFS immediate-execution baseline (FI-WSP).
    @Test func gateAndRouteBeatsFCFSImmediate() throws {
        let instance = ConvergenceInstance.instance(gpus: 10)
        let plan = try GateRoutePlanner(instance: instance).solve().plan
        let gate = TokenLevelExperiment.run(
            instance: instance, plan: plan, policy: "gate-and-route", gpus: 10, horizon: 1000, warmup: 200, seeds: [1])
        let fcfs = TokenLevelExperiment.run(
            instance: instance, plan: plan, policy: "fi-wsp", gpus: 10, horizon: 1000, warmup: 200, seeds: [1])
        print("token level n=10: gate-and-route \(gate.revenuePerGPU) (\(gate.ratioToOptimum)), fi-wsp \(fcfs.revenuePerGPU) (\(fcfs.ratioToOptimum)), TPOT \(gate.meanTPOT) vs \(fcfs.meanTPOT)")
        #expect(abs(gate.ratioToOptimum - 1) < 0.10)
        #expect(gate.revenuePerGPU > fcfs.revenuePerGPU)
    }
}
