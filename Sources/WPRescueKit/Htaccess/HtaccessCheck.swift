import Foundation

/// A plausibility check of an .htaccess file: Apache answers every request with its own 500
/// when one line of it is not a directive it knows, so a typo takes the whole site down.
public enum HtaccessCheck {
    public struct Finding: Equatable, Sendable, Codable {
        public var line: Int
        public var text: String
        public var problem: String
        /// The last physical line of the directive (after `\` continuations); same as `line` for most.
        public var lastLine: Int?
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
        // Core and standard modules that .htaccess files on real hosts use.
        "php_admin_flag", "php_admin_value", "addoutputfilterbytype", "authdigestprovider", "authdigestdomain",
        "authbasicfake", "authmerging", "authzdbdquery", "authldapurl", "authldapbinddn", "authldapbindpassword",
        "authformprovider", "authnzldapauthoritative", "authzsendforbiddenonfailure", "headername", "indexorderdefault",
        "indexstylesheet", "metadir", "metafiles", "metasuffix", "multiviewsmatch", "rewritemap", "serveralias",
        "setenvifexpr", "define", "undefine", "errorlogformat", "keptbodysize", "limitrequestfields",
        "limitrequestfieldsize", "limitrequestline", "limitxmlrequestbody", "mergetrailers", "qualifyredirecturl",
        "addcharset", "cgiscriptalias", "scriptalias", "redirectmatch", "filterdeclare", "filterprovider", "filterchain",
        "filtertrace", "filterprotocol", "expiresbytype", "cachedisable", "cacheenable", "cacheignoreheaders",
        "cachecontrol", "mod_gzip_on", "mod_gzip_item_include", "mod_gzip_item_exclude", "mod_gzip_dechunk",
        "requestreadtimeout", "timeout", "passengerenabled", "passengerapproot", "passengerbaseuri", "passengerapptype",
        "passengerstartupfile", "passengernodejs", "passengerpython", "passengerruby", "rackenv", "railsenv",
        "fcgiwrapper", "suexecusergroup", "ruidgid", "assignuserid", "lsapi_terminate_backend", "checkcaseonly",
    ])

    /// Families of directives from third-party modules hosts commonly load (mod_security, suPHP,
    /// PageSpeed, LiteSpeed, Passenger…) and the auth providers: plausible, never reported as
    /// typos. Core modules' directives are listed one by one, so `RewriteEngien` stays a typo.
    static let modulePrefixes = [
        "sec", "suphp_", "modpagespeed", "pagespeed", "litespeed", "lsapi_", "lscache", "xsendfile", "passenger",
        "php_", "php5_", "php7_", "php8_", "mod_gzip", "brotli", "mellon", "shib", "bandwidth", "cband", "geoip",
        "maxmind", "remoteip", "fcgid", "fastcgi", "authn", "authz", "authldap", "authdigest", "authform", "sslrequire",
    ]

    static func isPlausible(_ directive: String) -> Bool {
        knownDirectives.contains(directive) || modulePrefixes.contains { directive.hasPrefix($0) }
    }

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
        for directive in logicalLines(contents) {
            let line = directive.text.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            let number = directive.first, last = directive.last == directive.first ? nil : directive.last
            if line.hasPrefix("</") {
                let name = line.dropFirst(2).prefix { $0 != ">" && $0 != " " }.lowercased()
                if open.last?.name == name { open.removeLast() } else {
                    findings.append(Finding(line: number, text: line, problem: "closes <\(name)> which is not open", lastLine: last))
                }
                continue
            }
            if line.hasPrefix("<") {
                let name = line.dropFirst().prefix { $0 != ">" && $0 != " " }.lowercased()
                if !sections.contains(name) {
                    findings.append(Finding(line: number, text: line, problem: "<\(name)> is not a section Apache allows in .htaccess", lastLine: last))
                }
                if !line.hasSuffix(">") { findings.append(Finding(line: number, text: line, problem: "the section tag is not closed with >", lastLine: last)) }
                open.append((name, number))
                continue
            }
            let directiveName = line.prefix { !$0.isWhitespace }.lowercased()
            if !isPlausible(directiveName) {
                findings.append(Finding(line: number, text: line,
                                        problem: "`\(line.prefix { !$0.isWhitespace })` is not a directive Apache knows (a typo, or a module that is not loaded)",
                                        lastLine: last))
            }
        }
        for section in open { findings.append(Finding(line: section.line, text: "<\(section.name)>", problem: "<\(section.name)> is never closed")) }
        return findings
    }

    /// Directives as Apache reads them: a line ending in `\` goes on on the next one.
    static func logicalLines(_ contents: String) -> [(text: String, first: Int, last: Int)] {
        var result: [(text: String, first: Int, last: Int)] = []
        var pending: (text: String, first: Int)?
        for (index, raw) in TextLines.split(contents).enumerated() {
            let number = index + 1
            var text = pending.map { $0.text + " " + raw.trimmingCharacters(in: .whitespaces) } ?? raw
            let first = pending?.first ?? number
            if text.hasSuffix("\\") {
                text.removeLast()
                pending = (text, first)
                continue
            }
            pending = nil
            result.append((text, first, number))
        }
        if let pending { result.append((pending.text, pending.first, TextLines.split(contents).count)) }
        return result
    }

    /// `contents` with the lines of `findings` turned into comments that say why, everything
    /// else byte for byte as it was: a repair that keeps the owner's auth and deny rules.
    public static func disabling(_ findings: [Finding], in contents: String) -> String {
        var lines = TextLines.split(contents)
        for finding in findings {
            for number in finding.line...(finding.lastLine ?? finding.line) where lines.indices.contains(number - 1) {
                let original = lines[number - 1]
                guard !original.trimmingCharacters(in: .whitespaces).hasPrefix("#") else { continue }
                lines[number - 1] = "# wprescue turned this line off (Apache refuses it): " + original
            }
        }
        return lines.joined(separator: "\n")
    }
}
