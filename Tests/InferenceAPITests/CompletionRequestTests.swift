import InferenceAPI
import Testing

@Suite("CompletionRequest")
struct CompletionRequestTests {
    private func read(_ json: String, _ endpoint: CompletionEndpoint = .chat) throws(InferenceAPIError) -> CompletionRequest {
        try CompletionRequest(body: Array(json.utf8), endpoint: endpoint)
    }

    @Test("a chat request's fields and its messages' text")
    func chat() throws {
        let request = try read(#"""
            {"model":"m","stream":true,"stream_options":{"include_usage":true},"max_tokens":7,
             "messages":[{"role":"system","content":"be brief"},{"role":"user","content":[{"type":"text","text":"hi"}]}],
             "temperature":0.2}
            """#)
        #expect(request == CompletionRequest(
            model: "m", stream: true, maxTokens: 7, promptText: "be brief\nhi", includeUsage: true, endpoint: .chat))
    }

    @Test("max_completion_tokens wins over max_tokens; a prompt array is joined")
    func text() throws {
        let request = try read(#"{"model":"m","prompt":["a","b"],"max_tokens":3,"max_completion_tokens":9}"#, .text)
        #expect(request.maxTokens == 9)
        #expect(request.promptText == "a\nb")
        #expect(!request.stream)
    }

    @Test("bad bodies name the field", arguments: [
        (#"not json"#, "the request body is not valid JSON", nil as String?),
        (#"[1]"#, "the request body must be a JSON object", nil),
        (#"{"messages":[{"role":"user","content":"x"}]}"#, "'model' is required and must be a non-empty string", "model"),
        (#"{"model":"m","messages":[]}"#, "'messages' is required and must be a non-empty array", "messages"),
        (#"{"model":"m","messages":[{"content":"x"}]}"#,
         "'messages[0]' must be an object with a string 'role' and a string or array 'content'", "messages[0]"),
        (#"{"model":"m","stream":"yes","messages":[{"role":"user","content":"x"}]}"#, "'stream' must be true or false", "stream"),
        (#"{"model":"m","max_tokens":0,"messages":[{"role":"user","content":"x"}]}"#, "'max_tokens' must be an integer >= 1", "max_tokens"),
        (#"{"model":"m","max_tokens":1.5,"messages":[{"role":"user","content":"x"}]}"#, "'max_tokens' must be an integer >= 1", "max_tokens"),
    ])
    func rejects(body: String, message: String, parameter: String?) {
        #expect(throws: InferenceAPIError.invalidRequest(message, parameter: parameter)) { try read(body) }
    }

    @Test("a prompt of the wrong type on /v1/completions")
    func badPrompt() {
        #expect(throws: InferenceAPIError.invalidRequest("'prompt' must be a string or an array of strings", parameter: "prompt")) {
            try read(#"{"model":"m","prompt":5}"#, .text)
        }
    }

    @Test("the OpenAI error body")
    func errorBody() throws {
        let body = InferenceAPIError.invalidRequest("'model' is required", parameter: "model").body()
        #expect(String(decoding: body, as: UTF8.self)
            == #"{"error":{"code":null,"message":"'model' is required","param":"model","type":"invalid_request_error"}}"#)
    }
}

@Suite("ServerSentEventParser")
struct ServerSentEventParserTests {
    @Test("events split across arbitrary chunk boundaries come out whole")
    func chunking() throws {
        let stream = Array("data: {\"a\":1}\n\n: comment\n\ndata: x\r\ndata: y\r\n\r\ndata: [DONE]\n\n".utf8)
        for cut in 1..<stream.count {
            var parser = ServerSentEventParser()
            let events = try parser.feed(stream[..<cut]) + parser.feed(stream[cut...])
            #expect(events.map { String(decoding: $0, as: UTF8.self) } == ["{\"a\":1}", "x\ny", "[DONE]"])
        }
    }

    @Test("a line longer than the bound is refused")
    func bounded() {
        var parser = ServerSentEventParser(maximumLineBytes: 8)
        #expect(throws: ServerSentEventParser.LineTooLong.self) { try parser.feed(Array("data: 0123456789".utf8)) }
    }

    @Test("frame round trip")
    func frame() throws {
        var parser = ServerSentEventParser()
        let events = try parser.feed(ServerSentEvents.frame(Array("{}".utf8)) + ServerSentEvents.doneFrame)
        #expect(events == [Array("{}".utf8), Array("[DONE]".utf8)])
    }
}

@Suite("PromptTokens")
struct PromptTokensTests {
    @Test("a generated prompt reads back as its length", arguments: [1, 2, 7, 512, 4_096])
    func roundTrip(tokens: Int) {
        #expect(PromptTokens.estimate(PromptTokens.text(tokens: tokens, seed: 3)) == tokens)
    }

    @Test("4 bytes a token, rounded up, at least one")
    func estimate() {
        #expect(PromptTokens.estimate("") == 1)
        #expect(PromptTokens.estimate("abcd") == 1)
        #expect(PromptTokens.estimate("abcde") == 2)
        #expect(PromptTokens.estimate("é") == 1)
    }

    @Test("different seeds differ from the first word")
    func seeds() {
        #expect(PromptTokens.text(tokens: 4, seed: 1).prefix(4) != PromptTokens.text(tokens: 4, seed: 2).prefix(4))
    }
}
