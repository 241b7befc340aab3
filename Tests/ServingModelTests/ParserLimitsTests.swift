import Foundation
import Testing

@testable import ServingModel
import GPUSchedTestSupport

// Bounded parsing and sane maxima: the YAML pre-pass (aliases, depth, tags), strict JSON, the
// `max:` accessors of `ConfigNode`, the catalog's range checks and duplicate names, workload and
// trace bounds, and the checks of fitted laws where they are read.

/// A YAML "billion laughs": each anchor a list of nine aliases of the previous one, `levels` deep.
private func laughs(levels: Int) -> String {
    var lines = ["a0: &a0 [lol]"]
    for level in 1...levels {
        lines.append("a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ") + "]")
    }
    return lines.joined(separator: "\n") + "\n"
}

/// `x:` holding `depth` nested lists under the root mapping (so the document is `depth + 1` deep).
private func nested(_ depth: Int) -> String {
    "x: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n"
}

@Suite struct ParserLimitsTests {
    // MARK: YAML pre-pass

    @Test func aliasExpansionIsRefusedBeforeComposing() throws {
        let clock = ContinuousClock()
        var messages: [String]?
        // 9^11 ≈ 3·10¹⁰ values once expanded; the pass stops when the count passes 10⁶.
        let elapsed = clock.measure { messages = scenarioIssues { _ = try ConfigParser.parse(laughs(levels: 11)) } }
        // 1 + 9·(1 + 9·(1 + 9·2)) … : level k's anchor holds 1 + 9·(level k−1) values: 2, 19, 172,
        // 1549, 13942, 125479, then a6 takes the total past 10⁶ at its 7th alias (line 7).
        #expect(messages == [
            "at alias *a5 at line 7 the document would hold more than 1000000 values with its aliases expanded; "
                + "a scenario needs far fewer",
        ])
        #expect(elapsed < .seconds(5))
    }

    @Test func aliasesWithinTheBoundReadAsTheirAnchors() throws {
        let value = try ConfigParser.parse("base: &gpu {name: X, memory: 80GB}\ncopy: *gpu\n")
        let expected = ConfigValue.object([(key: "name", value: .string("X")), (key: "memory", value: .string("80GB"))])
        #expect(value == .object([(key: "base", value: expected), (key: "copy", value: expected)]))
    }

    @Test func nestingIsBoundedAtSixtyFourLevels() throws {
        _ = try ConfigParser.parse(nested(ConfigParser.maximumDepth - 1))
        #expect(scenarioIssues { _ = try ConfigParser.parse(nested(ConfigParser.maximumDepth)) } == [
            "line 1: nesting deeper than 64 levels; a scenario needs far fewer",
        ])
    }

    @Test func mappingsAreBoundedAtTenThousandKeysButListsAreNot() throws {
        let keys = (0...ConfigParser.maximumKeys).map { "k\($0): 1" }
        #expect(scenarioIssues { _ = try ConfigParser.parse(keys.joined(separator: "\n")) } == [
            "line 10001: a mapping with more than 10000 keys; a scenario needs far fewer",
        ])
        _ = try ConfigParser.parse(keys.dropLast().joined(separator: "\n"))
        let list = try ConfigParser.parse("x: [" + Array(repeating: "1", count: 50_000).joined(separator: ", ") + "]")
        guard case let .object(entries) = list, case let .array(items)? = entries.first?.value else {
            Issue.record("expected a mapping holding a list")
            return
        }
        #expect(items.count == 50_000)
    }

    @Test func onlyCoreTagsAreAccepted() throws {
        #expect(scenarioIssues { _ = try ConfigParser.parse("kind: catalog\nx: !!python/object/apply:os.system [ls]\n") } == [
            "line 2: YAML tag '!!python/object/apply:os.system' is not supported; scenarios hold plain values (remove the tag)",
        ])
        #expect(scenarioIssues { _ = try ConfigParser.parse("x: !local 1\n") } == [
            "line 1: YAML tag '!local' is not supported; scenarios hold plain values (remove the tag)",
        ])
        #expect(try ConfigParser.parse("x: !!str 5\n") == .object([(key: "x", value: .string("5"))]))
    }

    @Test func documentsOverSixtyFourMebibytesAreRefused() throws {
        let text = "x: " + String(repeating: "a", count: ConfigParser.maximumBytes)
        #expect(scenarioIssues { _ = try ConfigParser.parse(text) } == [
            "the file is 67108867 bytes, over the limit of 67108864 bytes (64 MiB) for a scenario",
        ])
    }

    // MARK: Strict JSON

    @Test(arguments: [
        (#"{"kind": "catalog",}"#, "malformed JSON at line 1, column 20: trailing comma before '}'"),
        ("{\"a\": [1, 2,\n ]}", "malformed JSON at line 2, column 2: trailing comma before ']'"),
        (#"{"a": 'x'}"#, "malformed JSON at line 1, column 7: expected a value, got '''"),
        (#"{"a": 01}"#, "malformed JSON at line 1, column 8: expected ',' or '}'"),
        (#"{"a": 1} x"#, "malformed JSON at line 1, column 10: unexpected text after the JSON value"),
    ])
    func jsonIsCheckedStrictly(text: String, message: String) {
        #expect(scenarioIssues { _ = try ConfigParser.parse(text) } == [message])
    }

    @Test func validJSONAndYAMLFlowMappingsStillParse() throws {
        let json = try ConfigParser.parse(#"{"kind": "catalog", "n": [1, -2.5e3, true, null, "\u00e9"]}"#)
        #expect(json == .object([
            (key: "kind", value: .string("catalog")),
            (key: "n", value: .array([.number(1), .number(-2500), .bool(true), .null, .string("é")])),
        ]))
        // A flow mapping with unquoted keys is YAML, not JSON: no strict check.
        #expect(try ConfigParser.parse("{kind: catalog, x: [1, 2,]}")
            == .object([(key: "kind", value: .string("catalog")), (key: "x", value: .array([.number(1), .number(2)]))]))
    }

    // MARK: ConfigNode bounds

    @Test func integersBeyondTheirBoundsAreReportedWithoutOverflow() {
        func messages(_ value: ConfigValue, _ read: (ConfigNode) -> Void) -> [String] {
            let diagnostics = ScenarioDiagnostics()
            read(ConfigNode(value: value, path: "x", diagnostics: diagnostics))
            return diagnostics.issues.map(\.description)
        }
        #expect(messages(.number(1e15)) { _ = $0.integer(min: 1, max: ScenarioMaxima.tokens) }
            == ["x: must be <= 10000000, got 1e+15"])
        #expect(messages(.string("9e18")) { _ = $0.integer(min: 1, max: 10) } == ["x: must be <= 10, got 9e+18"])
        #expect(messages(.number(-1e300)) { _ = $0.integer(min: 0) } == ["x: must be >= 0, got -1e+300"])
        #expect(messages(.number(1e300)) { _ = $0.integer() } == ["x: must be a whole number, got 1e+300"])
        #expect(messages(.number(2e6)) { _ = $0.number(.positive, max: ScenarioMaxima.arrivalRate) }
            == ["x: must be <= 1000000, got 2000000"])
        #expect(messages(.string("20TB")) { _ = $0.bytes(max: ScenarioMaxima.memoryBytes) }
            == ["x: must be <= 10000000000000, got 20000000000000"])
        #expect(messages(.string("2e9TB/s")) { _ = $0.bytesPerSecond(max: ScenarioMaxima.rate) }
            == ["x: must be <= 1e+18, got 2e+21"])
    }

    // MARK: Catalog section

    /// Issues of reading `catalog` (a `catalog:` section's value).
    private func catalogIssues(_ yaml: String) throws -> [String] {
        let diagnostics = ScenarioDiagnostics()
        _ = CatalogSection.read(ConfigNode(value: try ConfigParser.parse(yaml), diagnostics: diagnostics))
        return diagnostics.issues.map(\.description)
    }

    @Test func modelShapesAndGPUFiguresHaveStatedMaxima() throws {
        let issues = try catalogIssues("""
            gpus:
              - {name: X, base: H100-80GB, memory: 1e300, bf16FLOPS: 1e19, networkBandwidth: 1e30}
            models:
              - {name: m, base: llama-3.1-8b, layers: 8e15, hiddenSize: 8e15, headDim: 8e15, parameters: 1e15,
                 attentionHeads: 20000, vocabSize: 2e7, bytesPerParameter: 32,
                 moe: {moeLayers: 1, routedExperts: 1e6, expertsPerToken: 2, expertIntermediateSize: 2e6}}
            """)
        #expect(issues == [
            "gpus[0].bf16FLOPS: must be <= 1e+18, got 1e+19",
            "gpus[0].memory: must be <= 10000000000000, got 1e+300",
            "gpus[0].networkBandwidth: must be <= 1e+18, got 1e+30",
            "models[0].layers: must be <= 1000, got 8e+15",
            "models[0].hiddenSize: must be <= 1000000, got 8e+15",
            "models[0].attentionHeads: must be <= 10000, got 20000",
            "models[0].headDim: must be <= 4096, got 8e+15",
            "models[0].vocabSize: must be <= 10000000, got 20000000",
            "models[0].parameters: must be <= 100000000000000, got 1e+15",
            "models[0].bytesPerParameter: must be <= 16, got 32",
            "models[0].moe.routedExperts: must be <= 100000, got 1000000",
            "models[0].moe.expertIntermediateSize: must be <= 1000000, got 2000000",
        ])
    }

    @Test func duplicateNamesInOneSectionNameBothIndices() throws {
        let issues = try catalogIssues("""
            gpus:
              - {name: A, base: H100-80GB}
              - {name: B, base: H100-80GB}
              - {name: a, base: A100-40GB}
            models:
              - {name: m, base: llama-3.1-8b}
              - {name: m, base: qwen3-8b}
            """)
        #expect(issues == [
            "gpus[2].name: duplicate GPU name 'a': gpus[0] and gpus[2] both define it",
            "models[1].name: duplicate model name 'm': models[0] and models[1] both define it",
        ])
    }

    @Test func aSectionEntryStillReplacesABuiltInOneInPlace() throws {
        let diagnostics = ScenarioDiagnostics()
        let yaml = "gpus: [{name: h100-80gb, base: H100-80GB, memory: 81GB}, {name: Y, base: h100-80gb}]\n"
        let catalog = CatalogSection.read(ConfigNode(value: try ConfigParser.parse(yaml), diagnostics: diagnostics))
        #expect(diagnostics.issues.isEmpty)
        let index = try #require(Catalog.builtin.gpus.firstIndex { $0.name == "H100-80GB" })
        #expect(catalog.gpus.count == Catalog.builtin.gpus.count + 1)
        #expect(catalog.gpus[index].memoryBytes == 81e9)
        // `Y` derives from the replaced entry, not the built-in one.
        #expect(catalog.gpu(named: "Y")?.memoryBytes == 81e9)
    }

    @Test func twentyThousandGPUsReadInLinearTime() throws {
        let entries = (0..<20_000).map { index in
            ConfigValue.object([(key: "name", value: .string("G\(index)")), (key: "base", value: .string("H100-80GB"))])
        }
        let section = ConfigValue.object([(key: "gpus", value: .array(entries))])
        let diagnostics = ScenarioDiagnostics()
        var catalog = Catalog.builtin
        // Quadratic merging took about 90 s of CPU here; the linear read takes well under one.
        let elapsed = ContinuousClock().measure {
            catalog = CatalogSection.read(ConfigNode(value: section, diagnostics: diagnostics))
        }
        #expect(diagnostics.issues.isEmpty)
        #expect(catalog.gpus.count == Catalog.builtin.gpus.count + 20_000)
        #expect(catalog.gpus.last?.name == "G19999")
        #expect(elapsed < .seconds(20))
    }

    // MARK: Workload and traces

    @Test func workloadQuantitiesHaveStatedMaxima() throws {
        let diagnostics = ScenarioDiagnostics()
        let yaml = """
            classes:
              - {name: a, arrivalRate: 1e9, burstiness: 1e6, promptTokens: 1e15, outputTokens: {exponential: {mean: 1e8}}}
              - {name: b, arrivalRate: 1, promptTokens: {uniform: {min: 1, max: 2e7}}, outputTokens: {lognormal: {mean: 10, sd: 1e9}}}
            """
        let workload = WorkloadSection.read(ConfigNode(value: try ConfigParser.parse(yaml), diagnostics: diagnostics), baseDirectory: "/")
        #expect(workload == nil)
        #expect(diagnostics.issues.map(\.description) == [
            "classes[0].arrivalRate: must be <= 1000000, got 1000000000",
            "classes[0].burstiness: must be <= 100, got 1000000",
            "classes[0].promptTokens: must be <= 10000000, got 1e+15",
            "classes[0].outputTokens.exponential.mean: must be <= 10000000, got 100000000",
            "classes[1].promptTokens.uniform.max: must be <= 10000000, got 20000000",
            "classes[1].outputTokens.lognormal.sd: must be <= 10000000, got 1000000000",
        ])
    }

    @Test func sampledLengthsNeverExceedTheTokenMaximum() {
        var random = SeededRandom(seed: 7)
        let heavy = LengthDistribution.lognormal(mean: 1e7, sd: 1e7)
        let draws = (0..<2_000).map { _ in heavy.sample(&random) }
        #expect(draws.max() == ScenarioMaxima.tokens)
        #expect(draws.allSatisfy { (1...ScenarioMaxima.tokens).contains($0) })
    }

    @Test func traceTokensAndLinesAreBounded() throws {
        let big = try TemporaryFiles.file(named: "trace.csv", "arrival,prompt,output\n0,20000000,5\n1e12,5,5\n")
        var names: [String] = []
        #expect(scenarioIssues { _ = try TraceWorkload.load(path: big, classNames: &names) } == [
            "trace line 2: prompt tokens must be <= 10000000, got 20000000",
            "trace line 3: arrival time must be <= 1000000000 seconds, got 1000000000000",
        ])
        let long = URL(fileURLWithPath: TemporaryFiles.path(prefix: "gpusched-lines", extension: "txt"))
        try Data(repeating: 0x0A, count: ScenarioMaxima.listEntries + 1).write(to: long)
        #expect(scenarioIssues { _ = try LengthFile.load(path: long.path) } == [
            "\(long.lastPathComponent): \(long.path) has 10000002 lines, over the limit of 10000000 for a trace or length file",
        ])
    }

    @Test func traceLinesWithCRLFAndSpacesAreRead() throws {
        let file = try TemporaryFiles.file(named: 
            "trace.jsonl", "\r\n {\"arrival\": 0.5, \"prompt\": 12, \"output\": 3}\r\n{\"arrival\": 1, \"prompt\": 7, \"output\": 2} \r\n")
        var names: [String] = []
        let requests = try TraceWorkload.load(path: file, classNames: &names)
        #expect(requests.map(\.promptTokens) == [12, 7])
        #expect(requests.map(\.arrivalTime) == [0.5, 1])
    }

    // MARK: Fitted laws

    @Test func lawsAreCheckedWhereTheyAreRead() throws {
        // Qwen-8B's β and γ with α above 1/γ = 0.022 s: the knee would be negative.
        #expect(FittedIterationLaw.validationProblem(alpha: 0.05, beta: 6.2e-5, gamma: 45.45)
            == "alpha (0.05 s) must be <= 1/gamma (0.022002200220022 s), so that the knee b0 = (1/gamma - alpha)/beta is >= 0")
        #expect(FittedIterationLaw.validationProblem(alpha: 0.0174, beta: 6.2e-5, gamma: 45.45) == nil)
        #expect(FittedIterationLaw.validationProblem(c: 7200, a: 0, b0: 0) == "c must be <= 3600 seconds, got 7200")
        #expect(FittedIterationLaw.validationProblem(alpha: -1e6, beta: 1e-6, gamma: 1)
            == "the knee b0 = (1/gamma - alpha)/beta = 1000001000000 tokens must be <= 100000000; check alpha and beta")
        let file = try TemporaryFiles.file(named: 
            "law.json",
            #"{"name": "bad", "model": "m", "gpu": "g", "engine": "e", "source": "s", "law": {"alpha": 0.05, "beta": 6.2e-5, "gamma": 45.45}}"#)
        #expect(throws: CalibrationError("\(file): not a calibration: law: alpha (0.05 s) must be <= 1/gamma "
            + "(0.022002200220022 s), so that the knee b0 = (1/gamma - alpha)/beta is >= 0")) {
            try Calibration.load(path: file)
        }
    }

    @Test func theUncheckedInitialiserClampsInsteadOfTrapping() {
        let law = FittedIterationLaw(alpha: 0.05, beta: 6.2e-5, gamma: 45.45)
        #expect(law.b0 == 0)
        #expect(law.c == 1 / 45.45)
        #expect(law.seconds(tokens: 100) == 1 / 45.45 + 6.2e-5 * 100)
        let nonsense = FittedIterationLaw(c: -1, a: .nan, b0: -5)
        #expect(nonsense.c == 1 && nonsense.a == 0 && nonsense.b0 == 0)
    }

    @Test func iterationTimesAndTokenCountsInMeasurementsAreBounded() {
        #expect(throws: CalibrationError("line 2: an iteration must take at most 3600 seconds, got 5000 seconds")) {
            try IterationTimeCSV.parse("seconds,prefill_tokens\n5000,10\n")
        }
        #expect(throws: CalibrationError("line 2: prefill_tokens must be <= 10000000, got 1e12")) {
            try IterationTimeCSV.parse("seconds,prefill_tokens\n0.1,1e12\n")
        }
    }

    // MARK: Suggestions

    @Test func longNamesGetNoSuggestionAndManyUnknownKeysStayCheap() throws {
        #expect(NameSuggestion.nearest(to: String(repeating: "memory", count: 100), in: ["memory"]).isEmpty)
        let entries = (0..<5_000).map { (key: "memori\($0)", value: ConfigValue.number(1)) }
        let diagnostics = ScenarioDiagnostics()
        _ = ConfigNode(value: .object(entries), diagnostics: diagnostics).object(allowedKeys: ["memory"])
        #expect(diagnostics.issues.count == 5_000)
        #expect(diagnostics.issues[0].description == "memori0: unknown key (did you mean 'memory'?)")
        #expect(diagnostics.issues[4_999].description == "memori4999: unknown key")
    }
}
