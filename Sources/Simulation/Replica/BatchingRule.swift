/// How a replica's scheduler forms each iteration's batch, after the engine whose behaviour it
/// follows. Every rule keeps at most B requests admitted (`batchSize`, vLLM's `max_num_seqs`),
/// admits waiting requests first come first served with head-of-line blocking, holds the KV cache
/// in blocks of `blockSize` tokens (a request holds ⌈tokens / blockSize⌉ blocks; a decode step
/// takes a new block only when its context crosses a block boundary), keeps `watermark` of the
/// blocks free when it admits a request, and preempts by recompute the most recently admitted
/// request when a running one needs a block and none is free (its blocks are freed; it returns to
/// the front of the queue and later re-prefills prompt + generated tokens).
///
/// ```swift
/// let replica = ReplicaConfiguration(
///     name: "H100 #0", iterationModel: law, batchSize: 128, chunkSize: 4096, kvCapacityTokens: 483_328,
///     scheduler: .vllmV0, blockSize: 16, watermark: 0.01)
/// ```
public enum BatchingRule: String, Sendable, Hashable, CaseIterable, Codable {
    /// vLLM's V1 engine scheduler (the default since vLLM 0.8; `vllm/v1/core/sched/scheduler.py`):
    /// one token budget C (`max_num_batched_tokens`) per iteration, spent first on the running
    /// requests in admission order (each decode 1 token, a request still prefilling its next chunk
    /// of what is left), then on waiting requests admitted FCFS while the budget, B and the free
    /// blocks allow: several prompts per iteration, the last one chunked to the remaining budget.
    /// Blocks are allocated chunk by chunk, as V1 does. When a running request cannot get a block,
    /// the newest running request is preempted, and no request is admitted in that iteration.
    /// The watermark applies to admissions only when something else is already scheduled in the
    /// iteration, as in vLLM V1's `allocate_slots` (whose own default watermark is 0: set
    /// `watermark: 0` to match it). Needs C ≥ B, which vLLM enforces too.
    case vllmV1 = "vllm-v1"
    /// vLLM V0's default scheduler without chunked prefill (`vllm/core/scheduler.py`, the V0
    /// engine, vLLM's default before 0.8), as Vidur 0.0.26's `vllm` replica scheduler runs it:
    /// when the head of the queue can be admitted, the iteration is a prefill-only batch of whole prompts admitted FCFS while B, the
    /// free blocks (watermark kept) and the token budget (Σ prompt tokens ≤ C: vLLM's
    /// `max_num_batched_tokens`, Vidur's `max_tokens_in_batch`, 4096 there) allow, and every decode
    /// waits; otherwise it is a decode-only iteration of all running streams. A prompt's blocks are
    /// all allocated on admission. A prompt above C can never run and is rejected, as vLLM does
    /// (`FINISHED_IGNORED`; Vidur would stall its queue). Two deviations from Vidur, both only
    /// under KV pressure: a decode step preempts only when the cache is short of the blocks the
    /// decodes need (vLLM's rule; Vidur asks for one free block per running request even when it
    /// needs none), and a preemption does not crash (Vidur 0.0.26's recompute trips an assertion).
    case vllmV0 = "vllm-v0"
    /// Sarathi-Serve's stall-free batching, as Vidur 0.0.26's `sarathi` replica scheduler runs it:
    /// a chunk budget C that includes the decodes: every decoding stream takes 1 token, the rest of
    /// the budget goes to prefill chunks, running prefills first in admission order, then waiting
    /// requests admitted FCFS (several prompts per iteration, the last one chunked). A prompt's
    /// blocks are all allocated on admission. Its KV blocks and preemption are vllm-v0's (Vidur
    /// shares the code, and the same two deviations apply); running requests are taken in
    /// admission order where Vidur sorts them by arrival, which differ only after a preemption.
    case sarathi
    /// GPUSched's original rule: all decoding streams plus one prefill chunk of at most C tokens for
    /// the earliest admitted request still prefilling. Admission reserves the whole prefill target.
    /// With `blockSize: 1` and `watermark: 0` its KV accounting is token by token, as it always was.
    case singleChunk = "single-chunk"
}
