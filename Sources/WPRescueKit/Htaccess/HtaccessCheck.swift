import Foundation

/// A plausibility check of an .htaccess file: Apache answers every request with its own 500
/// when one line of it is not a directive it knows, so a typo takes the whole site down.
public enum HtaccessCheck {
    public struct Finding: Equatable, Sendable, Codable {
        public var line: Int
        public var text: String
        public var problem: String
    }

    /// Directives commonly allowed in .htaccess (core and the usual modules). A directive not
    /// listed is reported as suspect, not as certainly wrong: a module may provide it.
    static let knownDirectives: Set<String> = Set([
        "acceptpathinfo", "action", "addcharset", "adddefaultcharset", "addencoding", "addhandler", "addiconbytype",
        "addlanguage", "addoutputfilter", "addoutputfilterbytype", "addtype", "allow", "allowoverride", "authbasicprovider",
        "authgroupfile", "authname", "authtype", "authuserfile", "browsermatch", "browsermatchnocase", "cgipassauth",
        "checkspelling", "contentdigest", "defaultlanguage", "defaulttype", "deny", "deflatecompressionlevel",
        "directoryindex", "directoryslash", "enablemmap", "enablesendfile", "errordocument", "expiresactive",
        "expiresbytype", "expiresdefault", "fallbackresource", "fileetag", "forcelanguagepriority", "forcetype", "header",
        "headername", "indexignore", "indexoptions", "languagepriority", "limitrequestbody", "options", "order", "passenv",
        "php_flag", "php_value", "readmename", "redirect", "redirectmatch", "redirectpermanent", "redirecttemp",
        "removehandler", "removetype", "requestheader", "require", "rewritebase", "rewritecond", "rewriteengine",
        "rewriteoptions", "rewriterule", "satisfy", "serversignature", "setenv", "setenvif", "setenvifnocase", "sethandler",
        "setinputfilter", "setoutputfilter", "ssloptions", "sslrequiressl", "substitute", "unsetenv", "addtype",
        "cachelookup", "litespeed", "modpagespeed", "secfilterengine", "secfilterscanpost", "secruleengine", "expires",
        "deflatefilternote", "limitinternalrecursion", "xsendfile", "xsendfilepath", "charsetdefault", "charsetsourceenc",
        "authzgroupfileauthoritative", "authbasicauthoritative", "addicon", "adddescription", "defaulticon",
    ])

    static let sections: Set<String> = [
        "ifmodule", "files", "filesmatch", "limit", "limitexcept", "ifdefine", "ifversion", "if", "elseif", "else",
        "requireall", "requireany", "requirenone", "ifdirective", "iffile", "ifsection", "authnprovideralias",
    ]

    /// Whether `contents` has WordPress's block (# BEGIN WordPress … # END WordPress), without which
    /// pretty permalinks do not work on Apache.
    public static func hasWordPressBlock(_ contents: String) -> Bool {
        contents.contains("# BEGIN \(HtaccessRules.marker)") && contents.contains("# END \(HtaccessRules.marker)")
    }

    public static func findings(in contents: String) -> [Finding] {
        var findings: [Finding] = []
        var open: [(name: String, line: Int)] = []
        for (index, raw) in TextLines.split(contents).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            let number = index + 1
            if line.hasPrefix("</") {
                let name = line.dropFirst(2).prefix { $0 != ">" && $0 != " " }.lowercased()
                if open.last?.name == name { open.removeLast() } else {
                    findings.append(Finding(line: number, text: line, problem: "closes <\(name)> which is not open"))
                }
                continue
            }
            if line.hasPrefix("<") {
                let name = line.dropFirst().prefix { $0 != ">" && $0 != " " }.lowercased()
                if !sections.contains(name) {
                    findings.append(Finding(line: number, text: line, problem: "<\(name)> is not a section Apache allows in .htaccess"))
                }
                if !line.hasSuffix(">") { findings.append(Finding(line: number, text: line, problem: "the section tag is not closed with >")) }
                open.append((name, number))
                continue
            }
            let directive = line.prefix { !$0.isWhitespace }.lowercased()
            if !knownDirectives.contains(directive) {
                findings.append(Finding(line: number, text: line,
                                        problem: "`\(line.prefix { !$0.isWhitespace })` is not a directive Apache knows (a typo, or a module that is not loaded)"))
            }
        }
        for section in open { findings.append(Finding(line: section.line, text: "<\(section.name)>", problem: "<\(section.name)> is never closed")) }
        return findings
    }
}
