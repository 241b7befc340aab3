import Deployment
import ServingModel
import Testing

/// The smallest one-node layout under vLLM's memory rule, against the memory tests' known figures.
@Suite struct SmallestLayoutTests {
    /// Llama-3.1-70B's bf16 weights (141 GB) do not fit one H100-80GB; at TP2 vLLM's rule leaves
    /// 3,552 tokens of cache at vllm serve's default limits (MemoryFitTests derives the figure).
    @Test func llama70BNeedsTwoH100s() throws {
        let model = try #require(Catalog.builtin.model(named: "llama-3.1-70b"))
        let gpu = try #require(Catalog.builtin.gpu(named: "H100-80GB"))
        let fit = SmallestLayout(model: model, gpu: gpu)
        #expect(fit.tensorParallel == 2)
        #expect(fit.kvCapacityTokens == 3552)
    }

    /// Llama-3.1-405B (810 GB of bf16 weights) fits no single 8-GPU H100 node: no layout, no cache.
    @Test func llama405BFitsNoH100Node() throws {
        let model = try #require(Catalog.builtin.model(named: "llama-3.1-405b"))
        let gpu = try #require(Catalog.builtin.gpu(named: "H100-80GB"))
        let fit = SmallestLayout(model: model, gpu: gpu)
        #expect(fit.tensorParallel == nil && fit.kvCapacityTokens == nil)
    }
}
