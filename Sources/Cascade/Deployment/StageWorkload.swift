/// The workload one stage receives under some thresholds, summarised for the latency estimate.
///
/// A request with P prompt tokens and O output tokens takes k = ⌈P / C⌉ iterations to prefill (the
/// last of them produces the first token) and O − 1 decode iterations after that.
public struct StageWorkload: Sendable, Hashable {
    /// Requests per second reaching the stage.
    public var arrivalRate: Double
    /// Mean prompt tokens.
    public var meanPrompt: Double
    /// Mean output tokens of this stage's model.
    public var meanOutput: Double
    /// Mean prefill iterations E[⌈P / C⌉].
    public var meanPrefillIterations: Double
    /// 95th percentile over requests of their iterations in the batch, ⌈P / C⌉ + O − 1.
    public var p95Iterations: Double
    /// Requests in the sample that reach the stage.
    public var sampleCount: Int

    /// Summarises the sample requests at `indices` of `samples` for stage `stage` at `arrivalRate`.
    public init(samples: QualitySamples, indices: [Int], stage: Int, arrivalRate: Double, chunkSize: Int) {
        self.arrivalRate = arrivalRate
        sampleCount = indices.count
        guard !indices.isEmpty else {
            meanPrompt = 0; meanOutput = 0; meanPrefillIterations = 0; p95Iterations = 0
            return
        }
        var prompt = 0.0, output = 0.0, chunks = 0.0
        var iterations: [Double] = []
        iterations.reserveCapacity(indices.count)
        for index in indices {
            let request = samples.requests[index]
            let k = (request.promptTokens + chunkSize - 1) / chunkSize
            prompt += Double(request.promptTokens)
            output += Double(request.outputTokens[stage])
            chunks += Double(k)
            iterations.append(Double(k + request.outputTokens[stage] - 1))
        }
        let count = Double(indices.count)
        meanPrompt = prompt / count
        meanOutput = output / count
        meanPrefillIterations = chunks / count
        iterations.sort()
        p95Iterations = iterations[min(iterations.count - 1, Int((0.95 * count).rounded(.up)) - 1)]
    }
}
