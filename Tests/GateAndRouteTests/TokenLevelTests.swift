import Planning
import Testing
@testable import GateAndRoute

/// Gate-and-route beyond the CTMC: deterministic lengths, real batches in the token-level simulator.
@Suite struct TokenLevelTests {
    /// On the convergence instance with 10 GPUs, 5 seeds of 300 s (100 s warm-up), each policy
    /// seeing the same arrivals and patience draws per seed: gate-and-route earns more than the
    /// FCFS immediate-execution baseline (FI-WSP), the paired per-seed differences' one-sided 95 %
    /// Student-t lower bound (t(0.95, 4) = 2.132) above 0; and its mean revenue is consistent with
    /// the fluid LP's R* = 297.70, an upper bound on long-run expected revenue: the 95 % two-sided
    /// interval (t(0.975, 4) = 2.776) reaches below R* and ends no more than 5 % below it (the CTMC
    /// gives 0.934 R* at n = 5 and 0.960 R* at n = 20, README).
    @Test func gateAndRouteBeatsFCFSImmediate() throws {
        let instance = ConvergenceInstance.instance(gpus: 10)
        let plan = try GateRouteProblem(instance: instance).solved().plan
        let seeds: [UInt64] = [1, 2, 3, 4, 5]
        func revenues(_ policy: GateRoutePolicy) throws -> [Double] {
            try seeds.map { seed in
                try TokenLevelExperiment.run(
                    instance: instance, plan: plan, policy: policy, gpus: 10, horizon: 300, warmup: 100, seeds: [seed]
                ).revenuePerGPU.mean
            }
        }
        func meanAndHalfWidth(_ values: [Double], t: Double) -> (mean: Double, halfWidth: Double) {
            let mean = values.reduce(0, +) / Double(values.count)
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)
            return (mean, t * (variance / Double(values.count)).squareRoot())
        }
        let gate = try revenues(.gateAndRoute), fcfs = try revenues(.fiWSP)
        let difference = meanAndHalfWidth(zip(gate, fcfs).map { $0 - $1 }, t: 2.132)
        let revenue = meanAndHalfWidth(gate, t: 2.776)
        print("token level n=10: gate-and-route \(gate), fi-wsp \(fcfs); difference \(difference), revenue \(revenue)")
        #expect(difference.mean - difference.halfWidth > 0, "gate − FCFS \(difference)")
        #expect(revenue.mean - revenue.halfWidth <= plan.revenuePerGPU, "\(revenue) vs R* \(plan.revenuePerGPU)")
        #expect(revenue.mean - revenue.halfWidth >= 0.95 * plan.revenuePerGPU, "\(revenue) vs R* \(plan.revenuePerGPU)")
        #expect(abs(plan.revenuePerGPU - 297.7032) < 1e-3)
    }

    /// Decode back-pressure at token level holds the rationed class (code, q_p* > 0) back while
    /// decodes are buffered: fewer code completions, and shorter decode waits (lower TPOT), than the
    /// paper's never-idling gate on the same seed; the fully served class keeps its throughput.
    @Test func backPressureHoldsTheRationedClass() throws {
        let instance = ConvergenceInstance.instance(gpus: 10)
        let plan = try GateRouteProblem(instance: instance).solved().plan
        #expect(plan.classes.map(\.isRationed) == [true, false])
        let paper = try TokenLevelExperiment.run(
            instance: instance, plan: plan, policy: .gateAndRoute, gpus: 10, horizon: 1000, warmup: 200, seeds: [1])
        let held = try TokenLevelExperiment.run(
            instance: instance, plan: plan, policy: .gateAndRoute, gpus: 10, horizon: 1000, warmup: 200, seeds: [1],
            rationedClasses: .whenDecodeIdle)
        #expect(held.completedPerGPU[0] < paper.completedPerGPU[0])
        #expect(held.meanTPOT <= paper.meanTPOT)
        #expect(held.completedPerGPU[1] > 0.95 * paper.completedPerGPU[1])
    }
}
