import Foundation
import ServingModel
@testable import Simulation

/// Iterations of a fixed length, whatever the batch.
struct ConstantIterationTime: IterationTimeModel {
    var seconds: Double
    func iterationSeconds(_ batch: BatchShape) -> Double { seconds }
}

/// Iterations that cost `perPrefillToken` per prompt token plus `perIteration`.
struct LinearIterationTime: IterationTimeModel {
    var perIteration: Double
    var perPrefillToken: Double
    func iterationSeconds(_ batch: BatchShape) -> Double { perIteration + perPrefillToken * Double(batch.prefillTokens) }
}

/// A fixed list of requests.
struct ListSource: RequestSource {
    var requests: [Request]
    var position = 0
    mutating func next() -> Request? {
        guard position < requests.count else { return nil }
        defer { position += 1 }
        return requests[position]
    }
}

/// Poisson arrivals; prompt and output lengths are ⌈Exp(mean)⌉ (geometric), or fixed when the mean is nil.
struct PoissonSource: RequestSource {
    var rate: Double
    var horizon: Double
    var promptMean: Double?
    var fixedPrompt: Int
    var outputMean: Double?
    var fixedOutput: Int
    var random: SeededRandom
    var time = 0.0
    var nextID = 0

    init(rate: Double, horizon: Double, seed: UInt64, prompt: Int = 1, promptMean: Double? = nil,
         output: Int = 1, outputMean: Double? = nil) {
        self.rate = rate
        self.horizon = horizon
        self.promptMean = promptMean
        self.fixedPrompt = prompt
        self.outputMean = outputMean
        self.fixedOutput = output
        random = SeededRandom(seed: seed)
    }

    mutating func next() -> Request? {
        time += random.exponential(rate: rate)
        guard time <= horizon else { return nil }
        defer { nextID += 1 }
        let prompt = promptMean.map { max(1, Int(random.exponential(rate: 1 / $0).rounded(.up))) } ?? fixedPrompt
        let output = outputMean.map { max(1, Int(random.exponential(rate: 1 / $0).rounded(.up))) } ?? fixedOutput
        return Request(id: nextID, classIndex: 0, arrivalTime: time, promptTokens: prompt, outputTokens: output)
    }
}

func replicas(_ count: Int, model: any IterationTimeModel, batchSize: Int, chunkSize: Int, kv: Int) -> [ReplicaConfiguration] {
    (0..<count).map {
        ReplicaConfiguration(name: "r\($0)", iterationModel: model, batchSize: batchSize, chunkSize: chunkSize, kvCapacityTokens: kv)
    }
}
