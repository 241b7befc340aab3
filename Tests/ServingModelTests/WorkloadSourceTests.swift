import Foundation
import Testing

@testable import ServingModel

// Synthetic workloads (per-class substreams merged by time) and the `Workload` wrapper.

private let chat = RequestClass(
    name: "chat", arrivals: .poisson(rate: 20), promptTokens: .lognormal(mean: 800, sd: 400),
    outputTokens: .exponential(mean: 250))
private let code = RequestClass(
    name: "code", arrivals: .gamma(rate: 5, cv: 2), promptTokens: .fixed(300),
    outputTokens: .uniform(min: 10, max: 500))

@Suite struct WorkloadSourceTests {

    @Test func sameSeedReplaysTheSameRequests() {
        let first = drain(SyntheticWorkload(classes: [chat, code], horizon: 50, seed: 42))
        let second = drain(SyntheticWorkload(classes: [chat, code], horizon: 50, seed: 42))
        let other = drain(SyntheticWorkload(classes: [chat, code], horizon: 50, seed: 43))
        #expect(!first.isEmpty)
        #expect(first == second)
        #expect(first != other)
    }

    @Test func requestsAreMergedInArrivalOrderAndNumbered() {
        let requests = drain(SyntheticWorkload(classes: [chat, code], horizon: 100, seed: 1))
        #expect(requests.map(\.id) == Array(0..<requests.count))
        #expect(zip(requests, requests.dropFirst()).allSatisfy { $0.arrivalTime <= $1.arrivalTime })
        #expect(requests.allSatisfy { $0.arrivalTime > 0 && $0.arrivalTime < 100 })
        #expect(Set(requests.map(\.classIndex)) == [0, 1])
        #expect(requests.allSatisfy { $0.promptTokens >= 1 && $0.outputTokens >= 1 })
    }

    @Test func eachClassKeepsItsRateAndLengthsOverALongHorizon() {
        let horizon = 10_000.0
        let requests = drain(SyntheticWorkload(classes: [chat, code], horizon: horizon, seed: 5))
        let chats = requests.filter { $0.classIndex == 0 }
        let codes = requests.filter { $0.classIndex == 1 }
        // Counts: Poisson sd √(λT) ≈ 0.2 %, gamma renewal sd √(λ·cv²·T) ≈ 0.9 %.
        #expect(isClose(Double(chats.count), 20 * horizon, relative: 0.01))
        #expect(isClose(Double(codes.count), 5 * horizon, relative: 0.04))
        #expect(isClose(meanAndVariance(chats.map { Double($0.promptTokens) }).mean, 800, relative: 0.01))
        #expect(isClose(meanAndVariance(chats.map { Double($0.outputTokens) }).mean, 250, relative: 0.01))
        #expect(codes.allSatisfy { $0.promptTokens == 300 })
        #expect(isClose(meanAndVariance(codes.map { Double($0.outputTokens) }).mean, 255, relative: 0.01))
    }

    @Test func aClassDrawsFromItsOwnSubstreamInTheDocumentedOrder() {
        let requests = drain(SyntheticWorkload(classes: [chat], horizon: 5, seed: 7))
        var random = SeededRandom(seed: 7).substream(0)
        var time = chat.arrivals.nextGap(&random)
        var expected: [Request] = []
        while time < 5 {
            let prompt = chat.promptTokens.sample(&random)
            let output = chat.outputTokens.sample(&random)
            expected.append(Request(
                id: expected.count, classIndex: 0, arrivalTime: time, promptTokens: prompt, outputTokens: output))
            time += chat.arrivals.nextGap(&random)
        }
        #expect(requests == expected)
    }

    @Test func classesDoNotShiftEachOthersRequests() {
        func classRequests(_ classes: [RequestClass], _ index: Int) -> [Request] {
            drain(SyntheticWorkload(classes: classes, horizon: 60, seed: 11)).filter { $0.classIndex == index }
        }
        func strip(_ requests: [Request]) -> [[Double]] {
            requests.map { [$0.arrivalTime, Double($0.promptTokens), Double($0.outputTokens)] }
        }
        let fasterChat = RequestClass(
            name: "chat", arrivals: .poisson(rate: 80), promptTokens: .fixed(10), outputTokens: .fixed(10))
        #expect(strip(classRequests([chat], 0)) == strip(classRequests([chat, code], 0)))
        #expect(strip(classRequests([chat, code], 1)) == strip(classRequests([fasterChat, code], 1)))
    }

    @Test func noClassesGiveNoRequests() {
        var source = SyntheticWorkload(classes: [], horizon: 100, seed: 1)
        #expect(source.next() == nil)
    }

    @Test func syntheticWorkloadNamesItsClasses() {
        let workload = Workload.synthetic([chat, code])
        #expect(workload.classNames == ["chat", "code"])
        #expect(drain(workload.source(horizon: 20, seed: 3)) == drain(SyntheticWorkload(classes: [chat, code], horizon: 20, seed: 3)))
    }

    @Test func traceWorkloadReplaysUpToTheHorizonWhateverTheSeed() {
        let requests = (0..<5).map {
            Request(id: $0, classIndex: 0, arrivalTime: Double($0), promptTokens: 10 + $0, outputTokens: 1)
        }
        let workload = Workload.trace(path: "t.csv", requests: requests, classNames: ["trace"])
        #expect(workload.classNames == ["trace"])
        #expect(drain(workload.source(horizon: 3, seed: 1)) == Array(requests.prefix(3)))
        #expect(drain(workload.source(horizon: 3, seed: 2)) == Array(requests.prefix(3)))
        #expect(drain(TraceWorkload(requests: requests)) == requests)
    }
}
