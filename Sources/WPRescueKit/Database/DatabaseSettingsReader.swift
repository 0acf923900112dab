import Foundation

/// The database settings in wp-config.php: literal DB_* constants (plus WP_HOME and WP_SITEURL)
/// and `$table_prefix`.
public struct DatabaseSettings: Equatable, Sendable {
    /// Constant name → value, for constants defined with a plain string.
    public var constants: [String: String]
    public var tablePrefix: String?

    public init(constants: [String: String], tablePrefix: String?) {
        self.constants = constants
        self.tablePrefix = tablePrefix
    }

    public static let constantNames = DatabaseCredentials.constantNames + ["WP_HOME", "WP_SITEURL"]

    /// Reads the settings from the site's wp-config.php.
    public static func read(from site: Site) throws -> DatabaseSettings {
        do {
            return read(wpConfig: try site.fileSystem.readWhole(site.layout.configFile, limit: 4 << 20))
        } catch {
            throw SiteError.unreadableConfig(path: site.layout.configFile, detail: error.localizedDescription)
        }
    }

    /// Reads the settings from wp-config.php's bytes.
    ///
    /// TEMPORARY: a minimal reader (plain `define('NAME', 'literal')` and `$table_prefix = 'literal';`,
    /// comments skipped) until the config branch's WPConfigFile is merged; then the body becomes:
    /// ```swift
    /// guard let config = try? WPConfigFile(data: contents) else { return DatabaseSettings(constants: [:], tablePrefix: nil) }
    /// var constants: [String: String] = [:]
    /// for name in constantNames { constants[name] = config.value(of: name)?.stringValue }
    /// return DatabaseSettings(constants: constants, tablePrefix: config.tablePrefix?.value.stringValue)
    /// ```
    /// and `MinimalConfigReader` below is deleted.
    public static func read(wpConfig contents: Data) -> DatabaseSettings {
        #warning("replace with WPConfigFile after merging the config branch (see the comment above)")
        let tokens = MinimalConfigReader.tokens(Array(contents))
        var constants: [String: String] = [:]
        var tablePrefix: String?
        for index in tokens.indices {
            let rest = tokens[index...].prefix(6)
            if rest.count == 6, case .word(let word) = rest[index], word.lowercased() == "define",
               rest[index + 1] == .symbol("("), case .string(let name?) = rest[index + 2], rest[index + 3] == .symbol(","),
               case .string(let value?) = rest[index + 4], rest[index + 5] == .symbol(")"),
               constantNames.contains(name), constants[name] == nil {
                // PHP keeps the first definition of a constant.
                constants[name] = value
            }
            if rest.count >= 4, rest[index] == .variable("table_prefix"), rest[index + 1] == .symbol("="),
               case .string(let value) = rest[index + 2], rest[index + 3] == .symbol(";") {
                tablePrefix = value
            }
        }
        return DatabaseSettings(constants: constants, tablePrefix: tablePrefix)
    }
}

/// Just enough of PHP's lexer to find literal definitions. To be replaced by WPConfigFile.
enum MinimalConfigReader {
    enum Token: Equatable {
        case word(String)
        case variable(String)
        /// nil when the string interpolates variables, so its value is unknown.
        case string(String?)
        case symbol(Character)
    }

    static func tokens(_ bytes: [UInt8]) -> [Token] {
        var tokens: [Token] = []
        var index = 0
        func isWordByte(_ byte: UInt8) -> Bool {
            (0x30...0x39).contains(byte) || (0x41...0x5a).contains(byte) || (0x61...0x7a).contains(byte) || byte == 0x5f || byte >= 0x80
        }
        while index < bytes.count {
            let byte = bytes[index]
            let next = index + 1 < bytes.count ? bytes[index + 1] : 0
            switch byte {
            case UInt8(ascii: "#"):
                while index < bytes.count && bytes[index] != 0x0a { index += 1 }
            case UInt8(ascii: "/") where next == UInt8(ascii: "/"):
                while index < bytes.count && bytes[index] != 0x0a { index += 1 }
            case UInt8(ascii: "/") where next == UInt8(ascii: "*"):
                index += 2
                while index + 1 < bytes.count && !(bytes[index] == UInt8(ascii: "*") && bytes[index + 1] == UInt8(ascii: "/")) { index += 1 }
                index += 2
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                let quote = byte
                var value: [UInt8] = []
                var interpolates = false
                index += 1
                while index < bytes.count && bytes[index] != quote {
                    var character = bytes[index]
                    if character == UInt8(ascii: "\\"), index + 1 < bytes.count {
                        let escaped = bytes[index + 1]
                        if quote == UInt8(ascii: "'") {
                            // Single quotes only know \' and \\.
                            if escaped == quote || escaped == UInt8(ascii: "\\") { character = escaped; index += 1 }
                        } else {
                            let known: [UInt8: UInt8] = [UInt8(ascii: "n"): 0x0a, UInt8(ascii: "t"): 0x09, UInt8(ascii: "r"): 0x0d,
                                                         UInt8(ascii: "\\"): 0x5c, UInt8(ascii: "\""): 0x22, UInt8(ascii: "$"): 0x24]
                            if let replacement = known[escaped] { character = replacement; index += 1 }
                        }
                    } else if quote == UInt8(ascii: "\"") && character == UInt8(ascii: "$") {
                        interpolates = true
                    }
                    value.append(character)
                    index += 1
                }
                index += 1
                tokens.append(.string(interpolates ? nil : String(decoding: value, as: UTF8.self)))
            case UInt8(ascii: "$") where isWordByte(next):
                let start = index + 1
                index = start
                while index < bytes.count && isWordByte(bytes[index]) { index += 1 }
                tokens.append(.variable(String(decoding: bytes[start..<index], as: UTF8.self)))
            case _ where isWordByte(byte):
                let start = index
                while index < bytes.count && isWordByte(bytes[index]) { index += 1 }
                tokens.append(.word(String(decoding: bytes[start..<index], as: UTF8.self)))
            case 0x20, 0x09, 0x0a, 0x0d:
                index += 1
            default:
                tokens.append(.symbol(Character(Unicode.Scalar(byte))))
                index += 1
            }
        }
        return tokens
    }
}
