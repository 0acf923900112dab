/// The block WordPress itself writes into .htaccess, line for line as WordPress 6.x writes it
/// (`WP_Rewrite::mod_rewrite_rules()`, and the rules wp-admin's Network Setup shows).
public enum HtaccessRules {
    public enum Multisite: String, Sendable, CaseIterable {
        case subdirectory, subdomain
    }

    public static let marker = "WordPress"

    /// The comment lines `insert_with_markers()` puts first inside the block.
    static let instructions = [
        "# The directives (lines) between \"BEGIN WordPress\" and \"END WordPress\" are",
        "# dynamically generated, and should only be modified via WordPress filters.",
        "# Any changes to the directives between these markers will be overwritten.",
    ]

    /// The rules for a site whose home URL has path `homePath` (`/`, `/blog/`).
    public static func rules(homePath: String, multisite: Multisite?) -> [String] {
        let home = normalizedHomePath(homePath)
        guard let multisite else {
            return [
                "<IfModule mod_rewrite.c>",
                "RewriteEngine On",
                "RewriteRule .* - [E=HTTP_AUTHORIZATION:%{HTTP:Authorization}]",
                "RewriteBase \(home)",
                "RewriteRule ^index\\.php$ - [L]",
                "RewriteCond %{REQUEST_FILENAME} !-f",
                "RewriteCond %{REQUEST_FILENAME} !-d",
                "RewriteRule . \(home)index.php [L]",
                "</IfModule>",
                "",
            ]
        }
        let subdomain = multisite == .subdomain
        let match = subdomain ? "" : "([_0-9a-zA-Z-]+/)?"
        let first = subdomain ? "" : "$1"
        let second = subdomain ? "$1" : "$2"
        return [
            "RewriteEngine On",
            "RewriteRule .* - [E=HTTP_AUTHORIZATION:%{HTTP:Authorization}]",
            "RewriteBase \(home)",
            "RewriteRule ^index\\.php$ - [L]",
            "",
            "# add a trailing slash to /wp-admin",
            "RewriteRule ^\(match)wp-admin$ \(first)wp-admin/ [R=301,L]",
            "",
            "RewriteCond %{REQUEST_FILENAME} -f [OR]",
            "RewriteCond %{REQUEST_FILENAME} -d",
            "RewriteRule ^ - [L]",
            "RewriteRule ^\(match)(wp-(content|admin|includes).*) \(second) [L]",
            "RewriteRule ^\(match)(.*\\.php)$ \(second) [L]",
            "RewriteRule . index.php [L]",
            "",
        ]
    }

    /// The path part of a home URL, with slashes on both ends (`https://x.org/blog` → `/blog/`).
    public static func homePath(fromURL url: String) -> String {
        var rest = Substring(url)
        if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
        guard let slash = rest.firstIndex(of: "/") else { return "/" }
        var path = rest[slash...]
        if let end = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = path[..<end] }
        return normalizedHomePath(String(path))
    }

    static func normalizedHomePath(_ path: String) -> String {
        let trimmed = path.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
        return trimmed.isEmpty ? "/" : "/\(trimmed)/"
    }

    /// The new file: what `insert_with_markers()` would write, keeping everything outside the
    /// markers unless `clean` (then exactly what WordPress writes into a new file).
    public static func inserting(_ insertion: [String], into existing: String?, clean: Bool) -> String {
        if clean, existing != nil { return inserting(insertion, into: nil, clean: false) }
        // PHP reads line by line with fgets and strips line endings; a missing or empty file
        // reads as one empty line, as it does for WordPress.
        let lines = TextLines.split(existing ?? "")
        let start = "# BEGIN \(marker)", end = "# END \(marker)"
        var before: [String] = [], after: [String] = []
        var foundStart = false, foundEnd = false
        for line in lines {
            if !foundStart && line.contains(start) { foundStart = true; continue }
            if !foundEnd && line.contains(end) { foundEnd = true; continue }
            if !foundStart { before.append(line) } else if foundEnd { after.append(line) }
        }
        return (before + [start] + instructions + insertion + [end] + after).joined(separator: "\n")
    }
}
