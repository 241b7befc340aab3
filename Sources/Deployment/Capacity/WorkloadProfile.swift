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
    /// Squared coefficient of variation of the output lengths (0 when fixed, 1 when exponential).
    public var outputVariation: Double
    /// Output lengths above 1 (those with a TPOT) at evenly spaced quantiles, each distinct length
    /// once with its share of the sample (what the TPOT percentile mixes over).
    public var decodeLengths: [DecodeLength]
    /// Prompt lengths at evenly spaced quantiles (what the TTFT percentile mixes over).
    public var promptQuantiles: [Int]

    public init(_ sample: [(prompt: Int, output: Int)]) {
        let sample = sample.isEmpty ? [(1, 1)] : sample
        prompts = sample.map(\.prompt)
        outputs = sample.map(\.output)
        let count = Double(sample.count)
        meanPrompt = Double(prompts.reduce(0, +)) / count
        meanOutput = Double(outputs.reduce(0, +)) / count
        let meanSquare = outputs.reduce(0.0) { $0 + Double($1) * Double($1) } / count
        outputVariation = meanOutput > 0 ? max(0, meanSquare - meanOutput * meanOutput) / (meanOutput * meanOutput) : 0
        let weighted = sample.reduce(0.0) { $0 + Double($1.output) * (Double($1.prompt) + Double($1.output) / 2) }
        meanDecodeContext = weighted / max(1, Double(outputs.reduce(0, +)))
        let decoding = outputs.filter { $0 > 1 }.sorted()
        var lengths: [Int: Double] = [:]
        if !decoding.isEmpty {
            for index in 0..<32 { lengths[decoding[min(decoding.count - 1, Int((Double(index) + 0.5) / 32 * Double(decoding.count)))], default: 0] += 1.0 / 32 }
        }
        decodeLengths = lengths.sorted { $0.key < $1.key }.map { DecodeLength(length: $0.key, weight: $0.value) }
        let sorted = prompts.sorted()
        promptQuantiles = (0..<16).map { sorted[min(sorted.count - 1, Int((Double($0) + 0.5) / 16 * Double(sorted.count)))] }
    }
}

/// One output length of a workload profile and its share of the sample.
public struct DecodeLength: Sendable, Hashable {
    public var length: Int
    public var weight: Double
}
