import Foundation
import Testing

@testable import ServingModel
import GPUSchedTestSupport

// Reading scenario documents: the YAML/JSON parser, the checked accessors of `ConfigNode`, the
// envelope every scenario shares, inline catalog sections and "did you mean" hints.

// MARK: - Helpers

/// The issues `ConfigParser.parse` throws for `text`, or nil when it parses.
private func parseIssues(_ text: String) -> [ScenarioIssue]? {
    do {
        _ = try ConfigParser.parse(text)
        return nil
    } catch let error as ScenarioError {
        return error.issues
    } catch {
        Issue.record("unexpected error type: \(error)")
        return nil
    }
}

/// A node at `path` over `value`, with a fresh collector.
private func makeNode(_ value: ConfigValue, path: String = "x") -> (ConfigNode, ScenarioDiagnostics) {
    let diagnostics = ScenarioDiagnostics()
    return (ConfigNode(value: value, path: path, diagnostics: diagnostics), diagnostics)
}

private let classKeys = ["name", "arrivalRate", "sloSeconds"]

/// A small reader in the style of a kind's reader: `gpus` and a list of request classes.
/// Returns every problem found in one pass.
private func readClassesDocument(_ text: String) throws -> [ScenarioIssue] {
    let diagnostics = ScenarioDiagnostics()
    let root = ConfigNode(value: try ConfigParser.parse(text), diagnostics: diagnostics)
    if let top = root.object(allowedKeys: ["gpus", "classes"]) {
        _ = top["gpus"]?.integer(min: 1)
        for item in top.require("classes")?.list(nonEmpty: true) ?? [] {
            if let requestClass = item.object(allowedKeys: classKeys) {
                _ = requestClass.require("name")?.string()
                _ = requestClass.require("arrivalRate")?.number(.positive)
                _ = requestClass["sloSeconds"]?.number(.positive)
            }
        }
    }
    return diagnostics.issues
}

/// Reads `text` as a bare catalog section (keys `gpus` / `models` at the root).
private func readCatalog(_ text: String) throws -> (Catalog, [ScenarioIssue]) {
    let diagnostics = ScenarioDiagnostics()
    let node = ConfigNode(value: try ConfigParser.parse(text), diagnostics: diagnostics)
    let catalog = CatalogSection.read(node)
    return (catalog, diagnostics.issues)
}

private let testKinds: [String: [String]] = ["simulate": ["classes", "gpus"], "plan": ["fleet"]]

/// The issues `ScenarioEnvelope.read` throws, or nil when it does not throw.
private func envelopeIssues(_ text: String) throws -> [ScenarioIssue]? {
    let value = try ConfigParser.parse(text)
    do {
        _ = try ScenarioEnvelope.read(value: value, kinds: testKinds)
        return nil
    } catch let error as ScenarioError {
        return error.issues
    }
}

private func relativelyClose(_ a: Double, _ b: Double, tolerance: Double = 1e-12) -> Bool {
    abs(a - b) <= tolerance * max(abs(a), abs(b))
}

@Suite struct ScenarioReaderTests {

    // MARK: Parsing

    @Test func malformedYAMLGivesOneIssueWithTheLine() throws {
        let text = """
            name: x
            layers: 32
            bad: value: other
            """
        let issues = try #require(parseIssues(text))
        #expect(issues.count == 1)
        let issue = try #require(issues.first)
        #expect(issue.path == "")
        #expect(issue.message.hasPrefix("malformed YAML at line 3, column "), "\(issue.message)")
        #expect(issue.message.contains("mapping values are not allowed"), "\(issue.message)")
        #expect(!issue.message.contains("\n"), "one line: \(issue.message)")
    }

    @Test func unclosedFlowSequenceIsMalformed() throws {
        let issues = try #require(parseIssues("a: 1\nb: [1, 2\n"))
        #expect(issues.count == 1)
        #expect(issues.first?.message.hasPrefix("malformed YAML at line ") == true)
    }

    @Test func duplicateKeyIsReportedWithItsMappingLine() throws {
        let text = """
            gpus:
              - name: A
                memory: 80GB
                memory: 40GB
            """
        let issues = try #require(parseIssues(text))
        // The first `memory:` is at line 3, column 5 (1-based).
        #expect(issues == [ScenarioIssue(path: "", message: "duplicate key 'memory' (first at line 3, column 5)")])
        #expect(issues.allSatisfy { !$0.message.contains("\n") }, "one line per issue")
    }

    @Test func topLevelDuplicateKeyIsReported() throws {
        let issues = try #require(parseIssues("a: 1\nb: 2\na: 3\n"))
        #expect(issues == [ScenarioIssue(path: "", message: "duplicate key 'a' (first at line 1, column 1)")])
    }

    @Test func scalarsBecomeTypedValues() throws {
        let value = try ConfigParser.parse("""
            n: 3
            x: 2.5
            flag: true
            nothing: null
            word: hello
            quoted: "42"
            list: [1, two]
            """)
        let expected: ConfigValue = .object([
            (key: "n", value: .number(3)),
            (key: "x", value: .number(2.5)),
            (key: "flag", value: .bool(true)),
            (key: "nothing", value: .null),
            (key: "word", value: .string("hello")),
            (key: "quoted", value: .string("42")),
            (key: "list", value: .array([.number(1), .string("two")])),
        ])
        #expect(value == expected)
        #expect(try ConfigParser.parse("") == .null)
    }

    @Test func jsonParsesTheSameAsEquivalentYAML() throws {
        let json = """
            {"kind": "simulate", "gpus": 8,
             "classes": [{"name": "chat", "arrivalRate": 2.5, "stream": true, "note": null},
                         {"name": "batch", "arrivalRate": 0.25, "tags": ["a", "b"]}],
             "catalog": {"gpus": []}}
            """
        let yaml = """
            kind: simulate
            gpus: 8
            classes:
              - name: chat
                arrivalRate: 2.5
                stream: true
                note: null
              - name: batch
                arrivalRate: 0.25
                tags: [a, b]
            catalog:
              gpus: []
            """
        let fromJSON = try ConfigParser.parse(json)
        let fromYAML = try ConfigParser.parse(yaml)
        #expect(fromJSON == fromYAML)
        guard case let .object(entries) = fromJSON else {
            Issue.record("not a mapping: \(fromJSON)")
            return
        }
        #expect(entries.map(\.key) == ["kind", "gpus", "classes", "catalog"], "keys keep file order")
    }

    @Test func parseFileReportsMissingFileAndReadsAFile() throws {
        let missing = "/nonexistent-dir-\(UUID().uuidString)/scenario.yaml"
        do {
            _ = try ConfigParser.parseFile(at: missing)
            Issue.record("expected an error")
        } catch let error as ScenarioError {
            #expect(error.issues == [ScenarioIssue(path: "", message: "file not found: \(missing)")])
        }
        let url = URL(fileURLWithPath: TemporaryFiles.path(prefix: "scenario", extension: "yaml"))
        try "kind: simulate\n".write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(try ConfigParser.parseFile(at: url.path) == .object([(key: "kind", value: .string("simulate"))]))
    }

    // MARK: Key paths and collected problems

    @Test func wrongTypeIsReportedAtTheKeyPath() throws {
        let issues = try readClassesDocument("""
            classes:
              - {name: chat, arrivalRate: 2}
              - {name: batch, arrivalRate: fast}
            """)
        #expect(issues == [ScenarioIssue(path: "classes[1].arrivalRate", message: "must be a number, got 'fast'")])
        #expect(issues.first?.description == "classes[1].arrivalRate: must be a number, got 'fast'")
    }

    @Test func negativeAndZeroAreRejectedByPositive() throws {
        let issues = try readClassesDocument("""
            classes:
              - {name: chat, arrivalRate: -0.5}
              - {name: batch, arrivalRate: 0}
              - {name: code, arrivalRate: 1, sloSeconds: -2}
            """)
        #expect(issues == [
            ScenarioIssue(path: "classes[0].arrivalRate", message: "must be > 0, got -0.5"),
            ScenarioIssue(path: "classes[1].arrivalRate", message: "must be > 0, got 0"),
            ScenarioIssue(path: "classes[2].sloSeconds", message: "must be > 0, got -2"),
        ])
    }

    @Test func unknownKeyGetsADidYouMeanHint() throws {
        let issues = try readClassesDocument("""
            classes:
              - {name: chat, arivalRate: 2}
            """)
        #expect(issues == [
            ScenarioIssue(path: "classes[0].arivalRate", message: "unknown key (did you mean 'arrivalRate'?)"),
            ScenarioIssue(path: "classes[0].arrivalRate", message: "missing required key"),
        ])
    }

    @Test func unknownKeyFarFromEveryNameHasNoHint() throws {
        let issues = try readClassesDocument("""
            zebra: 1
            classes:
              - {name: chat, arrivalRate: 2}
            """)
        #expect(issues == [ScenarioIssue(path: "zebra", message: "unknown key")])
    }

    @Test func allProblemsAreCollectedInOnePass() throws {
        let issues = try readClassesDocument("""
            gpus: 0
            classes:
              - {name: chat, arrivalRate: -0.5}
              - {name: batch, arrivalRate: fast}
            """)
        #expect(issues.count == 3)
        #expect(issues == [
            ScenarioIssue(path: "gpus", message: "must be >= 1, got 0"),
            ScenarioIssue(path: "classes[0].arrivalRate", message: "must be > 0, got -0.5"),
            ScenarioIssue(path: "classes[1].arrivalRate", message: "must be a number, got 'fast'"),
        ])
        let diagnostics = ScenarioDiagnostics()
        for issue in issues { diagnostics.report(issue.path, issue.message) }
        #expect(throws: ScenarioError(issues: issues)) { try diagnostics.throwIfAny() }
        #expect(throws: Never.self) { try ScenarioDiagnostics().throwIfAny() }
    }

    @Test func emptyListAndWrongShapes() throws {
        #expect(try readClassesDocument("classes: []") == [ScenarioIssue(path: "classes", message: "must not be empty")])
        #expect(try readClassesDocument("classes: 3") == [ScenarioIssue(path: "classes", message: "must be a list, got a number")])
        #expect(try readClassesDocument("gpus: 1") == [ScenarioIssue(path: "classes", message: "missing required key")])
        #expect(try readClassesDocument("classes: [chat]")
            == [ScenarioIssue(path: "classes[0]", message: "must be a mapping of keys to values, got a string")])
    }

    // MARK: Numbers

    @Test func numberRules() {
        #expect(NumberRule.positive.violation(1) == nil)
        #expect(NumberRule.positive.violation(-0.5) == "must be > 0, got -0.5")
        #expect(NumberRule.positive.violation(0) == "must be > 0, got 0")
        #expect(NumberRule.nonNegative.violation(0) == nil)
        #expect(NumberRule.nonNegative.violation(-1) == "must be >= 0, got -1")
        #expect(NumberRule.fraction.violation(1) == nil)
        #expect(NumberRule.fraction.violation(1.5) == "must be between 0 and 1, got 1.5")
        #expect(NumberRule.range(1...8).violation(9) == "must be between 1 and 8, got 9")
        #expect(NumberRule.finite.violation(-1e300) == nil)
        #expect(NumberRule.finite.violation(.infinity) == "must be a finite number, got inf")
    }

    @Test func integerChecksWholenessAndLimits() {
        let (half, halfDiagnostics) = makeNode(.number(2.5))
        #expect(half.integer() == nil)
        #expect(halfDiagnostics.issues == [ScenarioIssue(path: "x", message: "must be a whole number, got 2.5")])

        let (big, bigDiagnostics) = makeNode(.number(9))
        #expect(big.integer(min: 1, max: 8) == nil)
        #expect(bigDiagnostics.issues == [ScenarioIssue(path: "x", message: "must be <= 8, got 9")])

        let (fromString, stringDiagnostics) = makeNode(.string("1_024"))
        #expect(fromString.integer(min: 1) == 1024)
        #expect(stringDiagnostics.issues.isEmpty)
    }

    @Test func yaml11ExponentWithoutDotIsStillANumber() throws {
        // YAML 1.1 resolves `989e12` (no dot, unsigned exponent) as a string; number() accepts it.
        let diagnostics = ScenarioDiagnostics()
        let root = ConfigNode(value: try ConfigParser.parse("peak: 989e12\nother: 1.5e12\n"), diagnostics: diagnostics)
        let object = try #require(root.object(allowedKeys: ["peak", "other"]))
        #expect(object["peak"]?.number(.positive) == 989e12)
        #expect(object["other"]?.number(.positive) == 1.5e12)
        #expect(diagnostics.issues.isEmpty)
    }

    @Test func stringsAndBooleans() {
        let (empty, emptyDiagnostics) = makeNode(.string(""))
        #expect(empty.string() == nil)
        #expect(emptyDiagnostics.issues == [ScenarioIssue(path: "x", message: "must not be empty")])

        let (number, _) = makeNode(.number(42))
        #expect(number.string() == "42")

        let (notBool, boolDiagnostics) = makeNode(.string("maybe"))
        #expect(notBool.bool() == nil)
        #expect(boolDiagnostics.issues == [ScenarioIssue(path: "x", message: "must be true or false, got 'maybe'")])

        let (choice, choiceDiagnostics) = makeNode(.string("fcfs "))
        #expect(choice.choice(["fcfs", "priority"]) == nil)
        #expect(choiceDiagnostics.issues == [ScenarioIssue(
            path: "x", message: "unknown value 'fcfs ' (did you mean 'fcfs'?); expected one of: fcfs, priority")])
    }

    // MARK: Quantities

    @Test func byteQuantities() {
        func bytes(_ text: String) -> Double? {
            let (node, diagnostics) = makeNode(.string(text))
            let value = node.bytes()
            #expect(diagnostics.issues.isEmpty == (value != nil), "\(text): \(diagnostics.issues)")
            return value
        }
        #expect(bytes("80GB") == 80 * 1e9)
        #expect(bytes("80 GB") == 80e9)
        #expect(bytes("80gb") == 80e9)
        #expect(bytes("16GiB") == 16.0 * 1_073_741_824)  // 16 × 2^30
        #expect(bytes("16GiB") == 16 * pow(2.0, 30))
        #expect(bytes("512MiB") == 512.0 * 1_048_576)
        #expect(bytes("1.5e12") == 1.5e12)
        #expect(bytes("141e9") == 141e9)
        #expect(bytes("2TB") == 2e12)
        let (plain, _) = makeNode(.number(141e9))
        #expect(plain.bytes() == 141e9)
    }

    @Test func rateQuantitiesDistinguishBitsFromBytes() throws {
        func rate(_ text: String) -> Double? {
            let (node, diagnostics) = makeNode(.string(text))
            let value = node.bytesPerSecond()
            #expect(diagnostics.issues.isEmpty == (value != nil), "\(text): \(diagnostics.issues)")
            return value
        }
        let hbm = try #require(rate("3.35TB/s"))
        #expect(relativelyClose(hbm, 3.35e12))
        #expect(rate("400Gb/s") == 400 * 1e9 / 8)  // bits: 50e9 bytes/s
        #expect(rate("400Gb/s") == 50e9)
        #expect(rate("400GB/s") == 400e9)  // bytes
        #expect(rate("100Gbps") == 12.5e9)
        #expect(rate("900GB/s") == 900e9)
    }

    @Test func quantityRejectsUnknownUnitsAndBadNumbers() {
        let (apples, applesDiagnostics) = makeNode(.string("12 apples"))
        #expect(apples.bytes() == nil)
        #expect(applesDiagnostics.issues == [ScenarioIssue(
            path: "x",
            message: "cannot read '12 apples' as a quantity; use a number or one of the units B, GB, GiB, KB, KiB, MB, MiB, TB, TiB")])

        let (letters, lettersDiagnostics) = makeNode(.string("lots GB"))
        #expect(letters.bytes() == nil)
        #expect(lettersDiagnostics.issues == [ScenarioIssue(
            path: "x", message: "cannot read 'lots GB' as a quantity: 'lots' is not a number")])

        let (negative, negativeDiagnostics) = makeNode(.string("-80GB"))
        #expect(negative.bytes() == nil)
        #expect(negativeDiagnostics.issues == [ScenarioIssue(path: "x", message: "must be > 0, got -80000000000")])

        let (list, listDiagnostics) = makeNode(.array([]))
        #expect(list.bytes() == nil)
        #expect(listDiagnostics.issues == [ScenarioIssue(
            path: "x", message: "must be a number or a quantity with a unit, got a list")])
    }

    // MARK: Envelope

    @Test func envelopeReadsKindDescriptionAndBuiltinCatalog() throws {
        let envelope = try ScenarioEnvelope.read(
            value: try ConfigParser.parse("kind: simulate\ndescription: a test\ngpus: 4\n"), kinds: testKinds)
        #expect(envelope.kind == "simulate")
        #expect(envelope.diagnostics.issues.isEmpty)
        #expect(envelope.body.keys == ["kind", "description", "gpus"])
        #expect(envelope.body["gpus"]?.integer() == 4)
        #expect(envelope.catalog.gpus == Catalog.builtin.gpus)
        #expect(envelope.catalog.models == Catalog.builtin.models)
    }

    @Test func envelopeMissingKind() throws {
        let issues = try #require(try envelopeIssues("description: no kind here\n"))
        #expect(issues == [ScenarioIssue(path: "kind", message: "missing required key; expected one of: plan, simulate")])
    }

    @Test func envelopeUnknownKindSuggestsTheNearest() throws {
        let issues = try #require(try envelopeIssues("kind: simulat\n"))
        #expect(issues == [ScenarioIssue(
            path: "kind", message: "unknown value 'simulat' (did you mean 'simulate'?); expected one of: plan, simulate")])
    }

    @Test func envelopeRejectsANonMappingDocument() throws {
        let issues = try #require(try envelopeIssues("- kind\n- simulate\n"))
        #expect(issues == [ScenarioIssue(path: "", message: "a scenario must be a mapping with a 'kind' key, got a list")])
        let empty = try #require(try envelopeIssues(""))
        #expect(empty == [ScenarioIssue(path: "", message: "a scenario must be a mapping with a 'kind' key, got null")])
    }

    @Test func envelopeReportsUnknownTopLevelKeyForTheKind() throws {
        let simulate = try ScenarioEnvelope.read(
            value: try ConfigParser.parse("kind: simulate\nclases: []\n"), kinds: testKinds)
        #expect(simulate.diagnostics.issues == [ScenarioIssue(path: "clases", message: "unknown key (did you mean 'classes'?)")])
        #expect(throws: ScenarioError.self) { try simulate.diagnostics.throwIfAny() }

        // `classes` belongs to `simulate`, not to `plan`.
        let plan = try ScenarioEnvelope.read(value: try ConfigParser.parse("kind: plan\nclasses: []\n"), kinds: testKinds)
        #expect(plan.diagnostics.issues.map(\.path) == ["classes"])
        #expect(plan.diagnostics.issues.first?.message.hasPrefix("unknown key") == true)
    }

    @Test func envelopeMergesTheInlineCatalogAndPrefixesItsPaths() throws {
        let envelope = try ScenarioEnvelope.read(value: try ConfigParser.parse("""
            kind: simulate
            catalog:
              gpus:
                - {name: H100-slow-net, base: H100-80GB, networkBandwidth: 100Gb/s}
              models:
                - {name: my-13b, layers: 40}
            """), kinds: testKinds)
        #expect(envelope.catalog.gpu(named: "H100-slow-net")?.networkBandwidth == 12.5e9)
        #expect(envelope.catalog.model(named: "my-13b") == nil)
        #expect(envelope.diagnostics.issues.first
            == ScenarioIssue(path: "catalog.models[0].hiddenSize", message: "missing required key"))
    }

    // MARK: Inline catalog

    @Test func fullySpecifiedNewGPU() throws {
        let (catalog, issues) = try readCatalog("""
            gpus:
              - {name: MI300X, bf16FLOPS: 1307e12, memory: 192GB, memoryBandwidth: 5.3TB/s,
                 nvlinkBandwidth: 448GB/s, networkBandwidth: 400Gb/s}
            """)
        #expect(issues.isEmpty, "\(issues)")
        #expect(catalog.gpus.count == Catalog.builtin.gpus.count + 1)
        #expect(catalog.gpus.last?.name == "MI300X")
        let gpu = try #require(catalog.gpu(named: "mi300x"))
        #expect(gpu.bf16FLOPS == 1307e12)
        #expect(gpu.memoryBytes == 192e9)
        #expect(relativelyClose(gpu.memoryBandwidth, 5.3e12))
        #expect(gpu.nvlinkBandwidth == 448e9)
        #expect(gpu.networkBandwidth == 400e9 / 8)
    }

    @Test func gpuDerivedFromBaseChangesOnlyTheGivenField() throws {
        let (catalog, issues) = try readCatalog("""
            gpus:
              - {name: H100-slow-net, base: H100-80GB, networkBandwidth: 100Gb/s}
            """)
        #expect(issues.isEmpty, "\(issues)")
        let h100 = try #require(Catalog.builtin.gpu(named: "H100-80GB"))
        let derived = try #require(catalog.gpu(named: "H100-slow-net"))
        #expect(derived.networkBandwidth == 100e9 / 8)
        #expect(derived.bf16FLOPS == h100.bf16FLOPS)
        #expect(derived.memoryBytes == h100.memoryBytes)
        #expect(derived.memoryBandwidth == h100.memoryBandwidth)
        #expect(derived.nvlinkBandwidth == h100.nvlinkBandwidth)
        // The base itself is untouched.
        #expect(catalog.gpu(named: "H100-80GB") == h100)
    }

    @Test func gpuMayDeriveFromAnEarlierInlineGPU() throws {
        let (catalog, issues) = try readCatalog("""
            gpus:
              - {name: H100-94GB, base: H100-80GB, memory: 94GB}
              - {name: H100-94GB-slow, base: H100-94GB, networkBandwidth: 100Gb/s}
            """)
        #expect(issues.isEmpty, "\(issues)")
        let derived = try #require(catalog.gpu(named: "H100-94GB-slow"))
        #expect(derived.memoryBytes == 94e9)
        #expect(derived.networkBandwidth == 12.5e9)
    }

    @Test func gpuWithoutBaseMustGiveEveryField() throws {
        let (catalog, issues) = try readCatalog("""
            gpus:
              - {name: Mystery, memory: 80GB}
            """)
        #expect(catalog.gpu(named: "Mystery") == nil)
        #expect(issues == ["bf16FLOPS", "memoryBandwidth", "nvlinkBandwidth", "networkBandwidth"].map {
            ScenarioIssue(path: "gpus[0].\($0)", message: "missing required key")
        })
    }

    @Test func unknownBaseGPUSuggestsNearestNames() throws {
        let (catalog, issues) = try readCatalog("""
            gpus:
              - {name: Mine, base: H100-80G, memory: 96GB}
            """)
        #expect(catalog.gpu(named: "Mine") == nil)
        // Distances to "h100-80g": H100-80GB 1, A100-80GB 2, A100-40GB 3, H200-141GB 5, L40S 7.
        // Within the threshold max(2, 8 / 2) = 4 only those at most one worse than the best (1) are kept.
        #expect(issues == [ScenarioIssue(
            path: "gpus[0].base", message: "unknown GPU 'H100-80G' (did you mean 'H100-80GB', 'A100-80GB'?)")])
    }

    @Test func modelWithABuiltinNameReplacesIt() throws {
        let (catalog, issues) = try readCatalog("""
            models:
              - {name: llama-3.1-8b, layers: 40, hiddenSize: 5120, attentionHeads: 40, kvHeads: 40, headDim: 128,
                 intermediateSize: 13824, vocabSize: 32000, parameters: 13e9}
            """)
        #expect(issues.isEmpty, "\(issues)")
        #expect(catalog.models.count == Catalog.builtin.models.count)
        #expect(catalog.models.map(\.name) == Catalog.builtin.models.map(\.name), "replaced in place")
        let model = try #require(catalog.model(named: "llama-3.1-8b"))
        #expect(model == ModelSpec(
            name: "llama-3.1-8b", layers: 40, hiddenSize: 5120, attentionHeads: 40, kvHeads: 40, headDim: 128,
            intermediateSize: 13824, vocabSize: 32000, parameterCount: 13e9, bytesPerParameter: 2,
            kvBytesPerElement: 2, attention: .groupedQuery, moe: nil))
    }

    @Test func modelDerivedFromBaseKeepsTheOtherFields() throws {
        let (catalog, issues) = try readCatalog("""
            models:
              - {name: llama-3.1-70b-fp8, base: llama-3.1-70b, bytesPerParameter: 1}
            """)
        #expect(issues.isEmpty, "\(issues)")
        var expected = try #require(Catalog.builtin.model(named: "llama-3.1-70b"))
        expected.name = "llama-3.1-70b-fp8"
        expected.bytesPerParameter = 1
        #expect(catalog.model(named: "llama-3.1-70b-fp8") == expected)
    }

    @Test func missingRequiredModelKeysAreEachReported() throws {
        let (catalog, issues) = try readCatalog("""
            models:
              - {name: my-13b, layers: 40}
            """)
        #expect(catalog.model(named: "my-13b") == nil)
        let missing = ["hiddenSize", "attentionHeads", "kvHeads", "headDim", "intermediateSize", "vocabSize", "parameters"]
        #expect(issues == missing.map { ScenarioIssue(path: "models[0].\($0)", message: "missing required key") })
    }

    @Test func modelWithoutNameIsReported() throws {
        let (_, issues) = try readCatalog("models:\n  - {base: llama-3.1-8b}\n")
        #expect(issues == [ScenarioIssue(path: "models[0].name", message: "missing required key")])
    }

    @Test func unknownModelKeyAndUnknownBaseModel() throws {
        let (_, issues) = try readCatalog("""
            models:
              - {name: x, base: deepseek-v2, layer: 3}
            """)
        #expect(issues == [
            ScenarioIssue(path: "models[0].layer", message: "unknown key (did you mean 'layers'?)"),
            ScenarioIssue(path: "models[0].base", message: "unknown model 'deepseek-v2' (did you mean 'deepseek-v3'?)"),
        ])
    }

    @Test func moeWithMoreExpertsPerTokenThanRoutedIsRejected() throws {
        let (catalog, issues) = try readCatalog("""
            models:
              - name: bad-moe
                base: mixtral-8x7b
                moe: {moeLayers: 32, routedExperts: 8, expertsPerToken: 9, expertIntermediateSize: 14336}
            """)
        #expect(catalog.model(named: "bad-moe") == nil)
        #expect(issues == [ScenarioIssue(path: "models[0].moe.expertsPerToken", message: "must be <= routedExperts (8), got 9")])
    }

    @Test func moeIsParsedWithDefaults() throws {
        let (catalog, issues) = try readCatalog("""
            models:
              - name: small-moe
                base: llama-3.1-8b
                moe: {moeLayers: 32, routedExperts: 16, expertsPerToken: 2, expertIntermediateSize: 4096}
            """)
        #expect(issues.isEmpty, "\(issues)")
        let model = try #require(catalog.model(named: "small-moe"))
        #expect(model.moe == MoESpec(
            moeLayers: 32, routedExperts: 16, expertsPerToken: 2, sharedExperts: 0, expertIntermediateSize: 4096,
            expertGroups: 1, groupsPerToken: 1))
    }

    @Test func moeExpertKernelCostIsParsedAndChecked() throws {
        let (catalog, issues) = try readCatalog("""
            models:
              - name: int4-moe
                base: llama-3.1-8b
                moe: {moeLayers: 32, routedExperts: 16, expertsPerToken: 2, expertIntermediateSize: 4096,
                      expertKernels: {fixedSecondsPerLayer: 0.0002, weightTrafficFactor: 1.5}}
            """)
        #expect(issues.isEmpty, "\(issues)")
        #expect(catalog.model(named: "int4-moe")?.moe?.kernelCost == ExpertKernelCost(fixedSecondsPerLayer: 0.0002, weightTrafficFactor: 1.5))
        let (_, bad) = try readCatalog("""
            models:
              - name: int4-moe
                base: llama-3.1-8b
                moe: {moeLayers: 32, routedExperts: 16, expertsPerToken: 2, expertIntermediateSize: 4096,
                      expertKernels: {weightTrafficFactor: -1, launch: 3}}
            """)
        #expect(bad.map(\.path).sorted() == ["models[0].moe.expertKernels.launch", "models[0].moe.expertKernels.weightTrafficFactor"])
    }

    @Test func moeLayersCannotExceedLayers() throws {
        let (_, issues) = try readCatalog("""
            models:
              - name: small-moe
                base: llama-3.1-8b
                moe: {moeLayers: 33, routedExperts: 16, expertsPerToken: 2, expertIntermediateSize: 4096}
            """)
        #expect(issues == [ScenarioIssue(path: "models[0].moe.moeLayers", message: "must be <= 32, got 33")])
    }

    @Test func latentAttentionIsParsed() throws {
        let (catalog, issues) = try readCatalog("""
            models:
              - name: mla-small
                base: llama-3.1-8b
                attention: {latent: {kvLoraRank: 256, ropeHeadDim: 32}}
              - name: v3-as-gqa
                base: deepseek-v3
                attention: gqa
            """)
        #expect(issues.isEmpty, "\(issues)")
        #expect(catalog.model(named: "mla-small")?.attention == .multiHeadLatent(kvLoraRank: 256, ropeHeadDim: 32))
        #expect(catalog.model(named: "v3-as-gqa")?.attention == .groupedQuery)
        #expect(catalog.model(named: "v3-as-gqa")?.moe == Catalog.builtin.model(named: "deepseek-v3")?.moe)
    }

    @Test func latentAttentionMissingRankIsReported() throws {
        let (catalog, issues) = try readCatalog("""
            models:
              - {name: mla-small, base: llama-3.1-8b, attention: {latent: {ropeHeadDim: 32}}}
            """)
        #expect(catalog.model(named: "mla-small") == nil)
        #expect(issues == [ScenarioIssue(path: "models[0].attention.latent.kvLoraRank", message: "missing required key")])
    }

    @Test func kvHeadsMustDivideAttentionHeads() throws {
        let (catalog, issues) = try readCatalog("""
            models:
              - {name: odd, base: llama-3.1-8b, kvHeads: 6}
              - {name: wide, base: llama-3.1-8b, kvHeads: 64}
            """)
        #expect(catalog.model(named: "odd") == nil)
        #expect(catalog.model(named: "wide") == nil)
        #expect(issues == [
            ScenarioIssue(path: "models[0]", message: "attentionHeads (32) must be a multiple of kvHeads (6)"),
            ScenarioIssue(path: "models[1]", message: "kvHeads (64) must be <= attentionHeads (32)"),
        ])
    }

    @Test func catalogSectionUnknownKey() throws {
        let (catalog, issues) = try readCatalog("gpu: []\n")
        #expect(issues == [ScenarioIssue(path: "gpu", message: "unknown key (did you mean 'gpus'?)")])
        #expect(catalog.gpus == Catalog.builtin.gpus)
    }

    // MARK: Name suggestions

    @Test func nearestNamesAreOrderedByDistanceThenName() {
        #expect(NameSuggestion.nearest(to: "arrivalrat", in: ["name", "arrivalRates", "arrivalRate"])
            == ["arrivalRate", "arrivalRates"])
        // Ties (distance 1 each) are broken alphabetically; `dog` (distance 3) is too far.
        #expect(NameSuggestion.nearest(to: "cat", in: ["hat", "dog", "car", "bat"]) == ["bat", "car", "hat"])
        #expect(NameSuggestion.nearest(to: "cat", in: ["hat", "dog", "car", "bat"], limit: 2) == ["bat", "car"])
        #expect(NameSuggestion.nearest(to: "ARRIVALRATE", in: ["arrivalRate"]) == ["arrivalRate"])
        // A clear winner is shown alone: "arrivalRat" is 1 from arrivalRate, 3 from arrivalRates2.
        #expect(NameSuggestion.nearest(to: "arrivalRat", in: ["arrivalRates2", "arrivalRate"]) == ["arrivalRate"])
    }

    @Test func aContainedNameIsSuggestedWhateverItsLength() {
        // "h100" is 5 edits from "h100-80gb" but contained in it.
        #expect(NameSuggestion.nearest(to: "H100", in: Catalog.builtin.gpus.map(\.name)) == ["H100-80GB"])
    }

    @Test func nothingIsSuggestedForATotallyDifferentWord() {
        #expect(NameSuggestion.nearest(to: "zebra", in: ["arrivalRate", "name", "sloSeconds"]).isEmpty)
        #expect(NameSuggestion.hint(for: "zebra", in: ["arrivalRate", "name", "sloSeconds"]) == "")
        #expect(NameSuggestion.hint(for: "arivalRate", in: ["arrivalRate"]) == " (did you mean 'arrivalRate'?)")
        #expect(NameSuggestion.nearest(to: "x", in: []).isEmpty)
    }

    @Test func editDistance() {
        #expect(NameSuggestion.editDistance(Array("kitten"), Array("sitting")) == 3)
        #expect(NameSuggestion.editDistance(Array(""), Array("abc")) == 3)
        #expect(NameSuggestion.editDistance(Array("abc"), Array("abc")) == 0)
    }
}

/// Units whose spelling differs only in case (bytes vs bits) must be written exactly.
@Test func ambiguousRateUnitIsExplained() throws {
    let diagnostics = ScenarioDiagnostics()
    let node = ConfigNode(value: .object([(key: "rate", value: .string("400gb/s"))]), diagnostics: diagnostics)
    let value = node.object(allowedKeys: ["rate"])?["rate"]?.bytesPerSecond()
    #expect(value == nil)
    #expect(diagnostics.issues == [ScenarioIssue(
        path: "rate", message: "ambiguous unit in '400gb/s': write GB/s or Gb/s (upper-case B for bytes, lower-case b for bits)")])
}
