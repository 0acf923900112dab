/// One lexical unit of a PHP file, located by UTF-8 byte offsets into the file.
///
/// The lexer keeps every byte: concatenating the bytes of all tokens gives the file back,
/// which is what lets edits replace one value and leave everything else untouched.
struct PHPToken: Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        /// Text outside `<?php … ?>`, sent to the browser as is.
        case inlineHTML
        /// `<?php` with the one whitespace character PHP swallows after it.
        case openTag
        /// `<?=`, an open tag that echoes the following expression.
        case openTagWithEcho
        /// `?>` with the one line break PHP swallows after it.
        case closeTag
        case whitespace
        /// `//` or `#` up to (not including) the end of the line or a `?>`.
        case lineComment
        /// `/* … */` and `/** … */`.
        case blockComment
        /// `$name`.
        case variable
        /// Identifiers, keywords and namespaced names such as `\define`.
        case name
        case number
        case singleQuotedString
        /// `"…"` or `` `…` ``; interpolated when it contains `$name`, `{$…}` or `${…}`.
        case doubleQuotedString(interpolated: Bool)
        /// `<<<LABEL` or `<<<"LABEL"`.
        case heredoc(interpolated: Bool)
        /// `<<<'LABEL'`.
        case nowdoc
        /// Operators, brackets and separators.
        case punctuation
        /// Everything after `__halt_compiler();`, which PHP never parses.
        case haltCompilerData
    }

    var kind: Kind
    var range: Range<Int>

    var isTrivia: Bool {
        switch kind {
        case .whitespace, .lineComment, .blockComment: return true
        case .inlineHTML, .openTag, .openTagWithEcho, .closeTag, .variable, .name, .number, .singleQuotedString,
             .doubleQuotedString, .heredoc, .nowdoc, .punctuation, .haltCompilerData:
            return false
        }
    }

    var isComment: Bool { kind == .lineComment || kind == .blockComment }
}

/// Splits PHP source into tokens the way PHP 8's own scanner does, for the parts a
/// configuration file uses. It never guesses: a string, comment or heredoc that does not
/// end is an error, because editing a file we cannot read could corrupt it.
final class PHPLexer {
    /// A buffer rather than an array: the lexer reads every byte several times, and unoptimized
    /// (debug) builds would otherwise retain and release the array on each read.
    private let bytes: UnsafeBufferPointer<UInt8>
    private let lines: LineTable
    private var position = 0
    private var tokens: [PHPToken] = []

    static func tokenize(_ bytes: [UInt8], lines: LineTable) throws(WPConfigError) -> [PHPToken] {
        try bytes.withUnsafeBufferPointer { (buffer) throws(WPConfigError) -> [PHPToken] in
            let lexer = PHPLexer(bytes: buffer, lines: lines)
            try lexer.run()
            return lexer.tokens
        }
    }

    private init(bytes: UnsafeBufferPointer<UInt8>, lines: LineTable) {
        self.bytes = bytes
        self.lines = lines
    }

    // MARK: Modes

    private func run() throws(WPConfigError) {
        var inPHP = false
        while position < bytes.count {
            if inPHP {
                inPHP = try scanPHPToken()
            } else {
                scanInlineHTML()
                inPHP = true
            }
        }
    }

    /// Inline HTML up to the next open tag, then the tag itself.
    private func scanInlineHTML() {
        let start = position
        var cursor = position
        while cursor < bytes.count {
            if bytes[cursor] == UInt8(ascii: "<"), let length = openTagLength(at: cursor) {
                if cursor > start { emit(.inlineHTML, start, cursor) }
                let isEcho = bytes[cursor + 2] == UInt8(ascii: "=")
                emit(isEcho ? .openTagWithEcho : .openTag, cursor, cursor + length)
                position = cursor + length
                return
            }
            cursor += 1
        }
        emit(.inlineHTML, start, bytes.count)
        position = bytes.count
    }

    /// `<?php` followed by one whitespace character (or the end of the file), or `<?=`.
    /// Short `<?` tags are off in every current distribution's php.ini, so they are text.
    private func openTagLength(at index: Int) -> Int? {
        guard byte(at: index + 1) == UInt8(ascii: "?") else { return nil }
        if byte(at: index + 2) == UInt8(ascii: "=") { return 3 }
        let php: [UInt8] = Array("php".utf8)
        for offset in 0..<3 {
            guard let character = byte(at: index + 2 + offset), lowercased(character) == php[offset] else { return nil }
        }
        let after = index + 5
        guard let next = byte(at: after) else { return 5 }
        switch next {
        case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"): return 6
        case UInt8(ascii: "\r"): return byte(at: after + 1) == UInt8(ascii: "\n") ? 7 : 6
        default: return nil
        }
    }

    /// Scans one token in PHP mode; returns false when a `?>` switched back to HTML.
    private func scanPHPToken() throws(WPConfigError) -> Bool {
        let start = position
        let character = bytes[position]
        switch character {
        case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
            while let next = byte(at: position), isWhitespace(next) { position += 1 }
            emit(.whitespace, start, position)
        case UInt8(ascii: "#"):
            if byte(at: position + 1) == UInt8(ascii: "[") {
                position += 2
                emit(.punctuation, start, position)
            } else {
                scanLineComment()
            }
        case UInt8(ascii: "/") where byte(at: position + 1) == UInt8(ascii: "/"):
            scanLineComment()
        case UInt8(ascii: "/") where byte(at: position + 1) == UInt8(ascii: "*"):
            guard let end = find([UInt8(ascii: "*"), UInt8(ascii: "/")], from: position + 2) else {
                throw .unterminatedComment(line: lines.line(of: start))
            }
            position = end + 2
            emit(.blockComment, start, position)
        case UInt8(ascii: "?") where byte(at: position + 1) == UInt8(ascii: ">"):
            position += 2
            if byte(at: position) == UInt8(ascii: "\n") {
                position += 1
            } else if byte(at: position) == UInt8(ascii: "\r") {
                position += byte(at: position + 1) == UInt8(ascii: "\n") ? 2 : 1
            }
            emit(.closeTag, start, position)
            return false
        case UInt8(ascii: "$") where byte(at: position + 1).map(isNameStart) == true:
            position += 1
            while let next = byte(at: position), isNameCharacter(next) { position += 1 }
            emit(.variable, start, position)
        case UInt8(ascii: "'"):
            try scanSingleQuoted(from: start)
        case UInt8(ascii: "\""), UInt8(ascii: "`"):
            position += 1
            let interpolated = try scanInterpolatedBody(terminator: character, tokenStart: start)
            emit(.doubleQuotedString(interpolated: interpolated), start, position)
        case UInt8(ascii: "<") where byte(at: position + 1) == UInt8(ascii: "<") && byte(at: position + 2) == UInt8(ascii: "<"):
            if try !scanHeredoc(from: start, labelSearchStart: position + 3) { scanOperator() }
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            scanNumber()
        case UInt8(ascii: ".") where byte(at: position + 1).map(isDigit) == true:
            scanNumber()
        case UInt8(ascii: "\\") where byte(at: position + 1).map(isNameStart) == true:
            try scanName()
        default:
            if isNameStart(character) {
                try scanName()
            } else {
                scanOperator()
            }
        }
        return true
    }

    // MARK: Comments and names

    /// A `//` or `#` comment ends at a line break or just before `?>`, which still closes PHP mode.
    private func scanLineComment() {
        let start = position
        while let character = byte(at: position) {
            if character == UInt8(ascii: "\n") || character == UInt8(ascii: "\r") { break }
            if character == UInt8(ascii: "?") && byte(at: position + 1) == UInt8(ascii: ">") { break }
            position += 1
        }
        emit(.lineComment, start, position)
    }

    private func scanName() throws(WPConfigError) {
        let start = position
        // A `b` prefix marks a binary string literal (`b'…'`), which PHP treats as a plain string.
        if lowercased(bytes[position]) == UInt8(ascii: "b") {
            if byte(at: position + 1) == UInt8(ascii: "'") {
                position += 1
                try scanSingleQuoted(from: start)
                return
            }
            if byte(at: position + 1) == UInt8(ascii: "\"") {
                position += 2
                let interpolated = try scanInterpolatedBody(terminator: UInt8(ascii: "\""), tokenStart: start)
                emit(.doubleQuotedString(interpolated: interpolated), start, position)
                return
            }
            if byte(at: position + 1) == UInt8(ascii: "<"), byte(at: position + 2) == UInt8(ascii: "<"),
               byte(at: position + 3) == UInt8(ascii: "<"), try scanHeredoc(from: start, labelSearchStart: position + 4) {
                return
            }
        }
        while true {
            if byte(at: position) == UInt8(ascii: "\\") { position += 1 }
            while let next = byte(at: position), isNameCharacter(next) { position += 1 }
            guard byte(at: position) == UInt8(ascii: "\\"), byte(at: position + 1).map(isNameStart) == true else { break }
        }
        emit(.name, start, position)
        if position - start == 15, lowercasedText(start, position) == "__halt_compiler" {
            try scanHaltCompiler()
        }
    }

    /// After `__halt_compiler ( ) ;` PHP stops reading: the rest of the file is raw data.
    private func scanHaltCompiler() throws(WPConfigError) {
        while position < bytes.count {
            let before = tokens.count
            let stillPHP = try scanPHPToken()
            let last = tokens[tokens.count - 1]
            let isTerminator = !stillPHP || (tokens.count > before && last.kind == .punctuation && bytes[last.range.lowerBound] == UInt8(ascii: ";"))
            if isTerminator {
                if position < bytes.count { emit(.haltCompilerData, position, bytes.count) }
                position = bytes.count
                return
            }
        }
    }

    // MARK: Strings

    private func scanSingleQuoted(from start: Int) throws(WPConfigError) {
        position += 1
        while let character = byte(at: position) {
            if character == UInt8(ascii: "\\") {
                position += 2
            } else if character == UInt8(ascii: "'") {
                position += 1
                emit(.singleQuotedString, start, position)
                return
            } else {
                position += 1
            }
        }
        throw .unterminatedString(line: lines.line(of: start))
    }

    /// Scans the body of a `"…"` or `` `…` `` string up to and including its terminator.
    /// Returns whether it interpolates variables, which makes it an expression, not a literal.
    private func scanInterpolatedBody(terminator: UInt8, tokenStart: Int) throws(WPConfigError) -> Bool {
        var interpolated = false
        while let character = byte(at: position) {
            switch character {
            case UInt8(ascii: "\\"):
                position += 2
            case terminator:
                position += 1
                return interpolated
            case UInt8(ascii: "$"):
                if let next = byte(at: position + 1), isNameStart(next) {
                    interpolated = true
                    position += 1
                } else if byte(at: position + 1) == UInt8(ascii: "{") {
                    interpolated = true
                    position += 1
                    try skipEmbeddedCode(tokenStart: tokenStart)
                } else {
                    position += 1
                }
            case UInt8(ascii: "{") where byte(at: position + 1) == UInt8(ascii: "$"):
                interpolated = true
                try skipEmbeddedCode(tokenStart: tokenStart)
            default:
                position += 1
            }
        }
        throw .unterminatedString(line: lines.line(of: tokenStart))
    }

    /// Skips `{…}` code embedded in an interpolated string. It is ordinary PHP, lexed as such:
    /// it may hold quoted strings (`"{$a["key"]}"` is one string), comments and braces.
    /// `position` is at the opening brace; the tokens scanned on the way are dropped.
    private func skipEmbeddedCode(tokenStart: Int) throws(WPConfigError) {
        let saved = tokens.count
        defer { tokens.removeSubrange(saved...) }
        var depth = 0
        while position < bytes.count {
            guard try scanPHPToken() else { break }
            let token = tokens[tokens.count - 1]
            guard token.kind == .punctuation, token.range.count == 1 else { continue }
            switch bytes[token.range.lowerBound] {
            case UInt8(ascii: "{"):
                depth += 1
            case UInt8(ascii: "}"):
                depth -= 1
                if depth == 0 { return }
            default:
                break
            }
        }
        throw .unterminatedString(line: lines.line(of: tokenStart))
    }

    /// Heredoc and nowdoc, with PHP 7.3's flexible closing marker: the label may be indented
    /// and followed by anything that cannot continue a name. Returns false (scanning nothing)
    /// when `<<<` does not start a heredoc after all.
    private func scanHeredoc(from start: Int, labelSearchStart: Int) throws(WPConfigError) -> Bool {
        var cursor = labelSearchStart
        while byte(at: cursor) == UInt8(ascii: " ") || byte(at: cursor) == UInt8(ascii: "\t") { cursor += 1 }
        var quote: UInt8?
        if let character = byte(at: cursor), character == UInt8(ascii: "'") || character == UInt8(ascii: "\"") {
            quote = character
            cursor += 1
        }
        let labelStart = cursor
        guard let first = byte(at: cursor), isNameStart(first) else { return false }
        while let next = byte(at: cursor), isNameCharacter(next) { cursor += 1 }
        let label = Array(bytes[labelStart..<cursor])
        if let quote {
            guard byte(at: cursor) == quote else { return false }
            cursor += 1
        }
        if byte(at: cursor) == UInt8(ascii: "\r") { cursor += 1 }
        if byte(at: cursor) == UInt8(ascii: "\n") {
            cursor += 1
        } else if byte(at: cursor - 1) != UInt8(ascii: "\r") {
            return false
        }

        let isNowdoc = quote == UInt8(ascii: "'")
        var interpolated = false
        position = cursor
        var atLineStart = true
        while position <= bytes.count {
            if atLineStart, let end = closingLabelEnd(at: position, label: label) {
                position = end
                emit(isNowdoc ? .nowdoc : .heredoc(interpolated: interpolated), start, position)
                return true
            }
            guard let character = byte(at: position) else { break }
            atLineStart = false
            switch character {
            case UInt8(ascii: "\n"):
                atLineStart = true
                position += 1
            case UInt8(ascii: "\r"):
                atLineStart = byte(at: position + 1) != UInt8(ascii: "\n")
                position += 1
            case UInt8(ascii: "\\") where !isNowdoc:
                let next = byte(at: position + 1)
                position += (next == UInt8(ascii: "\n") || next == UInt8(ascii: "\r")) ? 1 : 2
            case UInt8(ascii: "$") where !isNowdoc:
                if let next = byte(at: position + 1), isNameStart(next) {
                    interpolated = true
                    position += 1
                } else if byte(at: position + 1) == UInt8(ascii: "{") {
                    interpolated = true
                    position += 1
                    try skipEmbeddedCode(tokenStart: start)
                } else {
                    position += 1
                }
            case UInt8(ascii: "{") where !isNowdoc && byte(at: position + 1) == UInt8(ascii: "$"):
                interpolated = true
                try skipEmbeddedCode(tokenStart: start)
            default:
                position += 1
            }
        }
        throw .unterminatedHeredoc(label: String(decoding: label, as: UTF8.self), line: lines.line(of: start))
    }

    /// The end of the closing label when the line starting at `index` is indentation plus the label.
    private func closingLabelEnd(at index: Int, label: [UInt8]) -> Int? {
        var cursor = index
        while byte(at: cursor) == UInt8(ascii: " ") || byte(at: cursor) == UInt8(ascii: "\t") { cursor += 1 }
        guard cursor + label.count <= bytes.count, bytes[cursor..<(cursor + label.count)].elementsEqual(label) else { return nil }
        let end = cursor + label.count
        if let next = byte(at: end), isNameCharacter(next) { return nil }
        return end
    }

    // MARK: Numbers and operators

    private func scanNumber() {
        let start = position
        if bytes[position] == UInt8(ascii: "0"), let marker = byte(at: position + 1).map(lowercased),
           marker == UInt8(ascii: "x") || marker == UInt8(ascii: "b") || marker == UInt8(ascii: "o") {
            position += 2
            while let next = byte(at: position), isHexDigit(next) || next == UInt8(ascii: "_") { position += 1 }
            emit(.number, start, position)
            return
        }
        consumeDigits()
        if byte(at: position) == UInt8(ascii: "."), byte(at: position + 1) != UInt8(ascii: ".") {
            position += 1
            consumeDigits()
        }
        if let marker = byte(at: position).map(lowercased), marker == UInt8(ascii: "e") {
            var cursor = position + 1
            if byte(at: cursor) == UInt8(ascii: "+") || byte(at: cursor) == UInt8(ascii: "-") { cursor += 1 }
            if byte(at: cursor).map(isDigit) == true {
                position = cursor
                consumeDigits()
            }
        }
        emit(.number, start, position)
    }

    private func consumeDigits() {
        while let next = byte(at: position), isDigit(next) || next == UInt8(ascii: "_") { position += 1 }
    }

    /// Operators are matched longest first, by hand: this runs for every bracket and comma.
    private func scanOperator() {
        let start = position
        let first = bytes[position]
        let second = byte(at: position + 1) ?? 0
        let third = byte(at: position + 2) ?? 0
        func either(_ character: UInt8, _ options: UInt8...) -> Bool { options.contains(character) }
        var length = 1
        switch first {
        case UInt8(ascii: "<"):
            if second == UInt8(ascii: "<") {
                length = third == UInt8(ascii: "=") ? 3 : 2                 // <<=  <<
            } else if second == UInt8(ascii: "=") {
                length = third == UInt8(ascii: ">") ? 3 : 2                 // <=>  <=
            } else if second == UInt8(ascii: ">") {
                length = 2                                                  // <>
            }
        case UInt8(ascii: ">"), UInt8(ascii: "*"):
            if second == first {
                length = third == UInt8(ascii: "=") ? 3 : 2                 // >>=  >>  **=  **
            } else if second == UInt8(ascii: "=") {
                length = 2                                                  // >=  *=
            }
        case UInt8(ascii: "="), UInt8(ascii: "!"):
            if second == UInt8(ascii: "=") {
                length = third == UInt8(ascii: "=") ? 3 : 2                 // ===  ==  !==  !=
            } else if first == UInt8(ascii: "="), second == UInt8(ascii: ">") {
                length = 2                                                  // =>
            }
        case UInt8(ascii: "?"):
            if second == UInt8(ascii: "?") {
                length = third == UInt8(ascii: "=") ? 3 : 2                 // ??=  ??
            } else if second == UInt8(ascii: "-"), third == UInt8(ascii: ">") {
                length = 3                                                  // ?->
            }
        case UInt8(ascii: "."):
            if second == UInt8(ascii: "."), third == UInt8(ascii: ".") {
                length = 3                                                  // ...
            } else if second == UInt8(ascii: "=") {
                length = 2                                                  // .=
            }
        case UInt8(ascii: "&"), UInt8(ascii: "|"), UInt8(ascii: "+"):
            if second == first || second == UInt8(ascii: "=") { length = 2 } // &&  &=  ||  |=  ++  +=
        case UInt8(ascii: "-"):
            if either(second, UInt8(ascii: "-"), UInt8(ascii: "="), UInt8(ascii: ">")) { length = 2 } // --  -=  ->
        case UInt8(ascii: "/"), UInt8(ascii: "%"), UInt8(ascii: "^"):
            if second == UInt8(ascii: "=") { length = 2 }                   // /=  %=  ^=
        case UInt8(ascii: ":"):
            if second == UInt8(ascii: ":") { length = 2 }                   // ::
        default:
            break
        }
        position += length
        emit(.punctuation, start, position)
    }

    // MARK: Helpers

    private func emit(_ kind: PHPToken.Kind, _ start: Int, _ end: Int) {
        tokens.append(PHPToken(kind: kind, range: start..<end))
    }

    private func byte(at index: Int) -> UInt8? {
        index >= 0 && index < bytes.count ? bytes[index] : nil
    }

    private func find(_ needle: [UInt8], from start: Int) -> Int? {
        var cursor = start
        while cursor + needle.count <= bytes.count {
            if bytes[cursor] == needle[0] && bytes[cursor..<(cursor + needle.count)].elementsEqual(needle) { return cursor }
            cursor += 1
        }
        return nil
    }

    private func lowercasedText(_ start: Int, _ end: Int) -> String {
        String(decoding: bytes[start..<end].map(lowercased), as: UTF8.self)
    }
}

// MARK: - Character classes shared by the lexer and the parser

func isWhitespace(_ character: UInt8) -> Bool {
    character == UInt8(ascii: " ") || character == UInt8(ascii: "\t") || character == UInt8(ascii: "\n") || character == UInt8(ascii: "\r")
}

func isDigit(_ character: UInt8) -> Bool {
    character >= UInt8(ascii: "0") && character <= UInt8(ascii: "9")
}

func isHexDigit(_ character: UInt8) -> Bool {
    isDigit(character) || (lowercased(character) >= UInt8(ascii: "a") && lowercased(character) <= UInt8(ascii: "f"))
}

/// PHP names start with a letter, underscore or any byte of a multi-byte UTF-8 character.
func isNameStart(_ character: UInt8) -> Bool {
    (character >= UInt8(ascii: "a") && character <= UInt8(ascii: "z")) || (character >= UInt8(ascii: "A") && character <= UInt8(ascii: "Z"))
        || character == UInt8(ascii: "_") || character >= 0x80
}

func isNameCharacter(_ character: UInt8) -> Bool {
    isNameStart(character) || isDigit(character)
}

func lowercased(_ character: UInt8) -> UInt8 {
    character >= UInt8(ascii: "A") && character <= UInt8(ascii: "Z") ? character + 32 : character
}

/// Start offsets of every line, for turning byte offsets into 1-based line numbers.
struct LineTable: Sendable {
    private let starts: [Int]

    init(_ bytes: [UInt8]) {
        var starts = [0]
        let newline = UInt8(ascii: "\n")
        var index = 0
        while index < bytes.count {
            if bytes[index] == newline { starts.append(index + 1) }
            index += 1
        }
        self.starts = starts
    }

    func line(of offset: Int) -> Int {
        var low = 0, high = starts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if starts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return low + 1
    }
}
