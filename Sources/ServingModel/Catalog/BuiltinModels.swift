// The models shipped in `Catalog.builtin`.
//
// Shapes come from each model's published Hugging Face `config.json` (repo id cited per entry):
// layers = num_hidden_layers, hiddenSize = hidden_size, attentionHeads = num_attention_heads,
// kvHeads = num_key_value_heads, headDim = head_dim (or hidden_size / num_attention_heads where the
// config has none), intermediateSize = intermediate_size, vocabSize = vocab_size.
// `parameterCount` is the published total (all experts included), from the model card or the Hub's
// safetensors metadata. Dense models are stored in bf16 (2 bytes per weight) with a bf16 KV cache.

extension Catalog {
    /// The built-in models, in display order.
    static let builtinModels: [ModelSpec] = [
        // meta-llama/Llama-3.1-8B (config.json; tie_word_embeddings false). Published: 8.03B.
        ModelSpec(
            name: "llama-3.1-8b", layers: 32, hiddenSize: 4096, attentionHeads: 32, kvHeads: 8, headDim: 128,
            intermediateSize: 14336, vocabSize: 128256, parameterCount: 8.03e9
        ),
        // meta-llama/Llama-3.1-70B (config.json; tie_word_embeddings false). Published: 70.6B.
        ModelSpec(
            name: "llama-3.1-70b", layers: 80, hiddenSize: 8192, attentionHeads: 64, kvHeads: 8, headDim: 128,
            intermediateSize: 28672, vocabSize: 128256, parameterCount: 70.6e9
        ),
        // meta-llama/Llama-3.1-405B (config.json; tie_word_embeddings false). Published: 405B (Meta's
        // model card; the Hub's safetensors metadata rounds the exact 405.85B to "406B").
        ModelSpec(
            name: "llama-3.1-405b", layers: 126, hiddenSize: 16384, attentionHeads: 128, kvHeads: 8, headDim: 128,
            intermediateSize: 53248, vocabSize: 128256, parameterCount: 405e9
        ),
        // Qwen/Qwen3-4B (config.json). head_dim is explicitly 128 although hidden_size / heads = 80.
        // tie_word_embeddings TRUE (the LM head shares the embedding matrix).
        // Published (model card): 4.0B, 3.6B non-embedding.
        ModelSpec(
            name: "qwen3-4b", layers: 36, hiddenSize: 2560, attentionHeads: 32, kvHeads: 8, headDim: 128,
            intermediateSize: 9728, vocabSize: 151936, parameterCount: 4.0e9
        ),
        // Qwen/Qwen3-8B (config.json; head_dim 128; tie_word_embeddings false).
        // Published (model card): 8.2B, 6.95B non-embedding.
        ModelSpec(
            name: "qwen3-8b", layers: 36, hiddenSize: 4096, attentionHeads: 32, kvHeads: 8, headDim: 128,
            intermediateSize: 12288, vocabSize: 151936, parameterCount: 8.2e9
        ),
        // Qwen/Qwen3-32B (config.json; head_dim 128 although hidden_size / heads = 80;
        // tie_word_embeddings false). Published (model card): 32.8B, 31.2B non-embedding.
        ModelSpec(
            name: "qwen3-32b", layers: 64, hiddenSize: 5120, attentionHeads: 64, kvHeads: 8, headDim: 128,
            intermediateSize: 25600, vocabSize: 151936, parameterCount: 32.8e9
        ),
        // deepseek-ai/DeepSeek-R1-Distill-Qwen-7B (config.json; Qwen2 architecture from Qwen2.5-Math-7B,
        // head_dim = 3584 / 28 = 128; tie_word_embeddings false). Published (Hub): 7.62B.
        ModelSpec(
            name: "deepseek-r1-distill-qwen-7b", layers: 28, hiddenSize: 3584, attentionHeads: 28, kvHeads: 4,
            headDim: 128, intermediateSize: 18944, vocabSize: 152064, parameterCount: 7.62e9
        ),
        // deepseek-ai/DeepSeek-R1-Distill-Llama-70B (config.json; Llama-3.3-70B shape, tie_word_embeddings
        // false). Published (Hub): 70.6B.
        ModelSpec(
            name: "deepseek-r1-distill-llama-70b", layers: 80, hiddenSize: 8192, attentionHeads: 64, kvHeads: 8,
            headDim: 128, intermediateSize: 28672, vocabSize: 128256, parameterCount: 70.6e9
        ),
        // deepseek-ai/DeepSeek-V3 (config.json): 61 layers, hidden 7168, 128 heads, multi-head latent
        // attention with kv_lora_rank 512, qk_rope_head_dim 64, qk_nope_head_dim 128, v_head_dim 128,
        // q_lora_rank 1536.
        // - headDim = qk_nope_head_dim + qk_rope_head_dim = 192 (the query/key width per head).
        // - kvHeads = 128 = num_key_value_heads: MLA does not cache per-head K/V; it caches the
        //   512-wide latent plus the 64-wide RoPE key per layer (see `.multiHeadLatent`), so kvHeads
        //   does not enter the KV-cache size.
        // - intermediate_size 18432 is the dense MLP of the first_k_dense_replace = 3 dense layers;
        //   the other 58 layers are MoE: 256 routed experts (n_routed_experts), top-8
        //   (num_experts_per_tok), 1 shared expert, moe_intermediate_size 2048, group-limited routing
        //   with n_group 8 and topk_group 4.
        // - Published: 671B total (37B activated), excluding the 14B multi-token-prediction module.
        // - Weights are released natively in fp8 (e4m3 with 128×128 block scales; embeddings, norms and
        //   router gates stay bf16, a small fraction) -> 1 byte per parameter; bf16 KV cache.
        ModelSpec(
            name: "deepseek-v3", layers: 61, hiddenSize: 7168, attentionHeads: 128, kvHeads: 128, headDim: 192,
            intermediateSize: 18432, vocabSize: 129280, parameterCount: 671e9, bytesPerParameter: 1,
            attention: .multiHeadLatent(kvLoraRank: 512, ropeHeadDim: 64),
            moe: MoESpec(
                moeLayers: 58, routedExperts: 256, expertsPerToken: 8, sharedExperts: 1,
                expertIntermediateSize: 2048, expertGroups: 8, groupsPerToken: 4
            )
        ),
        // DeepSeek-V3 quantised to 4-bit weights with AWQ (e.g. the community checkpoint
        // cognitivecomputations/DeepSeek-V3-AWQ), the largest model of Cascadia's cascade (arXiv 2506.04203):
        // the same shape as deepseek-v3 above; group-wise INT4 weights -> 0.5 byte per parameter
        // (scales and zero points, about 1 % more, are not counted); bf16 KV cache. 671B x 0.5 = 335.5 GB
        // of weights, so a replica needs 8 H100-80GB.
        // Its INT4 expert kernels (vLLM's Marlin MoE) are far slower than the roofline's byte counts:
        // `kernelCost` is the least-squares fit (2 parameters, 3 points) of the decode speeds measured
        // on 8 × H100/H200 with vLLM, tensor parallel 8, published on the checkpoint's model card
        // (huggingface.co/cognitivecomputations/DeepSeek-V3-AWQ, "TPS Per Request"): 61.5 tokens/s at
        // batch 1 and ~1K context, 30.1 at batch 32 and ~4.2K context, 54.3 at batch 1 and ~64K
        // context, i.e. 16.26, 33.22 and 18.42 ms per iteration. The roofline alone gives 4.2, 17.1 and
        // 5.8 ms; with the fit 16.5, 33.2 and 18.1 ms (`ExpertKernelCostTests`). Prefill is not fitted.
        ModelSpec(
            name: "deepseek-v3-awq", layers: 61, hiddenSize: 7168, attentionHeads: 128, kvHeads: 128, headDim: 192,
            intermediateSize: 18432, vocabSize: 129280, parameterCount: 671e9, bytesPerParameter: 0.5,
            attention: .multiHeadLatent(kvLoraRank: 512, ropeHeadDim: 64),
            moe: MoESpec(
                moeLayers: 58, routedExperts: 256, expertsPerToken: 8, sharedExperts: 1,
                expertIntermediateSize: 2048, expertGroups: 8, groupsPerToken: 4,
                kernelCost: ExpertKernelCost(fixedSecondsPerLayer: 208.7e-6, weightTrafficFactor: 1.446)
            )
        ),
        // deepseek-ai/deepseek-moe-16b-base (config.json): 28 layers, first_k_dense_replace 1 -> 27 MoE
        // layers; 64 routed experts (n_routed_experts), top-6, 2 shared experts, moe_intermediate_size
        // 1408, dense intermediate_size 10944; MHA with 16 heads of 128. Routing is not grouped.
        // Published (model card / DeepSeekMoE paper): 16.4B total, 2.8B activated.
        ModelSpec(
            name: "deepseekmoe-16b", layers: 28, hiddenSize: 2048, attentionHeads: 16, kvHeads: 16, headDim: 128,
            intermediateSize: 10944, vocabSize: 102400, parameterCount: 16.4e9,
            moe: MoESpec(
                moeLayers: 27, routedExperts: 64, expertsPerToken: 6, sharedExperts: 2,
                expertIntermediateSize: 1408
            )
        ),
        // mistralai/Mixtral-8x7B-v0.1 (config.json): 32 layers, all MoE, 8 local experts, top-2, no
        // shared expert, each expert a SwiGLU MLP with intermediate_size 14336; GQA 32/8, head_dim 128;
        // tie_word_embeddings false. Published (Mistral): 46.7B total, 12.9B active.
        ModelSpec(
            name: "mixtral-8x7b", layers: 32, hiddenSize: 4096, attentionHeads: 32, kvHeads: 8, headDim: 128,
            intermediateSize: 14336, vocabSize: 32000, parameterCount: 46.7e9,
            moe: MoESpec(
                moeLayers: 32, routedExperts: 8, expertsPerToken: 2, sharedExperts: 0,
                expertIntermediateSize: 14336
            )
        ),
        // bigscience/bloom (config.json: n_layer 70, hidden_size 14336, n_head 112, vocab_size 250880).
        // Plain multi-head attention (kvHeads = heads = 112, headDim = 14336 / 112 = 128); the MLP is a
        // 2-matrix GELU MLP of width 4 × hidden = 57344; the LM head is tied to the embedding.
        // Published (model card): 176,247,271,424 parameters.
        ModelSpec(
            name: "bloom-176b", layers: 70, hiddenSize: 14336, attentionHeads: 112, kvHeads: 112, headDim: 128,
            intermediateSize: 57344, vocabSize: 250880, parameterCount: 176.2e9
        ),
    ]
}
