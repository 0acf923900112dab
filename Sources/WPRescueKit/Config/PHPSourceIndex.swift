/// The tokens of a PHP file with what the parser keeps asking about them: which ones are code
/// (not whitespace or comments), how deeply each sits in brackets, and which bracket closes which.
///
/// Positions named `code` below index `codeTokens`, not `tokens`.
final class PHPSourceIndex: Sendable {
    let bytes: [UInt8]
    let lines: LineTable
    let tokens: [PHPToken]
    /// Indices into `tokens` of everything but whitespace and comments.
    let codeTokens: [Int]
    /// Open brackets around each code token, not counting the token itself.
    let depthBefore: [Int]
    /// For a bracket, the code position of its partner; -1 otherwise.
    let partner: [Int]

    init(bytes: [UInt8]) throws(WPConfigError) {
        let lines = LineTable(bytes)
        let tokens = try PHPLexer.tokenize(bytes, lines: lines)
        self.bytes = bytes
        self.lines = lines
        self.tokens = tokens
        var codeTokens: [Int] = []
        codeTokens.reserveCapacity(tokens.count)
        for index in tokens.indices where !tokens[index].isTrivia {
            codeTokens.append(index)
        }
        self.codeTokens = codeTokens

        var depthBefore = [Int](repeating: 0, count: codeTokens.count)
        var partner = [Int](repeating: -1, count: codeTokens.count)
        var open: [Int] = []
        for code in codeTokens.indices {
            depthBefore[code] = open.count
            let token = tokens[codeTokens[code]]
            guard token.kind == .punctuation else { continue }
            let text = bytes[token.range]
            if Self.closer(of: text) != nil {
                open.append(code)
            } else if let character = text.first, text.count == 1,
                      character == UInt8(ascii: ")") || character == UInt8(ascii: "]") || character == UInt8(ascii: "}") {
                let line = lines.line(of: token.range.lowerBound)
                guard let opener = open.last,
                      Self.closer(of: bytes[tokens[codeTokens[opener]].range]) == character else {
                    throw .unexpectedClosingBracket(bracket: Self.bracketName(character), line: line)
                }
                open.removeLast()
                partner[opener] = code
                partner[code] = opener
            }
        }
        if let unclosed = open.first {
            let token = tokens[codeTokens[unclosed]]
            let closer = Self.closer(of: bytes[token.range]) ?? UInt8(ascii: ")")
            throw .unclosedBracket(bracket: Self.bracketName(closer), line: lines.line(of: token.range.lowerBound))
        }
        self.depthBefore = depthBefore
        self.partner = partner
    }

    private static func closer(of text: ArraySlice<UInt8>) -> UInt8? {
        if text.count == 2, text[text.startIndex] == UInt8(ascii: "#"), text[text.startIndex + 1] == UInt8(ascii: "[") {
            return UInt8(ascii: "]")
        }
        guard text.count == 1, let character = text.first else { return nil }
        switch character {
        case UInt8(ascii: "("): return UInt8(ascii: ")")
        case UInt8(ascii: "["): return UInt8(ascii: "]")
        case UInt8(ascii: "{"): return UInt8(ascii: "}")
        default: return nil
        }
    }

    private static func bracketName(_ closer: UInt8) -> String {
        switch closer {
        case UInt8(ascii: ")"): return "parenthesis"
        case UInt8(ascii: "]"): return "square bracket"
        default: return "brace"
        }
    }

    // MARK: Questions about code tokens

    var count: Int { codeTokens.count }

    func token(_ code: Int) -> PHPToken { tokens[codeTokens[code]] }

    func text(_ code: Int) -> ArraySlice<UInt8> { bytes[token(code).range] }

    func line(_ code: Int) -> Int { lines.line(of: token(code).range.lowerBound) }

    /// Compares bytes by hand: the parser asks this for nearly every token.
    func isPunctuation(_ code: Int, _ text: StaticString) -> Bool {
        guard code >= 0, code < count else { return false }
        let token = token(code)
        guard token.kind == .punctuation, token.range.count == text.utf8CodeUnitCount else { return false }
        let expected = text.utf8Start
        var offset = 0
        while offset < token.range.count {
            if bytes[token.range.lowerBound + offset] != expected[offset] { return false }
            offset += 1
        }
        return true
    }

    func isPunctuation(_ code: Int, oneOf texts: StaticString...) -> Bool {
        texts.contains { isPunctuation(code, $0) }
    }

    /// A name token in lower case without a leading `\` (`\DEFINE` → `define`); nil for other tokens.
    func word(_ code: Int) -> String? {
        guard code >= 0, code < count else { return nil }
        let token = token(code)
        guard token.kind == .name else { return nil }
        var slice = bytes[token.range]
        if slice.first == UInt8(ascii: "\\") { slice = slice.dropFirst() }
        return String(decoding: slice.map(lowercased), as: UTF8.self)
    }

    /// Whether a name token is one of `words` (given in lower case), ignoring case and a leading `\`,
    /// without building a string: the parser asks this for nearly every name.
    func isWord(_ code: Int, _ words: StaticString...) -> Bool {
        guard code >= 0, code < count else { return false }
        let token = token(code)
        guard token.kind == .name else { return false }
        var start = token.range.lowerBound
        if bytes[start] == UInt8(ascii: "\\") { start += 1 }
        let length = token.range.upperBound - start
        for word in words where word.utf8CodeUnitCount == length {
            let expected = word.utf8Start
            var offset = 0
            while offset < length, lowercased(bytes[start + offset]) == expected[offset] { offset += 1 }
            if offset == length { return true }
        }
        return false
    }

    func kind(_ code: Int) -> PHPToken.Kind? {
        code >= 0 && code < count ? token(code).kind : nil
    }

    /// Open brackets after the code token: its own bracket counted.
    func depthAfter(_ code: Int) -> Int {
        let token = token(code)
        guard token.kind == .punctuation else { return depthBefore[code] }
        if partner[code] > code { return depthBefore[code] + 1 }
        if partner[code] >= 0 && partner[code] < code { return depthBefore[code] - 1 }
        return depthBefore[code]
    }

    /// Byte range from the start of one code token to the end of another.
    func byteRange(_ first: Int, through last: Int) -> Range<Int> {
        token(first).range.lowerBound..<token(last).range.upperBound
    }

    func source(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    /// The code position of the first code token at or after a token index.
    func codePosition(atOrAfterToken tokenIndex: Int) -> Int {
        var low = 0, high = codeTokens.count
        while low < high {
            let middle = (low + high) / 2
            if codeTokens[middle] < tokenIndex { low = middle + 1 } else { high = middle }
        }
        return low
    }

    // MARK: Statements

    /// How the code token at `code` relates to the statement around it, looking back past any `@`.
    enum StatementContext: Equatable {
        /// It starts a statement: after `;`, `{`, `}`, an open tag, or at the start of the file.
        case statementStart(afterBlockOpener: Int?)
        /// It starts the brace-less body of `if (…)`, `else`, `while (…)` and the like;
        /// `keyword` is the code position of `if`, `else` ….
        case bracelessBody(keyword: Int)
        /// It is the right side of `||`, `or`, `&&` or `and` at `operator`.
        case afterLogicalOperator(Int)
        /// Anywhere else: inside an expression.
        case expression
    }

    /// The start of the statement piece beginning at `code` (moved back over `@`) and its context.
    func statementContext(of code: Int) -> (start: Int, context: StatementContext) {
        var start = code
        while isPunctuation(start - 1, "@") { start -= 1 }
        let previous = start - 1
        guard previous >= 0 else { return (start, .statementStart(afterBlockOpener: nil)) }
        switch token(previous).kind {
        case .openTag, .closeTag, .inlineHTML, .haltCompilerData:
            return (start, .statementStart(afterBlockOpener: nil))
        case .openTagWithEcho:
            return (start, .expression)
        default:
            break
        }
        if isPunctuation(previous, ";") || isPunctuation(previous, "}") {
            return (start, .statementStart(afterBlockOpener: nil))
        }
        if isPunctuation(previous, "{") {
            return (start, .statementStart(afterBlockOpener: previous))
        }
        if isPunctuation(previous, ")"), let keyword = controlKeyword(closingParenthesis: previous) {
            return (start, .bracelessBody(keyword: keyword))
        }
        if isWord(previous, "else", "do") {
            return (start, .bracelessBody(keyword: previous))
        }
        if isPunctuation(previous, oneOf: "||", "&&") || isWord(previous, "or", "and") {
            return (start, .afterLogicalOperator(previous))
        }
        return (start, .expression)
    }

    /// For the `)` ending `if (…)`, `elseif (…)`, `while (…)`, `for (…)`, `foreach (…)` or
    /// `declare (…)`, the code position of that keyword.
    func controlKeyword(closingParenthesis code: Int) -> Int? {
        let opener = partner[code]
        guard opener > 0, isWord(opener - 1, "if", "elseif", "while", "for", "foreach", "declare") else { return nil }
        return opener - 1
    }

    /// The end of the expression starting at `start`: the last code token before a `;`, `,`,
    /// `?>` or closing bracket at the same depth (or the end of the file). nil when empty.
    func expressionEnd(from start: Int, stopAtComma: Bool) -> Int? {
        guard start < count else { return nil }
        let depth = depthBefore[start]
        var code = start
        while code < count {
            if depthBefore[code] == depth {
                let kind = token(code).kind
                if kind == .closeTag || kind == .inlineHTML || kind == .openTag || kind == .openTagWithEcho { break }
                if isPunctuation(code, ";") || (stopAtComma && isPunctuation(code, ",")) { break }
                if partner[code] >= 0 && partner[code] < code { break }
            }
            code += 1
        }
        return code > start ? code - 1 : nil
    }
}
