import InferenceAPI
import Synchronization

/// A Prometheus histogram with fixed bucket bounds (cumulative counts are computed when rendered).
struct PrometheusHistogram: Sendable {
    let bounds: [Double]
    private(set) var counts: [Int]
    private(set) var sum = 0.0
    private(set) var count = 0

    init(bounds: [Double]) {
        self.bounds = bounds
        counts = [Int](repeating: 0, count: bounds.count)
    }

    mutating func observe(_ value: Double) {
        sum += value
        count += 1
        // The first bound >= value (le is inclusive); above every bound only +Inf counts it.
        var low = 0
        var high = bounds.count
        while low < high {
            let middle = (low + high) / 2
            if bounds[middle] < value { low = middle + 1 } else { high = middle }
        }
        if low < counts.count { counts[low] += 1 }
    }

    func render(name: String, help: String, labels: String, into text: inout String) {
        text += "# HELP \(name) \(help)\n# TYPE \(name) histogram\n"
        var cumulative = 0
        for (bound, bucket) in zip(bounds, counts) {
            cumulative += bucket
            text += "\(name)_bucket{\(labels),le=\"\(PrometheusText.number(bound))\"} \(cumulative)\n"
        }
        text += "\(name)_bucket{\(labels),le=\"+Inf\"} \(count)\n"
        text += "\(name)_sum{\(labels)} \(PrometheusText.number(sum))\n"
        text += "\(name)_count{\(labels)} \(count)\n"
    }
}

/// Number and label formatting of the Prometheus text format (0.0.4).
enum PrometheusText {
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        return value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) + ".0" : String(value)
    }

    /// A label value with `\`, `"` and newlines escaped.
    static func labelValue(_ value: String) -> String {
        var escaped = ""
        for character in value {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}

/// The engine's own counts at one moment, for the gauges.
public struct MockEngineLoad: Sendable, Hashable {
    /// Requests admitted to the batch (vLLM's `num_requests_running`).
    public var running: Int
    /// Requests queued (vLLM's `num_requests_waiting`).
    public var waiting: Int
    /// Fraction of KV-cache blocks in use (vLLM's `kv_cache_usage_perc`, a fraction despite its name).
    public var kvUsage: Double
}

/// The counters and histograms a mock engine exports under vLLM's metric names, rendered as
/// Prometheus text by `render(load:)`.
///
/// ```swift
/// let metrics = MockEngineMetrics(modelName: "llama-3.1-8b")
/// metrics.record(MockEngineMetrics.Batch(firstTokens: [0.05], interTokens: [0.01], promptTokens: 512, generationTokens: 2))
/// print(metrics.render(load: MockEngineLoad(running: 1, waiting: 0, kvUsage: 0.01)))
/// ```
public final class MockEngineMetrics: Sendable {
    /// vLLM's TTFT bucket bounds (seconds).
    static let firstTokenBounds: [Double] = [
        0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0,
        640.0, 2560.0,
    ]
    /// vLLM's inter-token latency bucket bounds (seconds).
    static let interTokenBounds: [Double] = [
        0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0,
    ]

    /// What one engine iteration (or one instant answer) adds.
    public struct Batch: Sendable {
        public var firstTokens: [Double] = []
        public var interTokens: [Double] = []
        public var promptTokens = 0
        public var generationTokens = 0
        public init(firstTokens: [Double] = [], interTokens: [Double] = [], promptTokens: Int = 0, generationTokens: Int = 0) {
            self.firstTokens = firstTokens
            self.interTokens = interTokens
            self.promptTokens = promptTokens
            self.generationTokens = generationTokens
        }
    }

    struct Store: Sendable {
        var firstToken = PrometheusHistogram(bounds: MockEngineMetrics.firstTokenBounds)
        var interToken = PrometheusHistogram(bounds: MockEngineMetrics.interTokenBounds)
        var promptTokens = 0
        var generationTokens = 0
        var success: [String: Int] = ["stop": 0, "length": 0]
    }

    private let store = Mutex(Store())
    private let labels: String

    public init(modelName: String) {
        labels = "model_name=\"\(PrometheusText.labelValue(modelName))\""
    }

    /// Adds one iteration's observations under one lock.
    public func record(_ batch: Batch) {
        store.withLock { store in
            for value in batch.firstTokens { store.firstToken.observe(value) }
            for value in batch.interTokens { store.interToken.observe(value) }
            store.promptTokens += batch.promptTokens
            store.generationTokens += batch.generationTokens
        }
    }

    /// Counts a request answered in full.
    public func recordSuccess(_ reason: FinishReason) {
        store.withLock { $0.success[reason.rawValue, default: 0] += 1 }
    }

    /// Totals so far: prompt tokens, generation tokens, successful requests, TTFT and ITL observations.
    public var totals: (promptTokens: Int, generationTokens: Int, succeeded: Int, firstTokens: Int, interTokens: Int) {
        store.withLock { store in
            (store.promptTokens, store.generationTokens, store.success.values.reduce(0, +), store.firstToken.count,
             store.interToken.count)
        }
    }

    /// The Prometheus text of every metric, the gauges from `load`.
    public func render(load: MockEngineLoad) -> String {
        let store = store.withLock { $0 }
        var text = ""
        text.reserveCapacity(4096)
        gauge("vllm:num_requests_running", "Number of requests in model execution batches.", Double(load.running), into: &text)
        gauge("vllm:num_requests_waiting", "Number of requests waiting to be processed.", Double(load.waiting), into: &text)
        gauge("vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", load.kvUsage, into: &text)
        counter("vllm:prompt_tokens_total", "Number of prefill tokens processed.", store.promptTokens, into: &text)
        counter("vllm:generation_tokens_total", "Number of generation tokens processed.", store.generationTokens, into: &text)
        text += "# HELP vllm:request_success_total Count of successfully processed requests.\n"
        text += "# TYPE vllm:request_success_total counter\n"
        for reason in store.success.keys.sorted() {
            text += "vllm:request_success_total{finished_reason=\"\(reason)\",\(labels)} \(store.success[reason] ?? 0).0\n"
        }
        store.firstToken.render(
            name: "vllm:time_to_first_token_seconds", help: "Histogram of time to first token in seconds.", labels: labels,
            into: &text)
        store.interToken.render(
            name: "vllm:inter_token_latency_seconds", help: "Histogram of inter-token latency in seconds.", labels: labels,
            into: &text)
        return text
    }

    private func gauge(_ name: String, _ help: String, _ value: Double, into text: inout String) {
        text += "# HELP \(name) \(help)\n# TYPE \(name) gauge\n\(name){\(labels)} \(PrometheusText.number(value))\n"
    }

    private func counter(_ name: String, _ help: String, _ value: Int, into text: inout String) {
        text += "# HELP \(name) \(help)\n# TYPE \(name) counter\n\(name){\(labels)} \(value).0\n"
    }
}
