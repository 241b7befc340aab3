/// What the capacity model needs from a model's traffic: a sample of lengths and its moments.
/// ```
/// let profile = WorkloadProfile(workload.lengthSample(count: 2000))
/// print(profile.meanPrompt, profile.meanOutput)
/// ```
public struct WorkloadProfile: Sendable, Hashable {
    /// Prompt and output lengths of the sample (at least one request).
    public var prompts: [Int]
    public var outputs: [Int]
    public var meanPrompt: Double
    public var meanOutput: Double
    /// Mean context (prompt + tokens generated so far) of a decoding stream, over stream time:
    /// E[O (P + O/2)] / E[O], since a request decodes for a time proportional to its output.
    public var meanDecodeContext: Double
    /// Prompt lengths at evenly spaced quantiles (what the TTFT percentile mixes over).
    public var promptQuantiles: [Int]

    public init(_ sample: [(prompt: Int, output: Int)]) {
        let sample = sample.isEmpty ? [(1, 1)] : sample
        prompts = sample.map(\.prompt)
        outputs = sample.map(\.output)
        let count = Double(sample.count)
        meanPrompt = Double(prompts.reduce(0, +)) / count
        meanOutput = Double(outputs.reduce(0, +)) / count
        let weighted = sample.reduce(0.0) { $0 + Double($1.output) * (Double($1.prompt) + Double($1.output) / 2) }
        meanDecodeContext = weighted / max(1, Double(outputs.reduce(0, +)))
        let sorted = prompts.sorted()
        promptQuantiles = (0..<16).map { sorted[min(sorted.count - 1, Int((Double($0) + 0.5) / 16 * Double(sorted.count)))] }
    }
}
