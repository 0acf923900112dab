import Foundation

/// Where a Bedrock project (roots.io) keeps its parts: WordPress in web/wp, content in web/app,
/// and its settings in config/application.php, config/environments/<WP_ENV>.php and .env.
public struct BedrockLayout: Equatable, Sendable, Codable {
    /// The project folder: .env, config/, vendor/, web/.
    public var projectRoot: String
    /// web/: the document root, where wp-config.php and index.php are.
    public var webRoot: String

    public init(projectRoot: String, webRoot: String) {
        self.projectRoot = projectRoot
        self.webRoot = webRoot
    }

    /// Bedrock's must-use plugin that loads the plugins in mu-plugins' subfolders.
    public static let autoloaderSlug = "bedrock-autoloader"

    public var applicationFile: String { SitePath.join(projectRoot, "config/application.php") }
    public var environmentsDirectory: String { SitePath.join(projectRoot, "config/environments") }
    /// .env, then .env.local, which Bedrock loads after it (so it wins) when .env exists.
    public var dotEnvFiles: [String] { [SitePath.join(projectRoot, ".env"), SitePath.join(projectRoot, ".env.local")] }
    public func environmentFile(_ environment: String) -> String {
        SitePath.join(environmentsDirectory, environment + ".php")
    }
}

/// A Bedrock site's settings as WordPress ends up with them, and edits made where Bedrock reads
/// each value: `.env` for a constant set from `env('NAME')` (DB_*, WP_ENV, WP_HOME...), else
/// the environment file or application.php, whichever defines it last (`Config::define` calls
/// in the environment file come after application.php's and win).
///
/// Commands see the result as one `WPConfigFile` (`effective`): the constants in force, those
/// read from .env as plain literals. An edit of that file is carried over to the real files by
/// `writes(from:to:changing:)`, each edited by its own checked editor, byte for byte elsewhere.
public struct BedrockSettings {
    /// Where one constant's value comes from.
    public struct Source: Equatable, Sendable {
        /// The file to look at: the .env file for a value read from a variable, else the PHP file.
        public var file: String
        public var line: Int
        /// The variable `env()` reads, when the definition is `env('NAME')` (with or without a fallback).
        public var variable: String?
        /// The PHP file and line of the definition itself.
        public var definitionFile: String
    }

    public let layout: BedrockLayout
    /// WP_ENV: `development`, `staging`, `production` (Bedrock's default).
    public let environment: String
    public let application: WPConfigFile
    /// config/environments/<WP_ENV>.php, when it exists.
    public let environmentFile: (path: String, file: WPConfigFile)?
    /// The .env files that exist, in load order.
    public let dotEnv: [(path: String, file: DotEnvFile)]
    /// The variables after loading them.
    public let variables: [String: String]
    public let effective: WPConfigFile
    public let sources: [String: Source]

    /// Reads the settings of `site`.
    public static func read(_ site: Site, layout: BedrockLayout) throws -> BedrockSettings {
        try read(layout: layout) { path in
            guard try site.fileSystem.isFile(path) else { return nil }
            return try site.fileSystem.readWhole(path, limit: 4 << 20)
        }
    }

    public enum Failure: Error, LocalizedError {
        case unreadable(path: String, detail: String)
        case notInDotEnv(name: String, variable: String, reason: String)
        case noDotEnv(name: String, project: String)

        public var errorDescription: String? {
            switch self {
            case .unreadable(let path, let detail):
                return "\(path): \(detail) Nothing was changed."
            case .notInDotEnv(let name, let variable, let reason):
                return "Bedrock reads \(name) from \(variable) in .env, and \(reason). Nothing was changed."
            case .noDotEnv(let name, let project):
                return "Bedrock reads \(name) from the environment, but \(project) has no .env (the host sets it); change it there. Nothing was changed."
            }
        }
    }

    /// Reads the settings through `load` (nil: no such file), so that edits can be checked on
    /// contents not yet written.
    static func read(layout: BedrockLayout, load: (String) throws -> Data?) throws -> BedrockSettings {
        func php(_ path: String) throws -> WPConfigFile? {
            guard let data = try load(path) else { return nil }
            do { return try WPConfigFile(data: data, dialect: .bedrock) } catch {
                throw Failure.unreadable(path: path, detail: error.localizedDescription)
            }
        }
        guard let application = try php(layout.applicationFile) else {
            throw Failure.unreadable(path: layout.applicationFile, detail: "it is missing.")
        }
        var dotEnv: [(path: String, file: DotEnvFile)] = []
        // Bedrock loads .env.local only together with .env.
        if let main = try load(layout.dotEnvFiles[0]) {
            for (index, path) in layout.dotEnvFiles.enumerated() {
                guard let data = index == 0 ? main : try load(path) else { continue }
                do { dotEnv.append((path, try DotEnvFile(data: data))) } catch {
                    throw Failure.unreadable(path: path, detail: error.localizedDescription)
                }
            }
        }
        let variables = DotEnvFile.values(of: dotEnv.map(\.file))
        let evaluator = EnvExpression(variables: variables)
        let environmentValue = application.definition(of: "WP_ENV").flatMap { evaluator.value(of: $0.valueSource) }
        let environment = environmentValue?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? "production"
        var environmentFile: (path: String, file: WPConfigFile)?
        if environment.utf8.allSatisfy(DotEnvFile.isNameByte), !environment.contains(".."),
           let file = try php(layout.environmentFile(environment)) {
            environmentFile = (layout.environmentFile(environment), file)
        }

        // The constants in force, in the order they are first defined.
        var names: [String] = []
        for definition in application.constants + (environmentFile?.file.constants ?? []) where !names.contains(definition.name) {
            names.append(definition.name)
        }
        let fromURL = variables["DATABASE_URL"].flatMap { $0.isEmpty ? nil : databaseURLSettings($0) } ?? [:]
        var text = "<?php\n"
        var sources: [String: Source] = [:]
        for name in names {
            let fromApplication = application.definition(of: name)
            let fromEnvironment = environmentFile?.file.definition(of: name)
            let chosen: (path: String, definition: ConstantDefinition)
            if let fromApplication, fromApplication.form != .configDefine || fromEnvironment == nil {
                chosen = (layout.applicationFile, fromApplication)
            } else if let fromEnvironment, let path = environmentFile?.path {
                chosen = (path, fromEnvironment)
            } else {
                continue
            }
            var source = chosen.definition.valueSource
            var origin = Source(file: chosen.path, line: chosen.definition.line, variable: nil, definitionFile: chosen.path)
            var variable = EnvExpression.reference(in: chosen.definition.valueSource)?.variable
            if let value = fromURL[name] {
                // application.php's `if (env('DATABASE_URL'))` block, which redefines these last.
                variable = "DATABASE_URL"
                source = value.phpSource
            } else if variable != nil, let value = evaluator.value(of: chosen.definition.valueSource) {
                source = value.phpSource
            }
            if let variable {
                origin.variable = variable
                for (path, file) in dotEnv.reversed() {
                    if let entry = file.entry(variable) {
                        origin.file = path
                        origin.line = entry.line
                        break
                    }
                }
            }
            sources[name] = origin
            text += "define( \(PHPValue.string(name).phpSource), \(source) );\n"
        }
        if let prefix = application.tablePrefix {
            let value = evaluator.value(of: prefix.valueSource)?.phpSource ?? prefix.valueSource
            text += "$table_prefix = \(value);\n"
        }
        let effective: WPConfigFile
        do { effective = try WPConfigFile(contents: text) } catch {
            throw Failure.unreadable(path: layout.applicationFile, detail: error.localizedDescription)
        }
        return BedrockSettings(layout: layout, environment: environment, application: application, environmentFile: environmentFile,
                               dotEnv: dotEnv, variables: variables, effective: effective, sources: sources)
    }

    // MARK: Edits

    /// The files to write so that the constants `names` go from `original` (this `effective`) to
    /// `edited`: .env lines for values read with `env()`, `Config::define` calls elsewhere. Each
    /// file is edited by its own checked editor; the result is read again and must give `edited`'s values.
    public func writes(from original: WPConfigFile, to edited: WPConfigFile, changing names: [String]) throws -> [(path: String, contents: Data)] {
        var php: [String: WPConfigFile] = [:]
        var env: [String: DotEnvFile] = [:]
        var order: [String] = []
        func remember(_ path: String) { if !order.contains(path) { order.append(path) } }
        func phpFile(_ path: String) -> WPConfigFile? {
            php[path] ?? (path == layout.applicationFile ? application : environmentFile?.path == path ? environmentFile?.file : nil)
        }

        for name in names {
            let before = original.definition(of: name), after = edited.definition(of: name)
            guard before?.valueSource != after?.valueSource else { continue }
            let origin = sources[name]
            if let after {
                if let variable = origin?.variable {
                    guard variable != "DATABASE_URL" else {
                        throw Failure.notInDotEnv(name: name, variable: variable, reason: "wprescue does not rewrite that address; edit DATABASE_URL in .env yourself")
                    }
                    guard let text = BedrockEnvValue.text(for: after.value) else {
                        throw Failure.notInDotEnv(name: name, variable: variable, reason: "env() would not read \(after.displaySource) back as written (a .env value is text: true, false, null and digits become PHP values)")
                    }
                    guard let main = dotEnv.first else { throw Failure.noDotEnv(name: name, project: layout.projectRoot) }
                    let path = dotEnv.last { $0.file.entry(variable) != nil }?.path ?? main.path
                    let current = env[path] ?? dotEnv.first { $0.path == path }?.file ?? main.file
                    do { env[path] = try current.setting(variable, to: text) } catch {
                        throw Failure.unreadable(path: path, detail: error.localizedDescription)
                    }
                    remember(path)
                } else {
                    let path = origin?.definitionFile ?? environmentFile?.path ?? layout.applicationFile
                    guard let current = phpFile(path) else { continue }
                    do { php[path] = try current.setting(name, rawExpression: after.valueSource) } catch {
                        throw SiteConfig.Failure.invalidEdit(path: path, underlying: error)
                    }
                    remember(path)
                }
            } else {
                for path in [layout.applicationFile, environmentFile?.path].compactMap({ $0 }) {
                    guard let current = phpFile(path), !current.definitions(of: name).isEmpty else { continue }
                    do { php[path] = try current.removing(name) } catch {
                        throw SiteConfig.Failure.invalidEdit(path: path, underlying: error)
                    }
                    remember(path)
                }
            }
        }

        var writes: [(path: String, contents: Data)] = []
        for path in order {
            if let file = php[path] {
                if let problem = PHPSyntaxCheck.problem(in: file.data) { throw SiteConfig.Failure.rejectedByPHP(path: path, problem: problem) }
                writes.append((path, file.data))
            } else if let file = env[path] {
                writes.append((path, file.data))
            }
        }
        // What Bedrock would make of the edited files must be what was asked for.
        let written = Dictionary(writes.map { ($0.path, $0.contents) }, uniquingKeysWith: { $1 })
        let reread = try Self.read(layout: layout) { path in
            if let data = written[path] { return data }
            if path == layout.applicationFile { return application.data }
            if path == environmentFile?.path { return environmentFile?.file.data }
            return dotEnv.first { $0.path == path }?.file.data
        }
        for name in names where reread.effective.definition(of: name)?.value != edited.definition(of: name)?.value {
            throw SiteConfig.Failure.invalidEdit(path: sources[name]?.file ?? layout.applicationFile,
                                                 underlying: .editVerificationFailed(constant: name, detail: "Bedrock would not read the new value back"))
        }
        return writes
    }
}

/// What application.php takes from DATABASE_URL (`mysql://user:pass@host:port/name`), read as
/// PHP's parse_url() reads it: no percent-decoding.
func databaseURLSettings(_ address: String) -> [String: PHPValue]? {
    guard let url = URLComponents(string: address), let host = url.percentEncodedHost else { return nil }
    var settings: [String: PHPValue] = [
        "DB_NAME": .string(String(url.percentEncodedPath.dropFirst())),
        "DB_HOST": .string(url.port.map { "\(host):\($0)" } ?? host),
        "DB_PASSWORD": url.percentEncodedPassword.map(PHPValue.string) ?? .null,
    ]
    if let user = url.percentEncodedUser { settings["DB_USER"] = .string(user) }
    return settings
}

/// The few expressions Bedrock's settings use to read the environment: `env('NAME')`, with a
/// `?:` or `??` fallback, evaluated as oscarotero/env does; anything else stays unevaluated.
struct EnvExpression {
    let variables: [String: String]

    struct Reference {
        var variable: String
        /// `?:` or `??`, nil without a fallback.
        var fallbackOperator: String?
        var fallback: String?
    }

    static func reference(in source: String) -> Reference? {
        let pattern = /^\\?(?:Env\\)?env\(\s*(?:'([A-Za-z0-9_.]+)'|"([A-Za-z0-9_.]+)")\s*\)\s*(?:(\?:|\?\?)\s*(.+))?$/
        guard let match = source.wholeMatch(of: pattern.dotMatchesNewlines()) else { return nil }
        return Reference(variable: String(match.1 ?? match.2 ?? ""), fallbackOperator: match.3.map(String.init),
                         fallback: match.4.map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) })
    }

    /// The value of `source`, nil when it is not a literal or an env() read.
    func value(of source: String) -> PHPValue? {
        guard let reference = Self.reference(in: source) else { return Self.literal(source) }
        let read = variables[reference.variable].map(BedrockEnvValue.convert) ?? .null
        switch reference.fallbackOperator {
        case "?:"?: return Self.isFalsy(read) ? reference.fallback.flatMap(value(of:)) : read
        case "??"?: return read == .null ? reference.fallback.flatMap(value(of:)) : read
        default: return read
        }
    }

    static func literal(_ source: String) -> PHPValue? {
        guard let file = try? WPConfigFile(contents: "<?php define( 'X', \(source) );"),
              let value = file.value(of: "X"), value.isLiteral else { return nil }
        return value
    }

    static func isFalsy(_ value: PHPValue) -> Bool {
        switch value {
        case .null, .bool(false), .int(0): return true
        case .string(let text): return text.isEmpty || text == "0"
        case .float(let number): return number == 0
        case .bool(true), .int, .expression: return false
        }
    }
}
