import ArgumentParser
import Foundation
import WPRescueKit

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Read and edit wp-config.php safely (a real PHP parser; everything else stays byte-for-byte).",
        discussion: """
        Known constants have known types: `config set WP_DEBUG false` writes the boolean false. New constants \
        go before "That's all, stop editing!". Every edit is re-parsed, checked with `php -l` when PHP is \
        installed here, written atomically and journaled (`wprescue undo`). Secrets (DB_PASSWORD, keys, salts) \
        are masked unless --show-secrets, and are never accepted on the command line. On a Bedrock site the \
        constants are edited where Bedrock reads them: .env for values read with env() (DB_*, WP_ENV, WP_HOME), \
        else the Config::define call in config/environments/<WP_ENV>.php or config/application.php.
        """,
        subcommands: [List.self, Get.self, Set.self, Delete.self]
    )

    struct List: SiteCommand {
        static let configuration = CommandConfiguration(abstract: "List the constants wp-config.php defines, secrets masked.")
        @OptionGroup var global: GlobalOptions
        @Flag(name: .long, help: "Show secret values (database password, keys, salts) too.")
        var showSecrets = false

        struct Entry: Encodable {
            var name: String
            var value: String
            var line: Int
            var secret: Bool
            var conditional: Bool
            /// Bedrock: the file the value is read from (.env, application.php, the environment file).
            var source: String?
        }

        func execute(_ context: CommandContext) throws {
            let site = try context.site()
            let config = try SiteConfig.read(site)
            let bedrock = try site.layout.bedrock.map { try BedrockSettings.read(site, layout: $0) }
            let entries = config.constants.map { definition in
                let origin = bedrock?.sources[definition.name]
                return Entry(name: definition.name, value: showSecrets ? definition.valueSource : definition.displaySource,
                             line: origin?.line ?? definition.line, secret: definition.isSecret, conditional: definition.isConditional,
                             source: origin.map { SitePath.relative($0.file, to: bedrock?.layout.projectRoot ?? site.layout.root) })
            }
            let console = context.console
            if let bedrock {
                console.line("Bedrock project \(bedrock.layout.projectRoot), WP_ENV \(bedrock.environment): the constants in force and where each is read.")
                console.table(["SOURCE", "NAME", "VALUE"], entries.map { ["\($0.source ?? "?"):\($0.line)", $0.name, $0.value] })
            } else {
                console.table(["LINE", "NAME", "VALUE"], entries.map { ["\($0.line)", $0.name, $0.value] })
            }
            if let prefix = config.tablePrefix {
                console.line("$\(prefix.name) = \(prefix.valueSource)" + (bedrock == nil ? "   (line \(prefix.line))" : ""))
            }
            let warnings = bedrock == nil ? ConfigCommand.warnings(config) : []
            for warning in warnings { console.line("Warning: \(warning)") }
            try console.emit(json: [
                "file": AnyEncodable(bedrock?.layout.applicationFile ?? site.layout.configFile),
                "constants": AnyEncodable(entries),
                "tablePrefix": AnyEncodable(config.tablePrefix?.value.stringValue),
                "warnings": AnyEncodable(warnings),
            ])
        }
    }

    struct Get: SiteCommand {
        static let configuration = CommandConfiguration(abstract: "Print one constant's value as written in wp-config.php.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Constant name, e.g. WP_DEBUG.") var name: String
        @Flag(name: .long, help: "Show the value even if it is a secret.") var showSecrets = false

        func execute(_ context: CommandContext) throws {
            let site = try context.site()
            let config = try SiteConfig.read(site)
            guard let definition = config.definition(of: name) else {
                throw CLIError.invalidArguments("\(name) is not defined in \(SiteConfig.describeFiles(site)).")
            }
            let shown = showSecrets ? definition.valueSource : definition.displaySource
            context.console.line(shown)
            try context.console.emit(json: [
                "name": AnyEncodable(name), "value": AnyEncodable(shown), "line": AnyEncodable(definition.line),
                "secret": AnyEncodable(definition.isSecret),
            ])
        }
    }

    struct Set: SiteCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a constant (typed: booleans and numbers stay unquoted); secrets are read from standard input.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Constant name.") var name: String
        @Argument(help: "New value. Omit it for secrets: they are read from standard input (or a hidden prompt).")
        var value: String?
        @Flag(name: .long, help: "Write VALUE as a PHP expression as-is (e.g. \"__DIR__ . '/logs/debug.log'\").")
        var raw = false

        func execute(_ context: CommandContext) throws {
            let site = try context.site()
            let config = try SiteConfig.read(site)
            let secret = KnownConstants.isSecret(name)
            if secret, value != nil {
                throw CLIError.invalidArguments("\(name) is a secret and must not be given on the command line (anyone on this machine can read it in the process list); leave the value out and type it, or pipe it on standard input.")
            }
            let text: String
            if let value { text = value } else if secret {
                guard let typed = context.terminal.secret("New value for \(name): ") else {
                    throw CLIError.invalidArguments("No value for \(name) on standard input.")
                }
                text = typed
            } else {
                throw CLIError.invalidArguments("Give a value for \(name).")
            }
            let edited = raw ? try config.setting(name, rawExpression: text)
                             : try config.setting(name, to: try PHPValue.parse(userInput: text, forConstant: name))
            try ConfigEdit(context: context, site: site).apply(from: config, to: edited, changing: [name], summary: "Set \(name) in \(site.layout.bedrock == nil ? "wp-config.php" : "Bedrock's settings")")
        }
    }

    struct Delete: SiteCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a constant's definition(s) from wp-config.php.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Constant name.") var name: String

        func execute(_ context: CommandContext) throws {
            let site = try context.site()
            let config = try SiteConfig.read(site)
            guard config.definition(of: name) != nil else {
                throw CLIError.invalidArguments("\(name) is not defined in \(SiteConfig.describeFiles(site)); nothing to delete.")
            }
            try ConfigEdit(context: context, site: site).apply(from: config, to: try config.removing(name), changing: [name],
                                                              summary: "Delete \(name) from \(site.layout.bedrock == nil ? "wp-config.php" : "Bedrock's settings")")
        }
    }

    static func warnings(_ config: WPConfigFile) -> [String] {
        var warnings = config.duplicates.map { "\($0.name) is defined more than once (lines \($0.lines.map(String.init).joined(separator: ", "))); PHP uses the first and warns about the others." }
        warnings += config.definitionsAfterWPSettings.map { "\($0.name) on line \($0.line) comes after wp-settings.php is loaded, so WordPress ignores it." }
        if !config.outputOutsidePHP.isEmpty { warnings.append("Text outside <?php … ?> (line \(config.outputOutsidePHP[0].line)) is sent before every page and can break logins and redirects.") }
        return warnings
    }
}
