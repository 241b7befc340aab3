import GPUSchedTestSupport
import InferenceAPI
import Synchronization
import Testing

@testable import Router

/// The live gate-and-route policy on hand-built pool states.
@Suite struct GateRoutePolicyTests {
    /// The paper's §6.2 targets (x* = (0.01826, 0.19495), q_p* = (0.3173, 0)): code is rationed.
    static let paper = GateRouteSettings(classes: [
        GateRouteClassSettings(name: "code", maxPromptTokens: 1_000, occupancyTarget: 0.01826, queueTarget: 0.3173),
        GateRouteClassSettings(name: "summarize", occupancyTarget: 0.19495),
    ])

    static func request(_ id: String, class index: Int, tokens: Int = 100) -> RoutedRequest {
        RoutedRequest(id: id, model: "m", promptTokens: tokens, requestClass: index, stream: true)
    }

    static func backends(_ count: Int, prefilling: [Int: Int] = [:], inFlight: [Int: Int] = [:], down: Set<Int> = []) -> [BackendView] {
        (0..<count).map { i in
            BackendView(
                index: i, url: "http://127.0.0.1:\(9000 + i)", available: !down.contains(i),
                inFlight: max(inFlight[i, default: 0], prefilling[i, default: 0]), prefilling: prefilling[i, default: 0])
        }
    }

    @Test func sendsToTheLeastLoadedBackendWithAFreePrefillSlot() {
        var policy = GateAndRoutePolicy(settings: Self.paper)
        let views = Self.backends(3, prefilling: [0: 1], inFlight: [0: 3, 1: 5, 2: 4])
        #expect(policy.route(Self.request("a", class: 1), backends: views) == .send(backend: 2, reason: "gate-open"))
        #expect(policy.prefillsPerClass == [0, 1])
    }

    @Test func neverOffersAPrefillToABackendAtItsTargetOccupancy() {
        var policy = GateAndRoutePolicy(settings: Self.paper)
        let full = Self.backends(2, prefilling: [0: 1, 1: 1])
        #expect(policy.route(Self.request("a", class: 1), backends: full) == .hold(reason: "gate-closed"))
        var two = Self.paper
        two.prefillSlots = 2
        var wider = GateAndRoutePolicy(settings: two)
        #expect(wider.route(Self.request("a", class: 1), backends: full) == .send(backend: 0, reason: "gate-open"))
        var capped = Self.paper
        capped.maxStreams = 4
        var streams = GateAndRoutePolicy(settings: capped)
        let busy = Self.backends(2, inFlight: [0: 4, 1: 4])
        #expect(streams.route(Self.request("a", class: 1), backends: busy) == .hold(reason: "gate-closed"))
        let down = Self.backends(2, down: [0, 1])
        #expect(streams.route(Self.request("b", class: 1), backends: down) == .hold(reason: "no-backend"))
    }

    /// A pool's life on random loads: arrivals, re-asks of the held requests oldest first (the pool's
    /// contract), first tokens and completions. Every send names an available backend below its
    /// prefill slots and stream cap, counts stay consistent, and work goes out.
    @Test func everySendRespectsTheGateOnRandomStates() {
        var settings = Self.paper
        settings.prefillSlots = 2
        settings.maxStreams = 6
        var policy = GateAndRoutePolicy(settings: settings)
        var generator = SplitMix(seed: 7)
        var held: [RoutedRequest] = []
        var prefilling: [[String]] = Array(repeating: [], count: 4)
        var decoding: [[String]] = Array(repeating: [], count: 4)
        var sends = 0
        for step in 0..<3_000 {
            // First tokens and completions at random.
            for b in 0..<4 {
                if !prefilling[b].isEmpty, generator.next() % 3 == 0 { decoding[b].append(prefilling[b].removeFirst()) }
                if !decoding[b].isEmpty, generator.next() % 4 == 0 {
                    let id = decoding[b].remove(at: Int(generator.next() % UInt64(decoding[b].count)))
                    policy.finished(RoutedRequest(id: id, model: "m", promptTokens: 1), backend: b)
                }
            }
            if generator.next() % 2 == 0, held.count < 50 {
                held.append(Self.request("r\(step)", class: Int(generator.next() % 2)))
            }
            let down = generator.next() % 7
            var k = 0
            while k < held.count {
                let views = (0..<4).map { b in
                    BackendView(
                        index: b, url: "u", available: UInt64(b) != down, inFlight: prefilling[b].count + decoding[b].count,
                        prefilling: prefilling[b].count)
                }
                if case let .send(backend, _) = policy.route(held[k], backends: views) {
                    let view = views[backend]
                    #expect(view.available && view.prefilling < 2 && view.inFlight < 6)
                    prefilling[backend].append(held[k].id)
                    held.remove(at: k)
                    sends += 1
                } else {
                    k += 1
                }
                // Just after a decision the policy's X_i add up to the backends' prefills (first come,
                // first served per backend).
                #expect(policy.prefillsPerClass.reduce(0, +) == prefilling.reduce(0) { $0 + $1.count })
            }
            #expect(policy.prefillsPerClass.allSatisfy { $0 >= 0 })
            #expect(policy.heldPerClass.reduce(0, +) == held.count)
        }
        #expect(sends > 1_000)
    }

    /// ξ_i = (X_i − n x_i*)/x_i*: with one summarize request prefilling on n = 10 backends,
    /// ξ_code = (0 − 0.1826)/0.01826 = −10 < ξ_summarize = (1 − 1.9495)/0.19495 = −4.87, so code goes first
    /// even though summarize's request is older.
    @Test func admitsTheClassFurthestBelowItsTarget() {
        var policy = GateAndRoutePolicy(settings: Self.paper)
        #expect(policy.route(Self.request("s1", class: 1), backends: Self.backends(10)) == .send(backend: 0, reason: "gate-open"))
        let closed = Self.backends(10, prefilling: Dictionary(uniqueKeysWithValues: (0..<10).map { ($0, 1) }))
        #expect(policy.route(Self.request("s2", class: 1), backends: closed) == .hold(reason: "gate-closed"))
        #expect(policy.route(Self.request("c1", class: 0), backends: closed) == .hold(reason: "gate-closed"))
        // Backend 3 frees; s1 still prefills on backend 0. The pool re-asks oldest first.
        var open = closed
        open[3].prefilling = 0
        open[3].inFlight = 0
        #expect(policy.route(Self.request("s2", class: 1), backends: open) == .hold(reason: "class-priority"))
        #expect(policy.route(Self.request("c1", class: 0), backends: open) == .send(backend: 3, reason: "gate-open"))
        #expect(policy.prefillsPerClass == [1, 1])
        #expect(policy.heldPerClass == [0, 1])
    }

    /// Equal ξ (no prefills: ξ_i = −n for every class) falls to the largest δ_i = Q_i − n q_i*, then
    /// the lowest index.
    @Test(arguments: [
        // (held code, held summarize, expected class) with the paper's targets on n = 4 backends:
        // δ_code = Q_code − 4·0.3173 = Q_code − 1.2692, δ_summarize = Q_summarize.
        (2, 1, 1),  // δ = (0.7308, 1) → summarize
        (3, 1, 0),  // δ = (1.7308, 1) → code
        (1, 1, 1),  // δ = (−0.2692, 1) → summarize
        (5, 4, 1),  // δ = (3.7308, 4) → summarize
        (6, 4, 0),  // δ = (4.7308, 4) → code
    ])
    func breaksTiesByQueueDeviation(code: Int, summarize: Int, expected: Int) {
        var policy = GateAndRoutePolicy(settings: Self.paper)
        let closed = Self.backends(4, prefilling: [0: 1, 1: 1, 2: 1, 3: 1])
        for k in 0..<code { _ = policy.route(Self.request("c\(k)", class: 0), backends: closed) }
        for k in 0..<summarize { _ = policy.route(Self.request("s\(k)", class: 1), backends: closed) }
        #expect(policy.heldPerClass == [code, summarize])
        #expect(policy.prefillsPerClass == [0, 0])
        #expect(policy.chooseClass(gpus: 4) == expected)
        // The pool re-asks oldest first when backend 2 frees: only the chosen class's head is sent.
        let open = Self.backends(4, prefilling: [0: 1, 1: 1, 3: 1])
        let codeSent = policy.route(Self.request("c0", class: 0), backends: open).isSend
        #expect(codeSent == (expected == 0))
        let afterCode = codeSent ? closed : open
        #expect(policy.route(Self.request("s0", class: 1), backends: afterCode).isSend == (expected == 1))
    }

    /// Equal ξ and equal δ: the lowest class index.
    @Test func breaksFullTiesByTheLowerIndex() {
        let settings = GateRouteSettings(classes: [
            GateRouteClassSettings(name: "a", occupancyTarget: 0.1), GateRouteClassSettings(name: "b", occupancyTarget: 0.3),
        ])
        var policy = GateAndRoutePolicy(settings: settings)
        let closed = Self.backends(3, prefilling: [0: 1, 1: 1, 2: 1])
        for id in ["b1", "a1", "b2", "a2"] { _ = policy.route(Self.request(id, class: id.hasPrefix("a") ? 0 : 1), backends: closed) }
        #expect(policy.chooseClass(gpus: 3) == 0)
    }

    /// A request the pool queued without asking (older ones were waiting) counts as waiting: with
    /// X = (0, 1) on n = 2, ξ_code = −2 < ξ_summarize = 3.13, so the older summarize request waits.
    @Test func requestsQueuedWithoutAskingCountAsWaiting() {
        var policy = GateAndRoutePolicy(settings: Self.paper)
        #expect(policy.route(Self.request("s0", class: 1), backends: Self.backends(2)) == .send(backend: 0, reason: "gate-open"))
        let closed = Self.backends(2, prefilling: [0: 1, 1: 1])
        #expect(policy.route(Self.request("s1", class: 1), backends: closed) == .hold(reason: "gate-closed"))
        policy.held(Self.request("c1", class: 0))
        #expect(policy.heldPerClass == [1, 1])
        let open = Self.backends(2, prefilling: [0: 1])
        #expect(policy.route(Self.request("s1", class: 1), backends: open) == .hold(reason: "class-priority"))
        #expect(policy.route(Self.request("c1", class: 0), backends: open) == .send(backend: 1, reason: "gate-open"))
        // Withdrawn (its queue timeout): it no longer counts.
        policy.held(Self.request("c2", class: 0))
        policy.withdrawn(Self.request("c2", class: 0))
        #expect(policy.heldPerClass == [0, 1])
    }

    /// A backend's prefill count dropping below what the policy sent it means a first token came
    /// back: X_i falls, oldest first; a finished request leaves X_i too.
    @Test func firstTokensAndCompletionsLowerTheClassOccupancy() {
        var settings = Self.paper
        settings.prefillSlots = 3
        var policy = GateAndRoutePolicy(settings: settings)
        #expect(policy.route(Self.request("a", class: 1), backends: Self.backends(1)) == .send(backend: 0, reason: "gate-open"))
        #expect(policy.route(Self.request("b", class: 0), backends: Self.backends(1, prefilling: [0: 1])) == .send(backend: 0, reason: "gate-open"))
        #expect(policy.prefillsPerClass == [1, 1])
        // One prefill left on backend 0: the older, a (summarize), got its first token.
        #expect(policy.route(Self.request("c", class: 1), backends: Self.backends(1, prefilling: [0: 1])) == .send(backend: 0, reason: "gate-open"))
        #expect(policy.prefillsPerClass == [1, 1])
        policy.finished(Self.request("b", class: 0), backend: 0)
        #expect(policy.prefillsPerClass == [0, 1])
        // A retry of c (the pool asks again after an upstream failure) does not count it twice.
        _ = policy.route(Self.request("c", class: 1), backends: Self.backends(1, prefilling: [0: 1]))
        #expect(policy.prefillsPerClass == [0, 1])
    }

    @Test func classesWithoutATargetFollowTheZeroTargetSetting() {
        var settings = GateRouteSettings(classes: [
            GateRouteClassSettings(name: "served", occupancyTarget: 0.2),
            GateRouteClassSettings(name: "rationedOut", occupancyTarget: 0),
        ])
        var never = GateAndRoutePolicy(settings: settings)
        #expect(never.route(Self.request("z", class: 1), backends: Self.backends(2)) == .hold(reason: "zero-target"))
        settings.zeroTarget = .last
        var last = GateAndRoutePolicy(settings: settings)
        let closed = Self.backends(2, prefilling: [0: 1, 1: 1])
        _ = last.route(Self.request("z", class: 1), backends: closed)
        _ = last.route(Self.request("s", class: 0), backends: closed)
        #expect(last.route(Self.request("z", class: 1), backends: Self.backends(2)) == .hold(reason: "class-priority"))
        #expect(last.route(Self.request("s", class: 0), backends: Self.backends(2)) == .send(backend: 0, reason: "gate-open"))
        #expect(last.route(Self.request("z", class: 1), backends: Self.backends(2, prefilling: [0: 1])) == .send(backend: 1, reason: "gate-open"))
    }

    /// m = n Σx* = 10 · 0.21321 = 2.1321: M = ⌈m⌉ = 3 with κ = 0, ⌈m + √m⌉ = ⌈3.5923⌉ = 4 with κ = 1.
    @Test func prefillLimitCapsTheBackendsPrefillingAtOnce() {
        #expect(GateRoutePrefillLimit(staffing: 0).mixedBackends(backends: 10, mixedFraction: 0.21321) == 3)
        #expect(GateRoutePrefillLimit(staffing: 1).mixedBackends(backends: 10, mixedFraction: 0.21321) == 4)
        #expect(GateRoutePrefillLimit(staffing: 0).mixedBackends(backends: 10, mixedFraction: 0) == 1)
        var settings = GateRouteSettings(classes: [
            GateRouteClassSettings(name: "code", occupancyTarget: 0.01826),
            GateRouteClassSettings(name: "summarize", occupancyTarget: 0.19495),
        ], prefillLimit: GateRoutePrefillLimit(staffing: 0))
        var policy = GateAndRoutePolicy(settings: settings)
        let three = Self.backends(10, prefilling: [0: 1, 1: 1, 2: 1])
        #expect(policy.route(Self.request("a", class: 1), backends: three) == .hold(reason: "gate-closed"))
        settings.prefillLimit = GateRoutePrefillLimit(staffing: 1)
        var staffed = GateAndRoutePolicy(settings: settings)
        #expect(staffed.route(Self.request("a", class: 1), backends: three) == .send(backend: 3, reason: "gate-open"))
    }

    @Test func forgetsHeldRequestsThePoolDropped() {
        let now = Mutex(0.0)
        var settings = Self.paper
        settings.staleHoldSeconds = 30
        var policy = GateAndRoutePolicy(settings: settings, clock: { now.withLock { $0 } })
        let closed = Self.backends(1, prefilling: [0: 1])
        _ = policy.route(Self.request("c1", class: 0), backends: closed)
        _ = policy.route(Self.request("c2", class: 0), backends: closed)
        _ = policy.route(Self.request("s1", class: 1), backends: closed)
        policy.withdrawn(Self.request("c1", class: 0))
        #expect(policy.heldPerClass == [1, 1])
        // c2 is never asked about again (the pool timed it out); 31 s later it no longer blocks s1.
        now.withLock { $0 = 31 }
        #expect(policy.route(Self.request("s1", class: 1), backends: Self.backends(1)) == .send(backend: 0, reason: "gate-open"))
        #expect(policy.heldPerClass == [0, 0])
    }

    @Test func classesComeFromTheHeaderOrThePromptLength() throws {
        let settings = Self.paper
        #expect(try settings.classify(headerValue: "summarize", promptTokens: 10) == 1)
        #expect(try settings.classify(headerValue: " 0 ", promptTokens: 5_000) == 0)
        #expect(try settings.classify(headerValue: nil, promptTokens: 1_000) == 0)
        #expect(try settings.classify(headerValue: nil, promptTokens: 1_001) == 1)
        #expect(try settings.classify(headerValue: "", promptTokens: 3_000) == 1)
        do {
            _ = try settings.classify(headerValue: "chat", promptTokens: 10)
            Issue.record("an unknown class was accepted")
        } catch {
            #expect(error.status == 400)
            #expect(error.parameter == "x-gpusched-class")
            #expect(error.message.contains("unknown class 'chat'"))
        }
        #expect(settings.classIndex(of: RoutedRequest(id: "x", model: "m", promptTokens: 20, requestClass: 7)) == 0)
    }
}

extension RoutingDecision {
    var isSend: Bool { if case .send = self { true } else { false } }
}
