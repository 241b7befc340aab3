/// The policies' decisions at events: admission (which class a free prefill slot takes), decode
/// routing, and what a freed slot does. See `GateRoutePolicy` for the rules and their readings.
extension CTMCEngine {
    // MARK: events

    mutating func arrive(_ i: Int) {
        prefillLine.push(i)
        if counting { counters[5 * i] += 1 }
        admitWhilePossible()
    }

    /// A class-i prefill on GPU g completes.
    mutating func finishPrefill(gpu g: Int, class i: Int) {
        removePrefillRecord(gpu: g, class: i)
        if counting {
            counters[5 * i + 1] += 1
            separateRevenue += prefillValue[i]
        }
        switch execution {
        case .immediate:
            // The job keeps its slot and decodes on g; g may start a new prefill if a slot is left.
            let next = Int(gpuDecodes[g]) + 1 < B ? chooseClass() : -1
            if next >= 0 {
                prefillLine.popHead(next)
                addPrefillRecord(gpu: g, class: next)
            } else {
                stopPrefill(gpu: g)
            }
            place(class: i, gpu: g)
            refresh(g)
        case .greedySoloFirst, .poolSplitFCFS, .poolSplitWeighted, .anyFreeSlotPrefillFirst:
            // The freed prefill slot admits the gate's choice on the same GPU (its decodes keep their speed).
            let next = chooseClass()
            if next >= 0 {
                prefillLine.popHead(next)
                addPrefillRecord(gpu: g, class: next)
            } else {
                stopPrefill(gpu: g)
            }
            refresh(g)
            routeDecode(class: i)
        }
    }

    /// The decode in `slot` completes.
    mutating func finishDecode(slot: Int) {
        let g = slot / B
        let i = Int(slotClass[slot])
        removeDecode(slot: slot, gpu: g)
        if counting {
            counters[5 * i + 2] += 1
            bundledRevenue += bundledValue[i]
            separateRevenue += decodeValue[i]
        }
        switch execution {
        case .greedySoloFirst:
            // Buffer non-empty ⇒ every other decode slot is busy, so the head takes this one.
            if decodeLines[0].total > 0 {
                let c = takeOldestDecode(line: 0)
                place(class: c, gpu: g)
            }
        case .poolSplitFCFS:
            let line = gpuSolo[g] ? 1 : 0
            if decodeLines[line].total > 0 {
                let c = takeOldestDecode(line: line)
                place(class: c, gpu: g)
            }
        case .poolSplitWeighted:
            let line = gpuSolo[g] ? 1 : 0
            if decodeLines[line].total > 0 {
                let c = takeWeightedDecode(line: line)
                place(class: c, gpu: g)
            }
        case .immediate:
            if gpuPrefill[g] < 0 {
                let next = chooseClass()
                if next >= 0 {
                    prefillLine.popHead(next)
                    startPrefill(gpu: g, class: next)
                }
            }
        case .anyFreeSlotPrefillFirst:
            var admitted = false
            if gpuPrefill[g] < 0 {
                let next = chooseClass()
                if next >= 0 {
                    prefillLine.popHead(next)
                    startPrefill(gpu: g, class: next)
                    admitted = true
                }
            }
            if !admitted, decodeLines[0].total > 0 {
                let c = takeOldestDecode(line: 0)
                place(class: c, gpu: g)
            }
        }
        refresh(g)
        admitIfDecodeDrained()
    }

    // MARK: admission

    /// Jobs waiting for a decode slot, over every decode line.
    @inline(__always) var decodeBacklog: Int {
        decodeLines.count == 1 ? decodeLines[0].total : decodeLines[0].total + decodeLines[1].total
    }

    /// With decode back-pressure, idle prefill slots may admit rationed classes again once the decode
    /// buffer has drained.
    @inline(__always) mutating func admitIfDecodeDrained() {
        if decodeBackPressure, admitSet.count > 0, decodeBacklog == 0 { admitWhilePossible() }
    }

    /// Fills idle prefill slots (admit set) while the admission rule has a class to admit.
    mutating func admitWhilePossible() {
        while admitSet.count > 0 {
            let next = chooseClass()
            guard next >= 0 else { return }
            let g = randomMember(of: admitSet)
            prefillLine.popHead(next)
            startPrefill(gpu: g, class: next)
            refresh(g)
        }
    }

    /// The class whose head-of-line job a free prefill slot takes, or −1 to leave it idle.
    mutating func chooseClass() -> Int {
        switch admission {
        case .occupancyGate:
            var best = -1
            var bestXi = 0.0
            var bestDelta = 0.0
            let holdRationed = decodeBackPressure && decodeBacklog > 0
            for i in 0..<K where hasTarget[i] && !(holdRationed && rationed[i]) {
                let waiting = prefillLine.counts[i]
                guard waiting > 0 else { continue }
                let xi = (Double(prefillCount[i]) - targetX[i]) * inverseX[i]
                let delta = Double(waiting) - targetQ[i]
                if best < 0 || xi < bestXi || (xi == bestXi && delta > bestDelta) {
                    best = i
                    bestXi = xi
                    bestDelta = delta
                }
            }
            if best < 0, zeroTarget == .last {
                var longest = 0
                for i in 0..<K where !hasTarget[i] && prefillLine.counts[i] > longest {
                    best = i
                    longest = prefillLine.counts[i]
                }
            }
            return best
        case .decodeHeavyFirst:
            for rank in 0..<K {
                let i = priorityOrder[rank]
                if prefillLine.counts[i] > 0 { return i }
            }
            return -1
        case .fcfs:
            return prefillLine.oldestClass()
        }
    }

    // MARK: decode routing

    /// A class-i job that finished prefill (decoupled execution) asks for a decode slot.
    mutating func routeDecode(class i: Int) {
        switch execution {
        case .greedySoloFirst:
            if soloFree.count > 0 {
                placeAndRefresh(class: i, gpu: randomMember(of: soloFree))
            } else if mixedFree.count > 0 {
                placeAndRefresh(class: i, gpu: randomMember(of: mixedFree))
            } else {
                enqueueDecode(class: i, line: 0)
            }
        case .poolSplitFCFS, .poolSplitWeighted:
            if policyRng.uniform() <= soloProbability[i] {
                if soloFree.count > 0 {
                    placeAndRefresh(class: i, gpu: randomMember(of: soloFree))
                } else {
                    enqueueDecode(class: i, line: 1)
                }
            } else if mixedFree.count > 0 {
                placeAndRefresh(class: i, gpu: randomMember(of: mixedFree))
            } else {
                enqueueDecode(class: i, line: 0)
            }
        case .anyFreeSlotPrefillFirst:
            if decodeLines[0].total == 0, anyFree.count > 0 {
                placeAndRefresh(class: i, gpu: randomMember(of: anyFree))
            } else {
                // Older waiting decodes go first: join the tail, then fill any free slot from the head.
                enqueueDecode(class: i, line: 0)
                while anyFree.count > 0, decodeLines[0].total > 0 {
                    let c = takeOldestDecode(line: 0)
                    placeAndRefresh(class: c, gpu: randomMember(of: anyFree))
                }
            }
        case .immediate:
            preconditionFailure("immediate execution does not route decodes")
        }
    }

    mutating func enqueueDecode(class i: Int, line: Int) {
        decodeLines[line].push(i)
        decodeWaiting[i] += 1
    }

    /// Removes the oldest job of a (FCFS) decode line and returns its class.
    mutating func takeOldestDecode(line: Int) -> Int {
        let c = decodeLines[line].oldestClass()
        decodeLines[line].popHead(c)
        decodeWaiting[c] -= 1
        return c
    }

    /// Draws a class among those waiting in a pool's line with weights ϖ (uniformly when their
    /// weights are all 0, to stay work-conserving), removes its head of line and returns the class.
    mutating func takeWeightedDecode(line: Int) -> Int {
        var total = 0.0
        var nonEmpty = 0
        for i in 0..<K where decodeLines[line].counts[i] > 0 {
            total += poolWeight[line * K + i]
            nonEmpty += 1
        }
        var chosen = -1
        if total > 0 {
            var residual = policyRng.uniform() * total
            for i in 0..<K where decodeLines[line].counts[i] > 0 && poolWeight[line * K + i] > 0 {
                chosen = i
                residual -= poolWeight[line * K + i]
                if residual < 0 { break }
            }
        } else {
            var rank = randomIndex(nonEmpty)
            for i in 0..<K where decodeLines[line].counts[i] > 0 {
                chosen = i
                if rank == 0 { break }
                rank -= 1
            }
        }
        decodeLines[line].popHead(chosen)
        decodeWaiting[chosen] -= 1
        return chosen
    }

    /// A uniformly random member of a non-empty set, from the policy stream.
    @inline(__always) mutating func randomMember(of set: IndexSet32) -> Int {
        set.member(at: randomIndex(set.count))
    }

    /// Uniform in 0..<count from the policy stream.
    ///
    /// Note for maintainers: never pass the result of a mutating call as an argument to a non-mutating
    /// method of the engine (`place(class: takeOldestDecode(...))`): Swift then copies the whole engine
    /// to evaluate `self` first, and every array inside it is copied on the next write.
    @inline(__always) mutating func randomIndex(_ count: Int) -> Int {
        min(Int(policyRng.uniform() * Double(count)), count - 1)
    }

    // MARK: GPU state changes

    /// Re-derives GPU g's membership of the free-slot sets from its state.
    @inline(__always) mutating func refresh(_ g: Int) {
        let decodes = Int(gpuDecodes[g])
        let busy = gpuPrefill[g] >= 0
        switch placement {
        case .staticPlan:
            if gpuSolo[g] {
                soloFree.set(g, decodes < B)
            } else {
                mixedFree.set(g, decodes < B - 1)
                admitSet.set(g, !busy)
            }
        case .shared:
            admitSet.set(g, !busy && decodes < B)
            if execution == .anyFreeSlotPrefillFirst { anyFree.set(g, decodes + (busy ? 1 : 0) < B) }
        }
    }

    @inline(__always) mutating func placeAndRefresh(class i: Int, gpu g: Int) {
        place(class: i, gpu: g)
        refresh(g)
    }

    /// A class-i decode starts on GPU g (at the GPU's current speed).
    @inline(__always) func place(class i: Int, gpu g: Int) {
        let k = Int(gpuDecodes[g])
        let slot = g * B + k
        slotClass[slot] = Int32(truncatingIfNeeded: i)
        let index = decodeCount[i]
        decodeSlots[i * slotCapacity + index] = Int32(truncatingIfNeeded: slot)
        slotIndex[slot] = Int32(truncatingIfNeeded: index)
        decodeCount[i] = index + 1
        gpuDecodes[g] = Int32(truncatingIfNeeded: k + 1)
        gpuClassDecodes[g * K + i] += 1
        if gpuPrefill[g] >= 0 { mixedSpeedCount[i] += 1 }
    }

    /// Removes the decode in `slot` of GPU g, keeping g's slots compact.
    @inline(__always) func removeDecode(slot: Int, gpu g: Int) {
        let i = Int(slotClass[slot])
        // Out of the class array.
        let index = Int(slotIndex[slot])
        let lastIndex = decodeCount[i] - 1
        let moved = decodeSlots[i * slotCapacity + lastIndex]
        decodeSlots[i * slotCapacity + index] = moved
        slotIndex[Int(moved)] = Int32(truncatingIfNeeded: index)
        decodeCount[i] = lastIndex
        gpuClassDecodes[g * K + i] -= 1
        if gpuPrefill[g] >= 0 { mixedSpeedCount[i] -= 1 }
        // The GPU's last slot moves into the freed one.
        let last = Int(gpuDecodes[g]) - 1
        let lastSlot = g * B + last
        if lastSlot != slot {
            let c = Int(slotClass[lastSlot])
            let position = Int(slotIndex[lastSlot])
            slotClass[slot] = Int32(truncatingIfNeeded: c)
            slotIndex[slot] = Int32(truncatingIfNeeded: position)
            decodeSlots[c * slotCapacity + position] = Int32(truncatingIfNeeded: slot)
        }
        gpuDecodes[g] = Int32(truncatingIfNeeded: last)
    }

    /// GPU g's decodes change speed: they count as mixed-speed while g runs a prefill (O(K)).
    @inline(__always) func switchSpeed(gpu g: Int, toMixed: Bool) {
        guard gpuDecodes[g] > 0 else { return }
        for i in 0..<K {
            let count = Int(gpuClassDecodes[g * K + i])
            mixedSpeedCount[i] += toMixed ? count : -count
        }
    }

    /// GPU g, running no prefill, starts a class-c prefill; its decodes slow to mixed speed.
    @inline(__always) func startPrefill(gpu g: Int, class c: Int) {
        addPrefillRecord(gpu: g, class: c)
        switchSpeed(gpu: g, toMixed: true)
    }

    /// GPU g's prefill slot goes idle (its prefill record already removed); its decodes speed up.
    @inline(__always) func stopPrefill(gpu g: Int) {
        gpuPrefill[g] = -1
        switchSpeed(gpu: g, toMixed: false)
    }

    @inline(__always) func addPrefillRecord(gpu g: Int, class c: Int) {
        gpuPrefill[g] = Int32(truncatingIfNeeded: c)
        let index = prefillCount[c]
        prefillGPUs[c * n + index] = Int32(truncatingIfNeeded: g)
        gpuPrefillIndex[g] = Int32(truncatingIfNeeded: index)
        prefillCount[c] = index + 1
    }

    /// Removes g from the class-i prefill members; gpuPrefill[g] is left to the caller.
    @inline(__always) func removePrefillRecord(gpu g: Int, class i: Int) {
        let index = Int(gpuPrefillIndex[g])
        let last = prefillCount[i] - 1
        let moved = prefillGPUs[i * n + last]
        prefillGPUs[i * n + index] = moved
        gpuPrefillIndex[Int(moved)] = Int32(truncatingIfNeeded: index)
        gpuPrefillIndex[g] = -1
        prefillCount[i] = last
    }
}
