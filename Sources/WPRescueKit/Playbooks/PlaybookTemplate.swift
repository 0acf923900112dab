import Foundation

/// `{{step-id.value}}` placeholders in a playbook's texts and parameters: what an earlier check
/// or action found (`{{log.plugin}}`, `{{probe.verdict}}`), or `{{site.root}}` / `{{site.url}}`.
public enum PlaybookTemplate {
    public struct Placeholder: Equatable, Sendable {
        public var step: String
        public var value: String
    }

    /// The reserved prefix for values about the site itself.
    public static let siteStep = "site"
    public static let siteValues = ["root", "url"]

    public enum Piece: Equatable {
        case literal(String)
        case placeholder(Placeholder)
        /// `{{` that does not form a placeholder, with the offending text.
        case malformed(String)
    }

    public static func pieces(of text: String) -> [Piece] {
        var pieces: [Piece] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex { pieces.append(.literal(String(rest[..<open.lowerBound]))) }
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                pieces.append(.malformed(String(rest[open.lowerBound...].prefix(40))))
                return pieces
            }
            let inner = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            let parts = inner.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            if parts.count == 2, parts.allSatisfy(PlaybookParser.isValidID) {
                pieces.append(.placeholder(Placeholder(step: parts[0], value: parts[1])))
            } else {
                pieces.append(.malformed(String(rest[open.lowerBound..<close.upperBound])))
            }
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { pieces.append(.literal(String(rest))) }
        return pieces
    }

    public static func placeholders(in text: String) -> [Placeholder] {
        pieces(of: text).compactMap { piece in
            if case .placeholder(let placeholder) = piece { return placeholder }
            return nil
        }
    }

    /// Fills in every placeholder; `lookup` returns nil for a value not known (yet).
    public static func render(_ text: String, lookup: (Placeholder) -> String?) -> String {
        pieces(of: text).map { piece in
            switch piece {
            case .literal(let literal): return literal
            case .placeholder(let placeholder): return lookup(placeholder) ?? "(unknown)"
            case .malformed(let raw): return raw
            }
        }.joined()
    }
}

/// Which values a parameter may take, checked when the playbook is read and again after
/// placeholders are filled in, so a value found on the site cannot smuggle in `../../etc`.
enum PlaybookParameterRule {
    enum Problem: Equatable {
        case outsideSite
        case invalid(expected: String)
    }

    static func problem(with value: PlaybookParameters.Value, kind: PlaybookParameterSpec.Kind) -> Problem? {
        switch kind {
        case .flag:
            if case .flag = value { return nil }
            return .invalid(expected: "true or false")
        case .slugs(let allowsAll):
            let items: [String]
            switch value {
            case .text(let text): items = [text]
            case .list(let list): items = list
            case .flag: return .invalid(expected: allowsAll ? "a slug, a list of slugs, or all" : "a slug or a list of slugs")
            }
            if items.isEmpty { return .invalid(expected: "at least one slug") }
            if allowsAll, items == ["all"] { return nil }
            for item in items where !isSlug(item) || item == "all" {
                return .invalid(expected: allowsAll ? "plugin slugs (folder names) or the word all alone" : "plugin slugs (folder names)")
            }
            return nil
        case .text, .path, .page, .size, .slug, .dropIn, .constant, .minutes:
            guard case .text(let text) = value else { return .invalid(expected: expectation(kind)) }
            return problem(with: text, kind: kind)
        }
    }

    private static func problem(with text: String, kind: PlaybookParameterSpec.Kind) -> Problem? {
        switch kind {
        case .text:
            return text.isEmpty ? .invalid(expected: expectation(kind)) : nil
        case .path:
            return isInsideSite(text) ? nil : .outsideSite
        case .page:
            let fine = text.hasPrefix("/") && !text.contains(where: { $0.isWhitespace }) && !text.contains("://")
            return fine ? nil : .invalid(expected: expectation(kind))
        case .size:
            return PHPMemorySize(text) == nil ? .invalid(expected: expectation(kind)) : nil
        case .slug:
            return isSlug(text) ? nil : .invalid(expected: expectation(kind))
        case .dropIn:
            return text == "all" || SiteLayout.dropInNames.contains(text) ? nil : .invalid(expected: expectation(kind))
        case .constant:
            let fine = !text.isEmpty && text.first.map { $0 == "_" || ($0.isASCII && $0.isLetter) } == true
                && text.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
            return fine ? nil : .invalid(expected: expectation(kind))
        case .minutes:
            return (Int(text) ?? 0) >= 1 ? nil : .invalid(expected: expectation(kind))
        case .flag, .slugs:
            return .invalid(expected: expectation(kind))
        }
    }

    static func expectation(_ kind: PlaybookParameterSpec.Kind) -> String {
        switch kind {
        case .text: return "some text"
        case .path: return "a path relative to the site"
        case .page: return "a path on the site's address starting with /, e.g. /wp-login.php"
        case .size: return "a memory size such as 256M, 512M or 1G"
        case .slugs(let allowsAll): return allowsAll ? "plugin slugs (folder names) or the word all alone" : "plugin slugs (folder names)"
        case .slug: return "one slug (a folder name)"
        case .dropIn: return "a drop-in file name (\(SiteLayout.dropInNames.joined(separator: ", "))) or all"
        case .constant: return "a PHP constant name such as WP_HOME"
        case .flag: return "true or false"
        case .minutes: return "a whole number of minutes, 1 or more"
        }
    }

    /// A folder or file name WordPress could use as a plugin or theme slug; never `.`, `..` or a path.
    static func isSlug(_ text: String) -> Bool {
        !text.isEmpty && text != "." && text != ".." && text.allSatisfy { character in
            character.isASCII && (character.isLetter || character.isNumber || character == "-" || character == "_" || character == ".")
        }
    }

    /// Relative, without `..`, `~` or NUL: it cannot leave the folder it is joined to.
    static func isInsideSite(_ path: String) -> Bool {
        guard !path.isEmpty, !path.hasPrefix("/"), !path.hasPrefix("~"), !path.contains("\0"), !path.contains("\\") else { return false }
        return !path.split(separator: "/").contains("..")
    }

    /// The value with each placeholder replaced by a sample the kind accepts, so what was
    /// written around the placeholders is checked (`../{{x.y}}` is still refused) and the
    /// filled-in value is checked at run time.
    static func withPlaceholdersStubbed(_ value: PlaybookParameters.Value, kind: PlaybookParameterSpec.Kind) -> PlaybookParameters.Value {
        let sample: String
        switch kind {
        case .dropIn: sample = "object-cache.php"
        case .size: sample = "256M"
        case .constant: sample = "WP_HOME"
        case .minutes: sample = "60"
        case .text, .path, .page, .slug, .slugs, .flag: sample = "placeholder"
        }
        func stub(_ text: String) -> String {
            PlaybookTemplate.render(text) { _ in sample }
        }
        switch value {
        case .text(let text): return .text(stub(text))
        case .list(let items): return .list(items.map(stub))
        case .flag: return value
        }
    }
}
