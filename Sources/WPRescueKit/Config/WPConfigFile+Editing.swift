import Foundation

extension WPConfigFile {
    // MARK: Public edits

    /// Sets `name` to `value`: replaces only the value expression of its effective (first)
    /// definition, or adds `define( 'NAME', value );` on a new line before the "stop editing"
    /// comment, else before the wp-settings.php require, else at the end of the PHP code.
    /// The result has been re-read and checked to differ only in that definition.
    public func setting(_ name: String, to value: PHPValue) throws(WPConfigError) -> WPConfigFile {
        if case .expression(let source) = value {
            return try setting(name, rawExpression: source)
        }
        return try setting(name, validatedSource: value.phpSource)
    }

    /// Sets `name` to a PHP expression written by hand (`config set --raw`), such as
    /// `__DIR__ . '/logs/debug.log'`. The expression must be one balanced expression with no
    /// top-level `;` or `,`, and no comment before or after it.
    public func setting(_ name: String, rawExpression: String) throws(WPConfigError) -> WPConfigFile {
        let source = try Self.validatedExpressionSource(rawExpression, constant: name)
        return try setting(name, validatedSource: source)
    }

    /// Removes every definition of `name` (so that it is no longer defined): the whole statement,
    /// its line when nothing else is on it, and an `if ( ! defined( 'NAME' ) )` guard left empty.
    public func removing(_ name: String) throws(WPConfigError) -> WPConfigFile {
        let definitions = definitions(of: name)
        guard !definitions.isEmpty else { throw .constantNotDefined(name) }
        var ranges: [Range<Int>] = []
        for definition in definitions {
            guard let removal = definition.removalRange else {
                throw .cannotRemove(constant: name, line: definition.line)
            }
            ranges.append(widenedToLine(removal))
        }
        ranges.sort { $0.lowerBound < $1.lowerBound }
        for (earlier, later) in zip(ranges, ranges.dropFirst()) where earlier.upperBound > later.lowerBound {
            throw .cannotRemove(constant: name, line: index.lines.line(of: later.lowerBound))
        }
        var bytes = index.bytes
        for range in ranges.reversed() {
            bytes.removeSubrange(range)
        }
        let edited = try reread(bytes, constant: name)
        try verify(edited, changing: name)
        guard edited.definitions(of: name).isEmpty else {
            throw .editVerificationFailed(constant: name, detail: "it is still defined afterwards")
        }
        return edited
    }

    /// Re-reads edited contents and checks that they differ from this file only in the definitions
    /// of `name`: every other constant, assignment, comment and statement must be token for token
    /// the same. Run this on what is about to be written.
    public func validateEdited(_ edited: Data, changing name: String) throws(WPConfigError) -> WPConfigFile {
        let file = try reread([UInt8](edited), constant: name)
        try verify(file, changing: name)
        return file
    }

    // MARK: Setting

    private func setting(_ name: String, validatedSource source: String) throws(WPConfigError) -> WPConfigFile {
        var bytes = index.bytes
        let existing = definition(of: name)
        if let existing {
            bytes.replaceSubrange(existing.valueRange, with: Array(source.utf8))
        } else {
            guard Self.isValidConstantName(name) else { throw .invalidConstantName(name) }
            let (offset, text) = try insertion(of: newDefinition(name, source))
            bytes.insert(contentsOf: Array(text.utf8), at: offset)
        }
        let edited = try reread(bytes, constant: name)
        try verify(edited, changing: name)
        let after = edited.definitions(of: name)
        guard after.count == definitions(of: name).count + (existing == nil ? 1 : 0),
              edited.definition(of: name)?.valueSource == source else {
            throw .editVerificationFailed(constant: name, detail: "the new value does not read back as written")
        }
        return edited
    }

    /// A new definition in the file's own style: WordPress's sample spacing, or Bedrock's
    /// `Config::define('NAME', value);` (fully qualified when the file does not import Config).
    private func newDefinition(_ name: String, _ source: String) -> String {
        let quoted = PHPValue.string(name).phpSource
        switch dialect {
        case .wordPress:
            return "define( \(quoted), \(source) );"
        case .bedrock:
            let imports = contents.contains("use Roots\\WPConfig\\Config;")
            return "\(imports ? "" : "\\Roots\\WPConfig\\")Config::define(\(quoted), \(source));"
        }
    }

    /// Letters, digits and underscores (and non-ASCII letters, as PHP allows), not starting with a digit.
    static func isValidConstantName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, isNameStart(first) else { return false }
        return bytes.allSatisfy(isNameCharacter)
    }

    /// Lexes a hand-written expression and returns it trimmed to its first and last token.
    static func validatedExpressionSource(_ expression: String, constant: String) throws(WPConfigError) -> String {
        func refuse(_ reason: String) -> WPConfigError { .invalidExpression(constant: constant, reason: reason) }
        let prefix = Array("<?php ".utf8)
        let source: PHPSourceIndex
        do {
            source = try PHPSourceIndex(bytes: prefix + Array(expression.utf8))
        } catch {
            switch error {
            case .unterminatedString: throw refuse("a quoted string is not closed")
            case .unterminatedComment: throw refuse("a /* comment is not closed")
            case .unterminatedHeredoc: throw refuse("a heredoc is not closed")
            case .unexpectedClosingBracket, .unclosedBracket: throw refuse("its brackets do not match")
            default: throw refuse("it cannot be read as PHP")
            }
        }
        guard source.tokens.first?.kind == .openTag, source.count > 1 else { throw refuse("it is empty") }
        if expression.utf8.contains(0) { throw refuse("it contains a NUL byte") }
        let first = 1, last = source.count - 1
        for code in first...last {
            switch source.token(code).kind {
            case .openTag, .openTagWithEcho, .closeTag, .inlineHTML, .haltCompilerData:
                throw refuse("it contains a PHP open or close tag")
            default:
                break
            }
            if source.depthBefore[code] == 0 {
                if source.isPunctuation(code, ";") { throw refuse("it contains a `;` that would end the statement") }
                if source.isPunctuation(code, ",") { throw refuse("it contains a top-level `,` that would add an argument") }
            }
        }
        if source.token(first).kind == .name, source.isPunctuation(first + 1, ":") {
            throw refuse("it starts like a named argument")
        }
        if source.isPunctuation(first, "...") { throw refuse("it starts with `...`") }
        let outside = source.tokens[1..<source.codeTokens[first]] + source.tokens[(source.codeTokens[last] + 1)...]
        if outside.contains(where: \.isComment) { throw refuse("it has a comment before or after the value") }
        return source.source(source.byteRange(first, through: last))
    }

    // MARK: Inserting

    /// Where a new definition goes and the text to insert there (with the file's line ending).
    func insertion(of statement: String) throws(WPConfigError) -> (offset: Int, text: String) {
        let newline = lineEnding.rawValue
        var anchors: [Int] = []
        // Bedrock: before `Config::apply()`, which turns the recorded values into constants.
        if let apply = configApplyCall { anchors.append(tokenIndex(startingAt: apply.byteRange.lowerBound)) }
        let requireToken = wpSettingsRequire.map { tokenIndex(startingAt: $0.byteRange.lowerBound) }
        if let comment = stopEditingComment {
            let commentToken = tokenIndex(startingAt: comment.byteRange.lowerBound)
            if requireToken.map({ commentToken < $0 }) ?? true { anchors.append(commentToken) }
        }
        if let requireToken { anchors.append(requireToken) }
        for anchor in anchors {
            if let target = statementBoundary(atOrBefore: anchor) {
                return placed(statement, beforeToken: target, newline: newline)
            }
        }

        // No anchor: after the last statement, before a final `?>` if there is one.
        let tokens = index.tokens
        if let data = tokens.lastIndex(where: { $0.kind == .haltCompilerData }) {
            throw .noInsertionPoint(line: index.lines.line(of: tokens[data].range.lowerBound))
        }
        let lastOpen = tokens.lastIndex { $0.kind == .openTag || $0.kind == .openTagWithEcho } ?? 0
        if let closing = tokens[lastOpen...].firstIndex(where: { $0.kind == .closeTag }) {
            guard isStatementBoundary(beforeToken: closing) else {
                throw .noInsertionPoint(line: index.lines.line(of: tokens[closing].range.lowerBound))
            }
            return placed(statement, beforeToken: closing, newline: newline)
        }
        guard isStatementBoundary(beforeToken: tokens.count) else {
            throw .noInsertionPoint(line: index.lines.line(of: index.bytes.count))
        }
        let endsWithNewline = index.bytes.last == UInt8(ascii: "\n") || index.bytes.last == UInt8(ascii: "\r")
        return (index.bytes.count, (endsWithNewline ? "" : newline) + statement + newline)
    }

    /// The text to insert before token `target`: a line of its own when only indentation precedes
    /// the target on its line, otherwise the statement and a line break right before it.
    private func placed(_ statement: String, beforeToken target: Int, newline: String) -> (offset: Int, text: String) {
        let offset = target < index.tokens.count ? index.tokens[target].range.lowerBound : index.bytes.count
        if let lineStart = lineStartIfIndentedOnly(offset) {
            return (lineStart, statement + newline)
        }
        // Right after a `//` comment (one that a `?>` ended), the statement would be part of the comment.
        if target > 0, index.tokens[target - 1].kind == .lineComment {
            return (offset, newline + statement + newline)
        }
        return (offset, statement + newline)
    }

    /// The start of the line when everything between it and `offset` is spaces or tabs.
    private func lineStartIfIndentedOnly(_ offset: Int) -> Int? {
        var cursor = offset
        let bytes = index.bytes
        while cursor > 0, bytes[cursor - 1] == UInt8(ascii: " ") || bytes[cursor - 1] == UInt8(ascii: "\t") { cursor -= 1 }
        return cursor == 0 || bytes[cursor - 1] == UInt8(ascii: "\n") || bytes[cursor - 1] == UInt8(ascii: "\r") ? cursor : nil
    }

    private func tokenIndex(startingAt offset: Int) -> Int {
        index.tokens.firstIndex { $0.range.lowerBound >= offset } ?? index.tokens.count
    }

    /// The nearest token at or before `anchor` that starts a top-level statement.
    private func statementBoundary(atOrBefore anchor: Int) -> Int? {
        var target = anchor
        while target >= 0 {
            if isStatementBoundary(beforeToken: target) { return target }
            let previousCode = index.codePosition(atOrAfterToken: target) - 1
            guard previousCode >= 0 else { return nil }
            target = index.codeTokens[previousCode]
        }
        return nil
    }

    /// True when a statement may be inserted just before token `target` (or at the end when
    /// `target == tokens.count`): outside all brackets, right after a `;`, a closed block or the open tag.
    func isStatementBoundary(beforeToken target: Int) -> Bool {
        let nextCode = index.codePosition(atOrAfterToken: target)
        let previousCode = nextCode - 1
        guard previousCode >= 0, index.depthAfter(previousCode) == 0 else { return false }
        if index.isWord(nextCode, "else", "elseif", "catch", "finally") { return false }
        switch index.token(previousCode).kind {
        case .openTag:
            return true
        case .punctuation:
            if index.isPunctuation(previousCode, ";") { return true }
            guard index.isPunctuation(previousCode, "}") else { return false }
            // A `}` ends a statement only when a new one follows; after a closure (`};`,
            // `}),`, `}->`) or before `while` of a do-while it does not.
            guard nextCode < index.count else { return true }
            switch index.token(nextCode).kind {
            case .name:
                return !index.isWord(nextCode, "while", "as", "instanceof", "and", "or", "xor")
            case .variable, .closeTag:
                return true
            default:
                return index.isPunctuation(nextCode, "@")
            }
        default:
            return false
        }
    }

    // MARK: Removing

    /// A removal range widened to its whole line when nothing else is on it; otherwise the
    /// statement with the spaces that separated it from its neighbour.
    private func widenedToLine(_ range: Range<Int>) -> Range<Int> {
        let bytes = index.bytes
        var end = range.upperBound
        while end < bytes.count, bytes[end] == UInt8(ascii: " ") || bytes[end] == UInt8(ascii: "\t") { end += 1 }
        let lineEnd: Int?
        if end == bytes.count {
            lineEnd = end
        } else if bytes[end] == UInt8(ascii: "\n") {
            lineEnd = end + 1
        } else if bytes[end] == UInt8(ascii: "\r") {
            lineEnd = end + 1 < bytes.count && bytes[end + 1] == UInt8(ascii: "\n") ? end + 2 : end + 1
        } else {
            lineEnd = nil
        }
        if let lineStart = lineStartIfIndentedOnly(range.lowerBound) {
            if let lineEnd { return lineStart..<lineEnd }
            return range.lowerBound..<end
        }
        if lineEnd != nil {
            // Only spaces of a whitespace token: the one after `<?php` belongs to the open tag.
            let floor = index.tokens.last { $0.range.upperBound <= range.lowerBound && $0.kind != .whitespace }?.range.upperBound ?? 0
            var start = range.lowerBound
            while start > floor, bytes[start - 1] == UInt8(ascii: " ") || bytes[start - 1] == UInt8(ascii: "\t") { start -= 1 }
            return start..<range.upperBound
        }
        return range.lowerBound..<end
    }

    // MARK: Verifying

    private func reread(_ bytes: [UInt8], constant: String) throws(WPConfigError) -> WPConfigFile {
        do {
            return try WPConfigFile(bytes: bytes, dialect: dialect)
        } catch {
            let reason = (error.errorDescription ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "."))
            throw .editVerificationFailed(constant: constant, detail: "the result would not read as PHP: \(reason)")
        }
    }

    /// Everything outside the definitions of `name` must be the same, token for token (whitespace aside).
    func verify(_ edited: WPConfigFile, changing name: String) throws(WPConfigError) {
        let before = comparableTokens(excludingDefinitionsOf: name)
        let after = edited.comparableTokens(excludingDefinitionsOf: name)
        guard before.count == after.count else {
            throw .editVerificationFailed(constant: name, detail: "other parts of the file would change too")
        }
        let mismatch = index.bytes.withUnsafeBufferPointer { old in
            edited.index.bytes.withUnsafeBufferPointer { new in
                Self.firstDifference(before, in: old, after, in: new)
            }
        }
        if let mismatch {
            throw .editVerificationFailed(
                constant: name, detail: "line \(edited.index.lines.line(of: after[mismatch].range.lowerBound)) would change too")
        }
    }

    /// The position of the first pair of tokens that differ in kind or bytes. Plain loops:
    /// this runs on every edit, and closures are slow in unoptimized builds.
    private static func firstDifference(_ before: [PHPToken], in old: UnsafeBufferPointer<UInt8>,
                                        _ after: [PHPToken], in new: UnsafeBufferPointer<UInt8>) -> Int? {
        var position = 0
        while position < before.count {
            let first = before[position].range, second = after[position].range
            guard before[position].kind == after[position].kind else { return position }
            // `<?php` may gain or lose the line break after it when a line is added or removed at the end.
            if before[position].kind == .openTag {
                position += 1
                continue
            }
            guard first.count == second.count else { return position }
            var offset = 0
            while offset < first.count {
                if old[first.lowerBound + offset] != new[second.lowerBound + offset] { return position }
                offset += 1
            }
            position += 1
        }
        return nil
    }

    private func comparableTokens(excludingDefinitionsOf name: String) -> [PHPToken] {
        let excluded = definitions(of: name).map { $0.removalRange ?? $0.statementRange }
        var kept: [PHPToken] = []
        kept.reserveCapacity(index.tokens.count)
        for token in index.tokens where token.kind != .whitespace {
            if !excluded.contains(where: { $0.lowerBound <= token.range.lowerBound && token.range.upperBound <= $0.upperBound }) {
                kept.append(token)
            }
        }
        return kept
    }
}
