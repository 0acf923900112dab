import Foundation

/// Why a wp-config.php could not be read or edited. Each description is one sentence that
/// names the problem and, where there is one, the line; the caller prefixes the file's path.
/// Descriptions never contain the value of a secret constant.
public enum WPConfigError: Error, Equatable, Sendable, LocalizedError {
    case empty
    case binary(line: Int)
    case notUTF8(line: Int)
    case noOpenTag
    case unterminatedString(line: Int)
    case unterminatedComment(line: Int)
    case unterminatedHeredoc(label: String, line: Int)
    case unexpectedClosingBracket(bracket: String, line: Int)
    case unclosedBracket(bracket: String, line: Int)
    /// A `define()` with a literal name but no value.
    case malformedDefine(name: String, line: Int)
    case invalidConstantName(String)
    /// `input` is nil for secret constants, whose values never appear in messages.
    case invalidValue(constant: String, input: String?, expected: String)
    /// A `--raw` value that is not one PHP expression.
    case invalidExpression(constant: String, reason: String)
    case constantNotDefined(String)
    case cannotRemove(constant: String, line: Int)
    case noInsertionPoint(line: Int)
    case invalidMemoryLimit(String)
    /// The edited contents did not re-read as the intended change; nothing should be written.
    case editVerificationFailed(constant: String, detail: String)

    public var errorDescription: String? {
        switch self {
        case .empty:
            return "The file is empty, so it holds no WordPress settings; restore it from a backup or from wp-config-sample.php."
        case .binary(let line):
            return "The file contains a NUL byte on line \(line), so it is binary data, not PHP; restore it from a backup."
        case .notUTF8(let line):
            return "Line \(line) is not valid UTF-8 text; save the file as UTF-8 (or restore it from a backup) before editing it."
        case .noOpenTag:
            return "The file has no `<?php` tag, so it is not PHP (perhaps an HTML page or plain text saved over it); restore it from a backup."
        case .unterminatedString(let line):
            return "The quoted string starting on line \(line) is never closed; PHP cannot load the file until the missing quote is added."
        case .unterminatedComment(let line):
            return "The /* comment starting on line \(line) is never closed with */; PHP cannot load the file until it is."
        case .unterminatedHeredoc(let label, let line):
            return "The heredoc starting on line \(line) never reaches its closing \(label) marker; PHP cannot load the file until it does."
        case .unexpectedClosingBracket(let bracket, let line):
            return "Line \(line) closes a \(bracket) that was never opened; PHP cannot load the file until the brackets match."
        case .unclosedBracket(let bracket, let line):
            return "The \(bracket) opened on line \(line) is never closed; PHP cannot load the file until the brackets match."
        case .malformedDefine(let name, let line):
            return "The define() of \(name) on line \(line) has no value; fix or remove that line by hand."
        case .invalidConstantName(let name):
            return "\(name.isEmpty ? "An empty name" : "`\(name)`") is not a valid PHP constant name (letters, digits and underscores, not starting with a digit)."
        case .invalidValue(let constant, let input, let expected):
            if let input {
                return "\(constant) must be \(expected), not `\(input)`."
            }
            return "\(constant) must be \(expected); the value given is not."
        case .invalidExpression(let constant, let reason):
            return "The raw value for \(constant) is not a single PHP expression: \(reason)."
        case .constantNotDefined(let name):
            return "\(name) is not defined in the file."
        case .cannotRemove(let constant, let line):
            return "The definition of \(constant) on line \(line) is part of a larger statement, so it cannot be removed safely; edit that line by hand."
        case .noInsertionPoint(let line):
            return "There is no safe place to add a new definition: the PHP code ends on line \(line) without a finished statement before it; add the definition by hand."
        case .invalidMemoryLimit(let value):
            return "`\(value)` is not a PHP memory size; use a number with K, M or G such as 256M, or -1 for no limit."
        case .editVerificationFailed(let constant, let detail):
            return "Editing \(constant) would not give the intended file (\(detail)), so nothing was changed."
        }
    }
}
