/// Reads the load an engine reports in its Prometheus `/metrics` text: vLLM's
/// `vllm:num_requests_running`, `vllm:num_requests_waiting`, `vllm:kv_cache_usage_perc` (or the
/// older `vllm:gpu_cache_usage_perc`), SGLang's `sglang:num_running_reqs`, `sglang:num_queue_reqs`,
/// `sglang:token_usage`. Samples of one metric with several label sets (several models or DP ranks)
/// are summed, usage averaged.
///
/// ```swift
/// let load = EngineMetricsParser.parse(text, source: .vllm, ageSeconds: 0)
/// print(load?.running ?? 0)
/// ```
public enum EngineMetricsParser {
    /// The metric names of each engine: running, waiting, KV-cache usage (alternatives in order).
    static func names(_ source: EngineMetricsSource) -> (running: [String], waiting: [String], usage: [String])? {
        switch source {
        case .none: nil
        case .vllm: (["vllm:num_requests_running"], ["vllm:num_requests_waiting"], ["vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc"])
        case .sglang: (["sglang:num_running_reqs"], ["sglang:num_queue_reqs"], ["sglang:token_usage"])
        }
    }

    /// The engine's load, or nil when the text has neither its running nor its waiting metric.
    public static func parse(_ text: String, source: EngineMetricsSource, ageSeconds: Double) -> EngineLoad? {
        guard let names = names(source) else { return nil }
        var sums: [String: (total: Double, count: Int)] = [:]
        let wanted = Set(names.running + names.waiting + names.usage)
        for line in text.split(whereSeparator: \.isNewline) {
            guard let first = line.first, first != "#" else { continue }
            guard let sample = sampleOf(line) else { continue }
            let name = String(sample.name)
            guard wanted.contains(name) else { continue }
            let entry = sums[name, default: (0, 0)]
            sums[name] = (entry.total + sample.value, entry.count + 1)
        }
        func total(_ keys: [String]) -> Double? { keys.lazy.compactMap { sums[$0]?.total }.first }
        func mean(_ keys: [String]) -> Double? {
            keys.lazy.compactMap { key in sums[key].map { $0.total / Double($0.count) } }.first
        }
        let running = total(names.running)
        let waiting = total(names.waiting)
        guard running != nil || waiting != nil else { return nil }
        let usage = min(1, max(0, mean(names.usage) ?? 0))
        return EngineLoad(running: running ?? 0, waiting: waiting ?? 0, kvCacheUsage: usage, ageSeconds: ageSeconds)
    }

    /// `name{labels} value [timestamp]` → (name, value); nil for a malformed or non-finite sample.
    private static func sampleOf(_ line: Substring) -> (name: Substring, value: Double)? {
        let nameEnd = line.firstIndex { $0 == "{" || $0 == " " } ?? line.endIndex
        let name = line[..<nameEnd]
        var rest = line[nameEnd...]
        if rest.first == "{" {
            guard let close = rest.lastIndex(of: "}") else { return nil }
            rest = rest[rest.index(after: close)...]
        }
        guard let valueText = rest.split(separator: " ", omittingEmptySubsequences: true).first,
              let value = Double(valueText), value.isFinite
        else { return nil }
        return (name, value)
    }
}
