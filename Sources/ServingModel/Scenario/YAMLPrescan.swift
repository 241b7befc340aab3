import CYaml

/// A first pass over a YAML document's events (libyaml, no tree is built) that refuses, before the
/// document is composed, what would make composing or reading it run away or mean something else:
/// - nesting deeper than `ConfigParser.maximumDepth` levels, or a mapping with more than
///   `ConfigParser.maximumKeys` keys (lists may be long);
/// - alias expansion: the document as the readers see it, every alias replaced by the node it names,
///   would hold more than `ConfigParser.maximumNodes` nodes ("billion laughs");
/// - tags other than YAML's core ones (`!!str`, `!!int`, `!!float`, `!!bool`, `!!null`, `!!seq`,
///   `!!map`): a `!!python/object` or a local `!thing` would ask for a meaning GPUSched does not give.
///
/// The pass stops at the first problem and throws it, with its line. A syntax error ends the pass
/// silently: the composing parser reports it with its own message.
enum YAMLPrescan {
    /// The core schema's tags, which are allowed.
    static let coreTags: Set<String> = ["str", "int", "float", "bool", "null", "seq", "map"].reduce(into: []) {
        $0.insert("tag:yaml.org,2002:" + $1)
    }

    static func check(_ utf8: [UInt8]) throws(ScenarioError) {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return }
        defer { yaml_parser_delete(&parser) }
        var walk = Walk()
        try utf8.withUnsafeBufferPointer { (buffer) throws(ScenarioError) in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var event = yaml_event_t()
            while yaml_parser_parse(&parser, &event) == 1 {
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { return }
                try walk.take(event)
            }
        }
    }

    /// The state of the pass: open collections and the expanded size of every anchor.
    private struct Walk {
        /// An open sequence or mapping: its anchor, the expanded nodes under it so far (itself
        /// included), and for a mapping the keys and values met directly in it.
        var open: [(anchor: String?, nodes: Int, mappingEntries: Int?)] = []
        var anchorNodes: [String: Int] = [:]
        /// Expanded nodes so far: those of closed documents and of every open collection.
        var expanded = 0

        mutating func take(_ event: yaml_event_t) throws(ScenarioError) {
            let line = event.start_mark.line + 1
            switch event.type {
            case YAML_SCALAR_EVENT:
                try checkTag(event.data.scalar.tag, line: line)
                let anchor = Self.string(event.data.scalar.anchor)
                if let anchor { anchorNodes[anchor] = 1 }
                try enter(line: line)
                try count(1, line: line)
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                let isSequence = event.type == YAML_SEQUENCE_START_EVENT
                try checkTag(isSequence ? event.data.sequence_start.tag : event.data.mapping_start.tag, line: line)
                guard open.count < ConfigParser.maximumDepth else {
                    throw ScenarioError(path: "", "line \(line): nesting deeper than \(ConfigParser.maximumDepth) levels; "
                        + "a scenario needs far fewer")
                }
                try enter(line: line)
                try count(1, line: line)
                let anchor = Self.string(isSequence ? event.data.sequence_start.anchor : event.data.mapping_start.anchor)
                open.append((anchor, 1, isSequence ? nil : 0))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let closed = open.popLast() else { return }
                // Its nodes move to the enclosing collection; the expanded total stays.
                if let last = open.indices.last { open[last].nodes += closed.nodes }
                if let anchor = closed.anchor { anchorNodes[anchor] = closed.nodes }
            case YAML_ALIAS_EVENT:
                let name = Self.string(event.data.alias.anchor) ?? ""
                try enter(line: line)
                try count(anchorNodes[name] ?? 1, line: line, alias: name)
            default:
                break
            }
        }

        /// Counts a key or value met directly in the innermost mapping, if that is a mapping: composing
        /// checks a mapping's keys for duplicates by hashing them all, seconds for 10⁵ keys.
        mutating func enter(line: Int) throws(ScenarioError) {
            guard let last = open.indices.last, let entries = open[last].mappingEntries else { return }
            open[last].mappingEntries = entries + 1
            guard entries + 1 > 2 * ConfigParser.maximumKeys else { return }
            throw ScenarioError(path: "", "line \(line): a mapping with more than \(ConfigParser.maximumKeys) keys; "
                + "a scenario needs far fewer")
        }

        /// Adds `nodes` expanded nodes to the innermost open collection and to the total.
        mutating func count(_ nodes: Int, line: Int, alias: String? = nil) throws(ScenarioError) {
            expanded += nodes
            if let last = open.indices.last { open[last].nodes += nodes }
            guard expanded > ConfigParser.maximumNodes else { return }
            let place = alias.map { "alias *\($0) at line \(line)" } ?? "line \(line)"
            throw ScenarioError(path: "", "at \(place) the document would hold more than "
                + "\(ConfigParser.maximumNodes) values with its aliases expanded; a scenario needs far fewer")
        }

        func checkTag(_ tag: UnsafeMutablePointer<yaml_char_t>?, line: Int) throws(ScenarioError) {
            guard let tag = Self.string(tag), tag != "!", !YAMLPrescan.coreTags.contains(tag) else { return }
            let shown = tag.hasPrefix("tag:yaml.org,2002:") ? "!!" + tag.dropFirst("tag:yaml.org,2002:".count) : tag
            throw ScenarioError(path: "", "line \(line): YAML tag '\(shown)' is not supported; scenarios hold plain "
                + "values (remove the tag)")
        }

        static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
            pointer.map { String(cString: $0) }
        }
    }
}
