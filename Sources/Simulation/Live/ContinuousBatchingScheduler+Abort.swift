/// Aborts, which the simulator never needs (its requests abandon only while queued) and a live
/// engine does: a client that disconnects takes its admitted request out of the batch.
extension ContinuousBatchingScheduler {
    /// Takes an admitted request (prefilling or decoding) out between iterations: it leaves the
    /// batch and its KV blocks are freed. The caller removes it from the table.
    mutating func abortRunning(_ slot: Int32, table: inout RequestTable) {
        precondition(!isBusy, "an admitted request is aborted only between iterations")
        if table[slot].isDecoding {
            stopDecoding(slot, table: &table)
        } else {
            var kept = SlotQueue()
            prefilling.forEach { if $0 != slot { kept.append($0) } }
            prefilling = kept
        }
        detach(slot, table: &table)
    }
}
