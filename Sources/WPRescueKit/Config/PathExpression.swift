extension WPConfigFile {
    /// The path a PHP expression from wp-config.php names (the value of WP_CONTENT_DIR, say),
    /// or nil when it cannot be known without running PHP.
    ///
    /// Understands string literals, `.` concatenation, parentheses, `__DIR__`, `__FILE__`
    /// (taken as `configDirectory/wp-config.php`), `dirname( … )` with an optional level count,
    /// `ABSPATH` (the `abspath` given) and `DIRECTORY_SEPARATOR`. Anything else, including
    /// `$_SERVER['DOCUMENT_ROOT']`, getenv() and other constants, gives nil.
    public static func evaluatePathExpression(_ expression: String, configDirectory: String, abspath: String) -> String? {
        guard let source = try? PHPSourceIndex(bytes: Array("<?php ".utf8) + Array(expression.utf8)) else { return nil }
        var evaluator = PathEvaluator(index: source, configDirectory: configDirectory, abspath: abspath, position: 1)
        guard let value = evaluator.concatenation(), evaluator.position == source.count else { return nil }
        return value
    }
}

/// A recursive-descent reader for the few expressions configuration files build paths from.
private struct PathEvaluator {
    let index: PHPSourceIndex
    let configDirectory: String
    let abspath: String
    var position: Int

    mutating func concatenation() -> String? {
        guard var value = term() else { return nil }
        while index.isPunctuation(position, ".") {
            position += 1
            guard let next = term() else { return nil }
            value += next
        }
        return value
    }

    private mutating func term() -> String? {
        guard position < index.count else { return nil }
        let token = index.token(position)
        switch token.kind {
        case .singleQuotedString, .doubleQuotedString(interpolated: false), .nowdoc, .heredoc(interpolated: false):
            position += 1
            return PHPLiteralDecoder.stringLiteral(token, in: index.bytes).flatMap { String(validating: $0, as: UTF8.self) }
        case .name:
            return name()
        case .punctuation where index.isPunctuation(position, "("):
            let close = index.partner[position]
            position += 1
            guard let value = concatenation(), position == close else { return nil }
            position += 1
            return value
        default:
            return nil
        }
    }

    private mutating func name() -> String? {
        guard let word = index.word(position) else { return nil }
        // Magic constants and function names are case-insensitive in PHP; user constants are not.
        let exact = index.source(index.token(position).range)
        position += 1
        switch word {
        case "__dir__":
            return configDirectory
        case "__file__":
            return SitePath.join(configDirectory, "wp-config.php")
        case "dirname":
            return dirname()
        default:
            switch exact.hasPrefix("\\") ? String(exact.dropFirst()) : exact {
            case "ABSPATH": return abspath
            case "DIRECTORY_SEPARATOR": return "/"
            default: return nil
            }
        }
    }

    /// `dirname( path )` or `dirname( path, levels )`.
    private mutating func dirname() -> String? {
        guard index.isPunctuation(position, "(") else { return nil }
        let close = index.partner[position]
        position += 1
        guard var path = concatenation() else { return nil }
        var levels = 1
        if index.isPunctuation(position, ",") {
            position += 1
            guard position < index.count, index.token(position).kind == .number,
                  case .int(let count)? = PHPLiteralDecoder.value(of: [index.token(position)], in: index.bytes),
                  count >= 1, count <= 64 else { return nil }
            levels = count
            position += 1
            if index.isPunctuation(position, ",") { position += 1 }
        } else if index.isPunctuation(position, ",") {
            position += 1
        }
        guard position == close else { return nil }
        position += 1
        for _ in 0..<levels { path = SitePath.parent(path) }
        return path
    }
}
