import Router
import Testing

@Suite("CircuitBreaker")
struct CircuitBreakerTests {
    @Test("opens after the threshold of consecutive failures; a success in between resets the count")
    func opens() {
        var breaker = CircuitBreaker(failureThreshold: 3, openSeconds: 5)
        breaker.recordFailure(now: 0)
        breaker.recordFailure(now: 0)
        breaker.recordSuccess(now: 0)
        breaker.recordFailure(now: 1)
        breaker.recordFailure(now: 1)
        #expect(breaker.state == .closed)
        #expect(breaker.allowsRequest(now: 1) == true)
        breaker.recordFailure(now: 2)
        #expect(breaker.state == .open)
        #expect(breaker.allowsRequest(now: 6.9) == false)
    }

    @Test("half-open lets one trial through; its failure reopens, its success closes")
    func halfOpen() {
        var breaker = CircuitBreaker(failureThreshold: 1, openSeconds: 5)
        breaker.recordFailure(now: 10)
        #expect(breaker.allowsRequest(now: 15) == true)
        #expect(breaker.state == .halfOpen)
        breaker.claimTrial(now: 15)
        #expect(breaker.allowsRequest(now: 15.1) == false)
        breaker.recordFailure(now: 16)
        #expect(breaker.state == .open)
        #expect(breaker.allowsRequest(now: 20.9) == false)
        #expect(breaker.allowsRequest(now: 21) == true)
        breaker.claimTrial(now: 21)
        breaker.recordSuccess(now: 21.5)
        #expect(breaker.state == .closed)
        #expect(breaker.allowsRequest(now: 21.5) == true)
    }
}

@Suite("EngineMetricsParser")
struct EngineMetricsParserTests {
    private let vllm = """
        # HELP vllm:num_requests_running Number of requests in model execution batches.
        # TYPE vllm:num_requests_running gauge
        vllm:num_requests_running{engine="0",model_name="llama"} 7.0
        vllm:num_requests_running{engine="1",model_name="llama"} 3.0
        vllm:num_requests_waiting{engine="0",model_name="llama"} 2.0
        vllm:kv_cache_usage_perc{engine="0",model_name="llama"} 0.5
        vllm:kv_cache_usage_perc{engine="1",model_name="llama"} 0.25
        vllm:num_requests_running_total 99
        vllm:time_to_first_token_seconds_bucket{le="0.1",model_name="llama"} 4.0
        """

    @Test("vLLM: running and waiting summed over engines, usage averaged")
    func vllmText() {
        #expect(EngineMetricsParser.parse(vllm, source: .vllm, ageSeconds: 0.5)
            == EngineLoad(running: 10, waiting: 2, kvCacheUsage: 0.375, ageSeconds: 0.5))
    }

    @Test("SGLang names; the deprecated vLLM usage name is read when the new one is absent")
    func otherNames() {
        let sglang = "sglang:num_running_reqs{tp_rank=\"0\"} 4\nsglang:num_queue_reqs{tp_rank=\"0\"} 1\nsglang:token_usage 0.2\n"
        #expect(EngineMetricsParser.parse(sglang, source: .sglang, ageSeconds: 0)
            == EngineLoad(running: 4, waiting: 1, kvCacheUsage: 0.2, ageSeconds: 0))
        let old = "vllm:num_requests_running 1\nvllm:gpu_cache_usage_perc 0.9\n"
        #expect(EngineMetricsParser.parse(old, source: .vllm, ageSeconds: 0)?.kvCacheUsage == 0.9)
    }

    @Test("text without the engine's metrics, or malformed, gives nil")
    func absent() {
        #expect(EngineMetricsParser.parse("up 1\n", source: .vllm, ageSeconds: 0) == nil)
        #expect(EngineMetricsParser.parse("vllm:num_requests_running{x=\"1\" NaN\n", source: .vllm, ageSeconds: 0) == nil)
        #expect(EngineMetricsParser.parse(vllm, source: .none, ageSeconds: 0) == nil)
    }
}
