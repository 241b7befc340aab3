import Foundation
import GPUSchedTestSupport
import Testing

@testable import ServingModel

// The scenario `workload:` section: classes, length families, traces, and problems with key paths.

/// Reads `text` (a document with a top-level `workload:`) with files resolved against `directory`.
private func readWorkload(_ text: String, directory: String = "/nonexistent") throws -> (Workload?, [String]) {
    let diagnostics = ScenarioDiagnostics()
    let root = ConfigNode(value: try ConfigParser.parse(text), diagnostics: diagnostics)
    let section = root.object(allowedKeys: ["workload"])?.require("workload")
    let workload = section.flatMap { WorkloadSection.read($0, baseDirectory: directory) }
    return (workload, diagnostics.issues.map(\.description))
}

/// The issue lines for a document whose workload has one class with these fields.
private func classIssues(_ fields: String, directory: String = "/nonexistent") throws -> [String] {
    let (workload, issues) = try readWorkload("workload:\n  classes:\n    - {\(fields)}\n", directory: directory)
    #expect(workload == nil)
    return issues
}

private let validClass = "name: chat, arrivalRate: 2, promptTokens: 100, outputTokens: 10"

@Suite struct WorkloadSectionTests {

    @Test func readsClassesWithEveryFamily() throws {
        let (workload, issues) = try readWorkload("""
            workload:
              classes:
                - {name: chat, arrivalRate: 20, promptTokens: {lognormal: {mean: 800, sd: 400}}, outputTokens: {exponential: {mean: 250}}}
                - {name: code, arrivalRate: 5, burstiness: 2.0, promptTokens: 300, outputTokens: {uniform: {min: 10, max: 500}}}
                - {name: fixed, arrivalRate: 0.5, burstiness: 0, promptTokens: {fixed: 64}, outputTokens: "16"}
            """)
        #expect(issues == [])
        guard case let .synthetic(classes) = workload else {
            Issue.record("expected synthetic classes, got \(String(describing: workload))")
            return
        }
        #expect(classes == [
            RequestClass(
                name: "chat", arrivals: .poisson(rate: 20), promptTokens: .lognormal(mean: 800, sd: 400),
                outputTokens: .exponential(mean: 250)),
            RequestClass(
                name: "code", arrivals: .gamma(rate: 5, cv: 2), promptTokens: .fixed(300),
                outputTokens: .uniform(min: 10, max: 500)),
            RequestClass(name: "fixed", arrivals: .gamma(rate: 0.5, cv: 0), promptTokens: .fixed(64), outputTokens: .fixed(16)),
        ])
    }

    @Test func empiricalLengthsComeFromAFileOrTheMatchingTraceColumn() throws {
        let directory = try TemporaryFiles.directory(prefix: "gpusched-workload").path
        try "7\n9\n".write(toFile: directory + "/lengths.txt", atomically: true, encoding: .utf8)
        try "arrival,prompt,output\n0,100,5\n1,200,6\n".write(toFile: directory + "/pairs.csv", atomically: true, encoding: .utf8)
        let (workload, issues) = try readWorkload("""
            workload:
              classes:
                - {name: a, arrivalRate: 1, promptTokens: {empirical: lengths.txt}, outputTokens: {empirical: pairs.csv}}
                - {name: b, arrivalRate: 1, promptTokens: {empirical: pairs.csv}, outputTokens: {empirical: \(directory)/lengths.txt}}
            """, directory: directory)
        #expect(issues == [])
        guard case let .synthetic(classes) = workload else {
            Issue.record("expected synthetic classes")
            return
        }
        #expect(classes.map(\.promptTokens) == [.empirical([7, 9]), .empirical([100, 200])])
        #expect(classes.map(\.outputTokens) == [.empirical([5, 6]), .empirical([7, 9])])
    }

    @Test func badNumbersAreReportedAtTheirKeyPaths() throws {
        let issues = try classIssues("""
            name: chat, arrivalRate: -5, burstiness: -1, promptTokens: 0, \
            outputTokens: {lognormal: {mean: 0, sd: -2}}
            """)
        #expect(issues == [
            "workload.classes[0].arrivalRate: must be > 0, got -5",
            "workload.classes[0].burstiness: must be >= 0, got -1",
            "workload.classes[0].promptTokens: must be >= 1, got 0",
            "workload.classes[0].outputTokens.lognormal.mean: must be > 0, got 0",
            "workload.classes[0].outputTokens.lognormal.sd: must be >= 0, got -2",
        ])
    }

    @Test func lengthFamiliesAreChecked() throws {
        #expect(try classIssues("name: a, arrivalRate: 1, promptTokens: {lognormel: {mean: 5, sd: 1}}, outputTokens: 1") == [
            "workload.classes[0].promptTokens.lognormel: unknown key (did you mean 'lognormal'?)"
        ])
        #expect(try classIssues("name: a, arrivalRate: 1, promptTokens: {fixed: 0}, outputTokens: {uniform: {min: 10, max: 5}}") == [
            "workload.classes[0].promptTokens.fixed: must be >= 1, got 0",
            "workload.classes[0].outputTokens.uniform.max: must be >= min (10), got 5",
        ])
        #expect(try classIssues("name: a, arrivalRate: 1, promptTokens: {fixed: 3, exponential: {mean: 3}}, outputTokens: lots") == [
            "workload.classes[0].promptTokens: give one distribution, got fixed and exponential",
            "workload.classes[0].outputTokens: must be a whole number of tokens or a mapping with one of: "
                + "fixed, exponential, lognormal, uniform, empirical",
        ])
        #expect(try classIssues("name: a, arrivalRate: 1, promptTokens: {}, outputTokens: {exponential: {man: 3}}") == [
            "workload.classes[0].promptTokens: missing distribution; give one of: fixed, exponential, lognormal, uniform, empirical",
            "workload.classes[0].outputTokens.exponential.man: unknown key (did you mean 'mean'?)",
            "workload.classes[0].outputTokens.exponential.mean: missing required key",
        ])
        #expect(try classIssues("name: a, arrivalRate: 1, promptTokens: {fixed: null}, outputTokens: 2") == [
            "workload.classes[0].promptTokens.fixed: missing required key"
        ])
    }

    @Test func classListProblems() throws {
        #expect(try readWorkload("workload:\n  classes: []\n").1 == ["workload.classes: must not be empty"])
        let (_, issues) = try readWorkload("""
            workload:
              classes:
                - {\(validClass)}
                - {\(validClass), arivalRate: 3}
                - {arrivalRate: 1, promptTokens: 1}
            """)
        #expect(issues == [
            "workload.classes[1].arivalRate: unknown key (did you mean 'arrivalRate'?)",
            "workload.classes[1].name: duplicate class name 'chat' (also at workload.classes[0].name)",
            "workload.classes[2].name: missing required key",
            "workload.classes[2].outputTokens: missing required key",
        ])
    }

    @Test func emptyFilesAndMissingFilesOfEmpiricalLengths() throws {
        let directory = try TemporaryFiles.directory(prefix: "gpusched-workload").path
        try "5\n0\n".write(toFile: directory + "/bad.txt", atomically: true, encoding: .utf8)
        let issues = try classIssues(
            "name: a, arrivalRate: 1, promptTokens: {empirical: bad.txt}, outputTokens: {empirical: gone.txt}",
            directory: directory)
        #expect(issues == [
            "workload.classes[0].promptTokens.empirical line 2: length must be >= 1, got 0",
            "workload.classes[0].outputTokens.empirical: file not found: \(directory)/gone.txt",
        ])
    }

    @Test func sectionShapeProblems() throws {
        #expect(try readWorkload("workload: {}\n").1 == [
            "workload: missing 'classes' (synthetic requests) or 'trace' (a trace file to replay)"
        ])
        #expect(try readWorkload("workload: {classes: [], trace: t.csv}\n").1 == [
            "workload: give either 'classes' or 'trace', not both"
        ])
        #expect(try readWorkload("workload: {classes: [{\(validClass)}], timeScale: 2}\n").1 == [
            "workload.timeScale: applies only to a trace"
        ])
    }

    @Test func traceIsResolvedRelativeToTheScenarioAndScaledInTime() throws {
        let directory = try TemporaryFiles.directory(prefix: "gpusched-workload").path
        try FileManager.default.createDirectory(atPath: directory + "/traces", withIntermediateDirectories: true)
        try "arrival,prompt,output,class\n1,10,2,chat\n3,20,4,code\n".write(
            toFile: directory + "/traces/t.csv", atomically: true, encoding: .utf8)
        let (workload, issues) = try readWorkload("workload: {trace: traces/t.csv, timeScale: 0.5}\n", directory: directory)
        #expect(issues == [])
        guard case let .trace(path, requests, classNames) = workload else {
            Issue.record("expected a trace workload")
            return
        }
        #expect(path == directory + "/traces/t.csv")
        #expect(classNames == ["chat", "code"])
        #expect(requests == [
            Request(id: 0, classIndex: 0, arrivalTime: 0.5, promptTokens: 10, outputTokens: 2),
            Request(id: 1, classIndex: 1, arrivalTime: 1.5, promptTokens: 20, outputTokens: 4),
        ])
    }

    @Test func traceProblemsCarryTheKeyPath() throws {
        let directory = try TemporaryFiles.directory(prefix: "gpusched-workload").path
        try "arrival,prompt,output\n2,10,2\n1,0,4\n".write(toFile: directory + "/t.csv", atomically: true, encoding: .utf8)
        #expect(try readWorkload("workload: {trace: t.csv, timeScale: 0}\n", directory: directory).1 == [
            "workload.timeScale: must be > 0, got 0",
            "workload.trace line 3: arrival time 1 is before the previous 2",
            "workload.trace line 3: prompt tokens must be >= 1, got 0",
        ])
        #expect(try readWorkload("workload: {trace: missing.csv}\n", directory: directory).1 == [
            "workload.trace: file not found: \(directory)/missing.csv"
        ])
    }

    @Test func sharedTraceLoadsThroughTheSection() throws {
        let path = try referenceTracePath("splitwise_code.csv")
        let (workload, issues) = try readWorkload("workload: {trace: \(path)}\n")
        #expect(issues == [])
        #expect(workload?.classNames == ["trace"])
        if case let .trace(_, requests, _) = workload { #expect(requests.count == 8_819) }
    }
}
