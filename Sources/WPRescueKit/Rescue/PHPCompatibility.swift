/// Code written for an older PHP that the site's PHP no longer runs: a function or syntax
/// removed in PHP 7 or 8. Such a fatal error is not a bug to report but a plugin (or theme)
/// to update or replace, and only that one needs disabling.
public enum PHPCompatibility {
    public struct Removal: Equatable, Sendable {
        /// What the code uses, as people search for it: `create_function()`, `curly-brace string offsets ($text{0})`.
        public var feature: String
        /// The PHP version that removed it: `8.0`.
        public var removedIn: String
    }

    /// Functions PHP removed, by the version that removed them.
    static let removedFunctions: [String: String] = {
        var table: [String: String] = [:]
        for name in ["ereg", "eregi", "ereg_replace", "eregi_replace", "split", "spliti", "sql_regcase", "call_user_method",
                     "call_user_method_array", "set_magic_quotes_runtime", "magic_quotes_runtime", "set_socket_blocking",
                     "datefmt_set_timezone_id", "mcrypt_generic_end", "mcrypt_ecb", "mcrypt_cbc", "mcrypt_cfb", "mcrypt_ofb"] {
            table[name] = "7.0"
        }
        for name in ["create_function", "each", "money_format", "get_magic_quotes_gpc", "get_magic_quotes_runtime", "fgetss",
                     "hebrevc", "convert_cyr_string", "restore_include_path", "ezmlm_hash", "image2wbmp", "jpeg2wbmp", "png2wbmp",
                     "read_exif_data", "gmp_random", "ldap_sort", "ldap_control_paged_result", "ldap_control_paged_result_response",
                     "is_real", "mbsplit", "mbereg", "mberegi", "mbereg_replace", "mberegi_replace", "mbregex_encoding",
                     "mbereg_match", "mbereg_search", "__autoload"] {
            table[name] = "8.0"
        }
        return table
    }()

    /// Whole extensions PHP dropped: every function with the prefix.
    static let removedPrefixes: [(prefix: String, removedIn: String, extensionName: String)] = [
        ("mysql_", "7.0", "the mysql extension"), ("mcrypt_", "7.2", "the mcrypt extension"),
    ]

    /// Syntax PHP refuses now, by the words of its error.
    static let removedSyntax: [(message: String, feature: String, removedIn: String)] = [
        ("Array and string offset access syntax with curly braces is no longer supported", "curly-brace string offsets ($text{0})", "8.0"),
        ("Unparenthesized `a ? b : c ? d : e` is not supported", "nested ternaries without parentheses", "8.0"),
        ("The (real) cast has been removed", "the (real) cast", "8.0"),
        ("The (unset) cast is no longer supported", "the (unset) cast", "8.0"),
        ("__autoload() is no longer supported", "__autoload()", "8.0"),
        ("cannot be called statically", "calling a non-static method statically", "8.0"),
    ]

    /// What the fatal error `message` says the code relies on that PHP removed, if anything.
    public static func removal(in message: String) -> Removal? {
        if let name = undefinedFunction(in: message) {
            let lower = name.lowercased()
            if let version = removedFunctions[lower] { return Removal(feature: "\(name)()", removedIn: version) }
            if let family = removedPrefixes.first(where: { lower.hasPrefix($0.prefix) }) {
                return Removal(feature: "\(name)() (\(family.extensionName))", removedIn: family.removedIn)
            }
            return nil
        }
        return removedSyntax.first { message.contains($0.message) }.map { Removal(feature: $0.feature, removedIn: $0.removedIn) }
    }

    /// `NAME` of "Call to undefined function NAME()" (namespaced calls fall back to the global name).
    static func undefinedFunction(in message: String) -> String? {
        guard let start = message.range(of: "Call to undefined function ") else { return nil }
        let rest = message[start.upperBound...]
        guard let open = rest.firstIndex(of: "(") else { return nil }
        let name = rest[..<open].split(separator: "\\").last.map(String.init) ?? ""
        return name.isEmpty ? nil : name
    }

    /// "is not compatible with PHP 8.2: update it or replace it (PHP 8.0 removed create_function())".
    public static func verdict(_ removal: Removal, phpVersion: String?) -> String {
        "is not compatible with \(phpVersion.map { "PHP \($0)" } ?? "the PHP version this site runs"): update it or replace it "
            + "(PHP \(removal.removedIn) removed \(removal.feature))"
    }
}
