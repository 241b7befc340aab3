import Foundation
import Testing

@testable import ServingModel
import GPUSchedTestSupport

// Trace replay files (CSV and JSONL) and length files: loading, class mapping and exact errors.

/// The issue lines `TraceWorkload.load` throws for a CSV or JSONL text.
private func traceIssues(_ text: String, name: String = "trace.csv") throws -> [String]? {
    let path = try TemporaryFiles.file(named: name, text)
    var classNames: [String] = []
    return scenarioIssues { _ = try TraceWorkload.load(path: path, classNames: &classNames) }
}

@Suite struct WorkloadTraceTests {

    // MARK: Loading

    @Test func splitwiseCodeTraceLoadsEveryRequest() throws {
        let path = try referenceTracePath("splitwise_code.csv")
        var classNames: [String] = []
        let requests = try TraceWorkload.load(path: path, classNames: &classNames)
        #expect(requests.count == 8_819)  // as the data README says
        #expect(classNames == ["trace"])
        #expect(requests[0] == Request(id: 0, classIndex: 0, arrivalTime: 0, promptTokens: 4808, outputTokens: 10))
        #expect(requests[1] == Request(id: 1, classIndex: 0, arrivalTime: 0.052, promptTokens: 3180, outputTokens: 8))
        #expect(requests.last?.arrivalTime == 3435.948056)
        #expect(requests.map(\.id) == Array(0..<8_819))
        #expect(requests.allSatisfy { $0.classIndex == 0 })
        #expect(zip(requests, requests.dropFirst()).allSatisfy { $0.arrivalTime <= $1.arrivalTime })
    }

    @Test func csvClassesExtendTheKnownClassNames() throws {
        let path = try TemporaryFiles.file(named: "classes.csv", """
            arrival, prompt, output, class
            0.5, 100, 20, chat
            1.0, 200, 30, "code"
            1.0, 300, 40, chat

            """)
        var classNames = ["code"]
        let requests = try TraceWorkload.load(path: path, classNames: &classNames)
        #expect(classNames == ["code", "chat"])
        #expect(requests.map(\.classIndex) == [1, 0, 1])
        #expect(requests.map(\.promptTokens) == [100, 200, 300])
        #expect(requests.map(\.arrivalTime) == [0.5, 1.0, 1.0])
    }

    @Test func csvQuotedFieldsMayHoldCommas() throws {
        // Line 3 is blank; line 4 has one field too many.
        #expect(try traceIssues("arrival,prompt,output,class\n0.5,100,20,\"chat, long\"\n\n1.0,200,30,x,y\n")
            == ["trace line 4: expected 4 fields, got 5"])
        var classNames: [String] = []
        let good = try TemporaryFiles.file(named: "quoted-good.csv", "arrival,prompt,output,class\n0.5,100,20,\"chat, long\"\n")
        _ = try TraceWorkload.load(path: good, classNames: &classNames)
        #expect(classNames == ["chat, long"])
    }

    @Test func jsonlWithAndWithoutClassKeys() throws {
        let path = try TemporaryFiles.file(named: "trace.jsonl", """
            {"arrivalTime": 0.25, "promptTokens": 12, "outputTokens": 3, "class": "chat", "user": "x"}

            {"arrivalTime": 1, "promptTokens": "40", "outputTokens": 4.0}
            """)
        var classNames: [String] = []
        let requests = try TraceWorkload.load(path: path, classNames: &classNames)
        #expect(classNames == ["chat", "trace"])
        #expect(requests == [
            Request(id: 0, classIndex: 0, arrivalTime: 0.25, promptTokens: 12, outputTokens: 3),
            Request(id: 1, classIndex: 1, arrivalTime: 1, promptTokens: 40, outputTokens: 4),
        ])
    }

    // MARK: Errors

    @Test func unsortedTimesNameTheLineAndBothTimes() throws {
        let issues = try traceIssues("arrived_at,num_prefill_tokens,num_decode_tokens\n1,5,5\n4.1,5,5\n3.2,5,5\n5,5,5\n")
        #expect(issues == ["trace line 4: arrival time 3.2 is before the previous 4.1"])
    }

    @Test func negativeTimesAndZeroLengthsAreReportedPerLine() throws {
        let issues = try traceIssues("arrival,prompt,output\n-0.5,5,5\n1,0,5\n2,5,0\n3,2.5,5\n4,5,x\nsoon,5,5\n")
        #expect(issues == [
            "trace line 2: arrival time -0.5 is negative",
            "trace line 3: prompt tokens must be >= 1, got 0",
            "trace line 4: output tokens must be >= 1, got 0",
            "trace line 5: prompt tokens must be a whole number, got 2.5",
            "trace line 6: output tokens 'x' is not a number",
            "trace line 7: arrival time 'soon' is not a number",
        ])
    }

    @Test func missingColumnsAreNamedWithTheirAcceptedNames() throws {
        let issues = try traceIssues("arrival,prompt,tokens_out\n1,5,5\n")
        #expect(issues == [
            "trace line 1: missing column for the output tokens (accepted names: output, outputTokens, num_decode_tokens)"
        ])
    }

    @Test func structuralProblemsOfLines() throws {
        #expect(try traceIssues("arrival,prompt,output\n1,5,5\n2,5\n") == ["trace line 3: expected 3 fields, got 2"])
        #expect(try traceIssues("arrival,arrived_at,prompt,output\n1,1,5,5\n") == [
            "trace line 1: columns 'arrival' and 'arrived_at' both give the arrival time"
        ])
        #expect(try traceIssues("{\"arrival\": 1, \"prompt\": 5}\n[1, 2]\n", name: "t.jsonl") == [
            "trace line 1: missing key for the output tokens (accepted names: output, outputTokens, num_decode_tokens)",
            "trace line 2: not a JSON object",
        ])
        #expect(try traceIssues("arrival,prompt,output,class\n1,5,5,\n") == ["trace line 2: class must not be empty"])
    }

    @Test func emptyAndMissingFiles() throws {
        let empty = try TemporaryFiles.file(named: "empty.csv", "\n\n")
        let headerOnly = try TemporaryFiles.file(named: "header.csv", "arrival,prompt,output\n")
        var classNames: [String] = []
        #expect(scenarioIssues { _ = try TraceWorkload.load(path: empty, classNames: &classNames) }
            == ["trace: the file is empty: \(empty)"])
        #expect(scenarioIssues { _ = try TraceWorkload.load(path: headerOnly, classNames: &classNames) }
            == ["trace: the trace has no requests: \(headerOnly)"])
        #expect(scenarioIssues { _ = try TraceWorkload.load(path: "/nonexistent/t.csv", classNames: &classNames) }
            == ["trace: file not found: /nonexistent/t.csv"])
        #expect(classNames.isEmpty)
    }

    @Test func reportingStopsAfterTenProblems() throws {
        let lines = (1...15).map { "\($0),0,5" }.joined(separator: "\n")
        let issues = try #require(try traceIssues("arrival,prompt,output\n" + lines))
        #expect(issues.count == 11)
        #expect(issues[9] == "trace line 11: prompt tokens must be >= 1, got 0")
        #expect(issues[10] == "trace: 5 more problems not shown")
    }

    // MARK: Length files

    @Test func plainLengthFilesWithAndWithoutHeader() throws {
        let bare = try TemporaryFiles.file(named: "lengths.txt", "12\n\n7\n300\n")
        let titled = try TemporaryFiles.file(named: "lengths.csv", "tokens\n12\n7\n")
        let column = try TemporaryFiles.file(named: "prompts.csv", "num_prefill_tokens\n40\n")
        #expect(try LengthFile.load(path: bare) == .plain([12, 7, 300]))
        #expect(try LengthFile.load(path: titled) == .plain([12, 7]))
        #expect(try LengthFile.load(path: column) == .plain([40]))
        #expect(try LengthFile.load(path: bare).lengths(.output) == [12, 7, 300])
    }

    @Test func traceLengthFilesKeepBothColumnsAndNeedNoTimes() throws {
        let path = try TemporaryFiles.file(named: "pairs.csv", "promptTokens,outputTokens\n100,7\n50,9\n")
        let file = try LengthFile.load(path: path)
        #expect(file == .trace(prompt: [100, 50], output: [7, 9]))
        #expect(file.lengths(.prompt) == [100, 50])
        #expect(file.lengths(.output) == [7, 9])
    }

    @Test func lengthFileErrorsNameTheFileAndLine() throws {
        let zero = try TemporaryFiles.file(named: "lengths.txt", "5\n0\n")
        #expect(scenarioIssues { _ = try LengthFile.load(path: zero) } == ["lengths.txt line 2: length must be >= 1, got 0"])
        let wide = try TemporaryFiles.file(named: "wide.csv", "a,b\n1,2\n")
        #expect(scenarioIssues { _ = try LengthFile.load(path: wide) } == [
            "wide.csv line 1: missing column for the prompt tokens (accepted names: prompt, promptTokens, num_prefill_tokens)",
            "wide.csv line 1: missing column for the output tokens (accepted names: output, outputTokens, num_decode_tokens)",
        ])
        let titled = try TemporaryFiles.file(named: "only-header.txt", "tokens\n")
        #expect(scenarioIssues { _ = try LengthFile.load(path: titled) } == ["only-header.txt: no lengths in \(titled)"])
    }
}
