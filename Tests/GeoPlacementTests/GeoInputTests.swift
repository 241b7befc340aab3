import Solver
import Planning
import Testing
@testable import GeoPlacement

/// The geo planner's guards on input that used to trap or reach the solver.
@Suite struct GeoInputTests {
    /// Two servers that each hold all 4 blocks with room for |R| = 1: the second is placed after the
    /// first already covers every block, on the only window there is (this trapped on an empty range).
    @Test func aServerHoldingEveryBlockAfterCoverage() throws {
        let instance = hubInstance(blocks: 4, cacheBytesPerToken: 1, promptTokens: 1, outputTokens: 1,
                                   rtt: [0.01, 0.02], decode: [1, 1], memory: [1000, 1000])
        let result = try CGBP.place(instance: instance, plannedRequests: 1)
        #expect(result.placement.ranges == [BlockRange(firstBlock: 0, blockCount: 4), BlockRange(firstBlock: 0, blockCount: 4)])
    }

    /// λT̂ = 0.5 · 10 = 5: round(5 + √5) = 7; a load of 10²¹ is capped at R_max instead of trapping in Int().
    @Test func plannedRequestsClampedToTheBound() {
        #expect(WSRRRouter.plannedRequests(arrivalRate: 0.5, singleRequestSeconds: 10, max: 100) == 7)
        #expect(WSRRRouter.plannedRequests(arrivalRate: 1e6, singleRequestSeconds: 1e15, max: 40) == 40)
        #expect(WSRRRouter.plannedRequests(arrivalRate: .nan, singleRequestSeconds: 1, max: 40) == 40)
    }

    /// 9 servers, 10 requests: 10 · (81 + 9) = 900 links, 20 rows and 80 nonzeros each.
    @Test func milpSizeByHand() {
        let size = GeoMILP.size(servers: 9, requests: 10)
        #expect(size.rows == 18_000)
        #expect(size.nonzeros == 72_000)
    }

    /// Block 1 byte against one request's cache of 0.05 · 1 = 0.05 bytes: a ratio of 20, fine; block
    /// 1e9 bytes against 0.05: 2e10, above 1e9.
    @Test func numericallyHopelessMemoryRows() throws {
        #expect(GeoMILP.numericalProblem(cgbpVectorInstance()) == nil)
        var instance = cgbpVectorInstance()
        instance.model.blockBytes = 1e9
        let problem = try #require(GeoMILP.numericalProblem(instance))
        #expect(problem.hasPrefix("the MILP is numerically hopeless"))
        #expect(problem.contains("a ratio of 2e+10"))
        #expect(throws: PlanningError.self) { try GeoMILP.solve(instance: instance, requestClients: [0]) }
    }

    @Test func milpTimeLimitMustBeFinitePositive() {
        for limit in [Double.nan, .infinity, 0, -5] {
            #expect(throws: PlanningError.self) { try GeoMILP.solve(instance: cgbpVectorInstance(), requestClients: [0], timeLimit: limit) }
        }
    }
}
