import Foundation

/// A wp-config.php read through a PHP lexer, with every byte kept.
///
/// Ranges are UTF-8 byte offsets into `data` (`contents.utf8`); lines are 1-based. Edits
/// (`setting`, `removing`, …) return a new, re-read and verified file and never touch this one.
public struct WPConfigFile: Sendable {
    let index: PHPSourceIndex

    /// Every constant definition (`define(…)` and top-level `const`), in file order.
    public let constants: [ConstantDefinition]
    /// Every `$name = …;` statement, in file order.
    public let variables: [VariableAssignment]
    /// The `/* That's all, stop editing! … */` comment, when present.
    public let stopEditingComment: SourceLocation?
    /// The statement that loads `wp-settings.php` (`require_once ABSPATH . 'wp-settings.php';`), when present.
    public let wpSettingsRequire: SourceLocation?
    /// The line ending new lines get: the file's own (CRLF files stay CRLF).
    public let lineEnding: LineEnding
    /// A UTF-8 byte order mark before `<?php`, which PHP sends to the browser as output
    /// (the classic cause of "headers already sent").
    public let hasByteOrderMark: Bool
    /// How constants are defined in this file.
    public let dialect: Dialect
    /// Bedrock's `Config::apply();`, which turns the `Config::define` calls into constants.
    public let configApplyCall: SourceLocation?

    public enum Dialect: String, Sendable, Codable {
        /// wp-config.php: `define()` and `const`; the first definition wins.
        case wordPress
        /// Bedrock's config/application.php and config/environments/*.php: `Config::define()`
        /// (roots/wp-config) as well, where the last call wins until `Config::apply()` defines them.
        case bedrock
    }

    public enum LineEnding: String, Sendable, Codable {
        case lf = "\n"
        case crlf = "\r\n"
    }

    // MARK: Reading

    /// Reads a file's bytes; throws `WPConfigError` when they are not PHP we can edit safely.
    public init(data: Data, dialect: Dialect = .wordPress) throws(WPConfigError) {
        try self.init(bytes: [UInt8](data), dialect: dialect)
    }

    public init(contents: String, dialect: Dialect = .wordPress) throws(WPConfigError) {
        try self.init(bytes: Array(contents.utf8), dialect: dialect)
    }

    init(bytes: [UInt8], dialect: Dialect = .wordPress) throws(WPConfigError) {
        self.dialect = dialect
        guard bytes.contains(where: { !isWhitespace($0) }) else { throw .empty }
        let lines = LineTable(bytes)
        if let nul = bytes.firstIndex(of: 0) { throw .binary(line: lines.line(of: nul)) }
        if let invalid = Self.firstInvalidUTF8Offset(bytes) { throw .notUTF8(line: lines.line(of: invalid)) }
        let index = try PHPSourceIndex(bytes: bytes)
        guard index.tokens.contains(where: { $0.kind == .openTag || $0.kind == .openTagWithEcho }) else { throw .noOpenTag }
        self.index = index
        hasByteOrderMark = bytes.starts(with: [0xEF, 0xBB, 0xBF])
        if let newline = bytes.firstIndex(of: UInt8(ascii: "\n")), newline > 0, bytes[newline - 1] == UInt8(ascii: "\r") {
            lineEnding = .crlf
        } else {
            lineEnding = .lf
        }
        let reader = DefinitionReader(index: index, dialect: dialect)
        try reader.read()
        configApplyCall = reader.configApplyCall
        constants = reader.constants
        variables = reader.variables
        wpSettingsRequire = reader.wpSettingsRequire
        stopEditingComment = Self.findStopEditingComment(index)
    }

    /// The exact bytes.
    public var data: Data { Data(index.bytes) }

    /// The exact text (valid UTF-8 is required to read the file at all).
    public var contents: String { String(decoding: index.bytes, as: UTF8.self) }

    /// The source text of a byte range.
    public func text(of range: Range<Int>) -> String { index.source(range) }

    /// A byte range as indices into `contents`.
    public func characterRange(of range: Range<Int>) -> Range<String.Index> {
        let text = contents
        let lower = text.utf8.index(text.startIndex, offsetBy: range.lowerBound)
        let upper = text.utf8.index(lower, offsetBy: range.count)
        return lower..<upper
    }

    // MARK: Questions

    /// Every definition of `name` (case-sensitive, as PHP 8 constants are), in file order.
    public func definitions(of name: String) -> [ConstantDefinition] {
        constants.filter { $0.name == name }
    }

    /// The definition PHP uses: the first one (a later `define` of the same name only warns).
    /// With Bedrock's `Config::define`, which only records a value until `Config::apply()`, the
    /// last unconditional call wins (a plain `define` of the same name makes Config refuse, so it comes first).
    public func definition(of name: String) -> ConstantDefinition? {
        let all = constants.filter { $0.name == name }
        if let plain = all.first(where: { $0.form != .configDefine }) { return plain }
        return all.last { !$0.isConditional } ?? all.last
    }

    /// The value of the effective definition of `name`, nil when it is not defined.
    public func value(of name: String) -> PHPValue? {
        definition(of: name)?.value
    }

    /// Constants defined more than once, in order of first definition.
    public var duplicates: [DuplicateDefinition] {
        var order: [String] = []
        var lines: [String: [Int]] = [:]
        for definition in constants {
            if lines[definition.name] == nil { order.append(definition.name) }
            lines[definition.name, default: []].append(definition.line)
        }
        return order.compactMap { name in
            guard let found = lines[name], found.count > 1 else { return nil }
            return DuplicateDefinition(name: name, lines: found)
        }
    }

    /// `$table_prefix`: the last unconditional assignment (the one in force when WordPress
    /// loads), else the first conditional one (Debian's `if (!isset($table_prefix))` default).
    public var tablePrefix: VariableAssignment? {
        let assignments = variables.filter { $0.name == "table_prefix" }
        return assignments.last { !$0.isConditional } ?? assignments.first
    }

    /// Definitions after the wp-settings.php require. WordPress has read its settings by then,
    /// so these have no effect on core (a usual reason a wp-config.php fix "does nothing").
    public var definitionsAfterWPSettings: [ConstantDefinition] {
        guard let require = wpSettingsRequire else { return [] }
        return constants.filter { $0.statementRange.lowerBound >= require.byteRange.upperBound }
    }

    /// Text outside `<?php … ?>` that PHP sends to the browser before WordPress runs
    /// (a byte order mark, blank lines after a closing `?>`): a frequent cause of broken logins and feeds.
    public var outputOutsidePHP: [SourceLocation] {
        index.tokens.filter { $0.kind == .inlineHTML }.map {
            SourceLocation(byteRange: $0.range, line: index.lines.line(of: $0.range.lowerBound))
        }
    }

    // MARK: Helpers

    private static func findStopEditingComment(_ index: PHPSourceIndex) -> SourceLocation? {
        let markers = ["that's all, stop editing", "that\u{2019}s all, stop editing"]
        for token in index.tokens where token.isComment && token.range.count >= 26 {
            let text = index.source(token.range).lowercased()
            if markers.contains(where: { text.contains($0) }) {
                return SourceLocation(byteRange: token.range, line: index.lines.line(of: token.range.lowerBound))
            }
        }
        return nil
    }

    /// The offset of the first byte that is not part of valid UTF-8, or nil.
    static func firstInvalidUTF8Offset(_ bytes: [UInt8]) -> Int? {
        var offset = 0
        while offset < bytes.count {
            let lead = bytes[offset]
            if lead < 0x80 {
                offset += 1
                continue
            }
            let length: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return offset
            }
            guard offset + length <= bytes.count else { return offset }
            guard bytes[offset + 1] >= low, bytes[offset + 1] <= high else { return offset }
            for continuation in 2..<length where bytes[offset + continuation] & 0xC0 != 0x80 {
                return offset
            }
            offset += length
        }
        return nil
    }
}

/// Where something is in the file.
public struct SourceLocation: Equatable, Sendable, Codable {
    /// UTF-8 byte offsets.
    public var byteRange: Range<Int>
    /// 1-based line of the first byte.
    public var line: Int

    public init(byteRange: Range<Int>, line: Int) {
        self.byteRange = byteRange
        self.line = line
    }
}

/// One `define( 'NAME', value )` or top-level `const NAME = value;`.
public struct ConstantDefinition: Equatable, Sendable {
    public enum Form: String, Equatable, Sendable, Codable {
        /// `define( 'NAME', value )`, any spelling (`DEFINE`, `\define`, `@define`).
        case define
        /// `const NAME = value;` at the top level of the file.
        case const
        /// Bedrock's `Config::define( 'NAME', value )` (roots/wp-config).
        case configDefine
    }

    public let name: String
    public let form: Form
    /// The decoded value for a plain literal, `.expression(valueSource)` otherwise.
    public let value: PHPValue
    /// The value expression exactly as written (from its first to its last token).
    public let valueSource: String
    /// Byte range of the value expression.
    public let valueRange: Range<Int>
    /// Byte range of the whole statement: `define( … );`, `defined( 'X' ) || define( … );`
    /// or `const X = …;` (for the pieces of `const A = 1, B = 2;`, the whole statement).
    public let statementRange: Range<Int>
    /// 1-based line where the definition starts.
    public let line: Int
    /// True when the definition may not run: inside braces, the body of an `if`/`else`, or
    /// after `defined( … ) ||`.
    public let isConditional: Bool
    /// What `removing` deletes: the statement, widened to a guarding `if ( ! defined( … ) )`
    /// that holds nothing else; nil when it is part of a larger statement.
    let removalRange: Range<Int>?

    public var isSecret: Bool { KnownConstants.isSecret(name) }

    /// The value source for display: the mask for secrets (see `KnownConstants.mask`).
    public var displaySource: String { KnownConstants.displaySource(valueSource, forConstant: name) }
}

/// One `$name = value;` statement.
public struct VariableAssignment: Equatable, Sendable {
    /// Without the `$`.
    public let name: String
    public let value: PHPValue
    public let valueSource: String
    public let valueRange: Range<Int>
    public let statementRange: Range<Int>
    public let line: Int
    public let isConditional: Bool
}

/// A constant defined more than once; PHP keeps the first value and warns about the rest.
public struct DuplicateDefinition: Equatable, Sendable {
    public let name: String
    /// Lines of every definition, in file order.
    public let lines: [Int]
}

// MARK: - Reading definitions

/// Walks the code tokens once and collects definitions, assignments and the wp-settings require.
final class DefinitionReader {
    let index: PHPSourceIndex
    let dialect: WPConfigFile.Dialect
    var constants: [ConstantDefinition] = []
    var variables: [VariableAssignment] = []
    var wpSettingsRequire: SourceLocation?
    var configApplyCall: SourceLocation?

    init(index: PHPSourceIndex, dialect: WPConfigFile.Dialect = .wordPress) {
        self.index = index
        self.dialect = dialect
    }

    func read() throws(WPConfigError) {
        var code = 0
        while code < index.count {
            let token = index.token(code)
            switch token.kind {
            case .name:
                if index.isWord(code, "define"), index.isPunctuation(code + 1, "("), !isMemberOrDeclaration(code) {
                    try readDefine(at: code)
                } else if isConfigCall(code, "define") {
                    try readDefine(at: code, form: .configDefine, statementFrom: code - 2)
                } else if isConfigCall(code, "apply"), configApplyCall == nil {
                    let start = index.statementContext(of: code - 2).start
                    let close = index.partner[code + 1]
                    let end = index.isPunctuation(close + 1, ";") ? close + 1 : close
                    configApplyCall = SourceLocation(byteRange: index.byteRange(start, through: end), line: index.line(start))
                } else if index.isWord(code, "const"), index.depthBefore[code] == 0,
                          case .statementStart = index.statementContext(of: code).context {
                    readConst(at: code)
                } else if wpSettingsRequire == nil, index.isWord(code, "require", "require_once", "include", "include_once") {
                    readRequire(at: code)
                }
            case .variable:
                if index.isPunctuation(code + 1, "=") { readAssignment(at: code) }
            default:
                break
            }
            code += 1
        }
    }

    /// Bedrock's `Config::NAME(` (also written `\Roots\WPConfig\Config::NAME(`).
    private func isConfigCall(_ code: Int, _ method: StaticString) -> Bool {
        guard dialect == .bedrock, index.isWord(code, method), index.isPunctuation(code + 1, "("),
              index.isPunctuation(code - 1, "::"), let owner = index.word(code - 2) else { return false }
        return owner == "config" || owner.hasSuffix("\\config")
    }

    /// `$object->define(`, `Foo::define(`, `function define(` are not the global function.
    private func isMemberOrDeclaration(_ code: Int) -> Bool {
        index.isPunctuation(code - 1, oneOf: "->", "?->", "::") || index.isWord(code - 1, "function", "new", "fn", "const")
    }

    private func readDefine(at code: Int, form: ConstantDefinition.Form = .define, statementFrom first: Int? = nil) throws(WPConfigError) {
        let open = code + 1
        let close = index.partner[open]
        guard close > open else { return }
        let arguments = callArguments(open: open, close: close)
        var nameArgument: ClosedRange<Int>?
        var valueArgument: ClosedRange<Int>?
        var positional = 0
        for argument in arguments {
            // PHP 8 named arguments: define(constant_name: 'X', value: 1).
            if index.token(argument.lowerBound).kind == .name, argument.count > 2, index.isPunctuation(argument.lowerBound + 1, ":") {
                let body = (argument.lowerBound + 2)...argument.upperBound
                switch index.word(argument.lowerBound) {
                case "constant_name": nameArgument = body
                case "value": valueArgument = body
                default: break
                }
                continue
            }
            if index.isPunctuation(argument.lowerBound, "...") { return }
            if positional == 0 { nameArgument = argument } else if positional == 1 { valueArgument = argument }
            positional += 1
        }
        guard let nameArgument, nameArgument.count == 1, let name = literalString(nameArgument.lowerBound) else { return }
        guard let valueArgument else {
            throw .malformedDefine(name: name, line: index.line(code))
        }

        let (start, context) = index.statementContext(of: first ?? code)
        let after = close + 1
        let endsStatement = after >= index.count || index.isPunctuation(after, ";") || index.token(after).kind == .closeTag
        let statementEnd = index.isPunctuation(after, ";") ? after : close
        var statementRange = index.byteRange(start, through: statementEnd)
        var removalRange: Range<Int>?
        var isConditional = index.depthBefore[code] > 0

        switch context {
        case .statementStart(let blockOpener):
            if endsStatement {
                removalRange = guardingIfRange(blockOpener: blockOpener, statementEnd: statementEnd) ?? statementRange
            }
        case .bracelessBody(let keyword):
            isConditional = true
            if endsStatement, index.isWord(keyword, "if"), !index.isWord(statementEnd + 1, "else", "elseif"),
               case .statementStart = index.statementContext(of: keyword).context {
                removalRange = index.byteRange(index.statementContext(of: keyword).start, through: statementEnd)
            }
        case .afterLogicalOperator(let logicalOperator):
            isConditional = true
            if endsStatement, let checkStart = definedCheckStart(endingBefore: logicalOperator),
               case .statementStart = index.statementContext(of: checkStart).context {
                let wholeStart = index.statementContext(of: checkStart).start
                statementRange = index.byteRange(wholeStart, through: statementEnd)
                removalRange = statementRange
            }
        case .expression:
            isConditional = true
            if !endsStatement { statementRange = index.byteRange(start, through: close) }
        }

        constants.append(ConstantDefinition(
            name: name, form: form, value: value(of: valueArgument), valueSource: index.source(byteRange(valueArgument)),
            valueRange: byteRange(valueArgument), statementRange: statementRange, line: index.line(start),
            isConditional: isConditional, removalRange: removalRange))
    }

    /// `const A = 1, B = 'two';` at the top level.
    private func readConst(at code: Int) {
        var found: [(name: String, value: ClosedRange<Int>, line: Int)] = []
        var cursor = code + 1
        while true {
            guard index.kind(cursor) == .name, index.isPunctuation(cursor + 1, "="),
                  let end = index.expressionEnd(from: cursor + 2, stopAtComma: true) else { return }
            found.append((index.source(index.token(cursor).range), (cursor + 2)...end, index.line(cursor)))
            cursor = end + 1
            if index.isPunctuation(cursor, ",") {
                cursor += 1
                continue
            }
            break
        }
        let statementEnd = index.isPunctuation(cursor, ";") ? cursor : cursor - 1
        let statementRange = index.byteRange(code, through: statementEnd)
        for definition in found {
            constants.append(ConstantDefinition(
                name: definition.name, form: .const, value: value(of: definition.value),
                valueSource: index.source(byteRange(definition.value)), valueRange: byteRange(definition.value),
                statementRange: statementRange, line: definition.line, isConditional: false,
                removalRange: found.count == 1 ? statementRange : nil))
        }
    }

    private func readAssignment(at code: Int) {
        let (start, context) = index.statementContext(of: code)
        guard start == code else { return }
        let isConditional: Bool
        switch context {
        case .statementStart: isConditional = index.depthBefore[code] > 0
        case .bracelessBody: isConditional = true
        case .afterLogicalOperator, .expression: return
        }
        guard let end = index.expressionEnd(from: code + 2, stopAtComma: false) else { return }
        let valueRange = index.byteRange(code + 2, through: end)
        let statementEnd = index.isPunctuation(end + 1, ";") ? end + 1 : end
        var name = index.source(index.token(code).range)
        name.removeFirst()
        variables.append(VariableAssignment(
            name: name, value: value(of: (code + 2)...end), valueSource: index.source(valueRange), valueRange: valueRange,
            statementRange: index.byteRange(code, through: statementEnd), line: index.line(code), isConditional: isConditional))
    }

    private func readRequire(at code: Int) {
        guard let end = index.expressionEnd(from: code + 1, stopAtComma: false) else { return }
        let mentionsSettings = ((code + 1)...end).contains { position in
            switch index.token(position).kind {
            case .singleQuotedString, .doubleQuotedString, .heredoc, .nowdoc:
                return index.source(index.token(position).range).contains("wp-settings.php")
            default:
                return false
            }
        }
        guard mentionsSettings else { return }
        let statementEnd = index.isPunctuation(end + 1, ";") ? end + 1 : end
        let start = index.statementContext(of: code).start
        wpSettingsRequire = SourceLocation(byteRange: index.byteRange(start, through: statementEnd), line: index.line(start))
    }

    // MARK: Pieces

    /// The arguments between a call's parentheses, each as a range of code positions.
    private func callArguments(open: Int, close: Int) -> [ClosedRange<Int>] {
        var arguments: [ClosedRange<Int>] = []
        let depth = index.depthBefore[open] + 1
        var start = open + 1
        var code = open + 1
        while code <= close {
            if code == close || (index.depthBefore[code] == depth && index.isPunctuation(code, ",")) {
                if code > start { arguments.append(start...(code - 1)) }
                start = code + 1
            }
            code += 1
        }
        return arguments
    }

    /// The text of a string literal token without interpolation, nil for anything else.
    private func literalString(_ code: Int) -> String? {
        guard let bytes = PHPLiteralDecoder.stringLiteral(index.token(code), in: index.bytes) else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }

    private func byteRange(_ range: ClosedRange<Int>) -> Range<Int> {
        index.byteRange(range.lowerBound, through: range.upperBound)
    }

    private func value(of range: ClosedRange<Int>) -> PHPValue {
        let tokens = range.map { index.token($0) }
        return PHPLiteralDecoder.value(of: tokens, in: index.bytes) ?? .expression(index.source(byteRange(range)))
    }

    /// For a definition that is the only statement in `if ( … ) { … }` without an `else`, the
    /// whole `if`: removing the definition should not leave an empty guard behind.
    private func guardingIfRange(blockOpener: Int?, statementEnd: Int) -> Range<Int>? {
        guard let blockOpener, index.partner[blockOpener] == statementEnd + 1,
              index.isPunctuation(blockOpener - 1, ")"),
              let keyword = index.controlKeyword(closingParenthesis: blockOpener - 1), index.isWord(keyword, "if"),
              !index.isWord(statementEnd + 2, "else", "elseif") else { return nil }
        let (start, context) = index.statementContext(of: keyword)
        guard case .statementStart = context else { return nil }
        return index.byteRange(start, through: statementEnd + 1)
    }

    /// For `defined( 'X' )` or `! defined( 'X' )` ending just before `logicalOperator`, where it starts.
    private func definedCheckStart(endingBefore logicalOperator: Int) -> Int? {
        let close = logicalOperator - 1
        guard index.isPunctuation(close, ")") else { return nil }
        let open = index.partner[close]
        guard open > 0, index.isWord(open - 1, "defined") else { return nil }
        var start = open - 1
        while index.isPunctuation(start - 1, "!") { start -= 1 }
        return start
    }
}
