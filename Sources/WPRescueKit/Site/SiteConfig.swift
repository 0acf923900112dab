import Foundation

/// wp-config.php as a site's file: read through the parser, edits checked before they
/// are planned. Messages name the file; they never contain a secret's value.
public enum SiteConfig {
    /// Why wp-config.php could not be read or an edit of it planned; the parser's own error is kept, not flattened to text.
    public enum Failure: Error, LocalizedError {
        /// The file does not parse as PHP the way wprescue reads it.
        case unreadable(path: String, underlying: WPConfigError)
        /// The edited file would not parse again, or would change other definitions.
        case invalidEdit(path: String, underlying: WPConfigError)
        /// `php -l` refuses the edited file.
        case rejectedByPHP(path: String, problem: String)

        public var path: String {
            switch self {
            case .unreadable(let path, _), .invalidEdit(let path, _), .rejectedByPHP(let path, _): return path
            }
        }

        public var errorDescription: String? {
            let reason: String
            switch self {
            case .unreadable(_, let underlying): reason = underlying.localizedDescription
            case .invalidEdit(_, let underlying): reason = "the edited file would not be valid: \(underlying.localizedDescription)"
            case .rejectedByPHP(_, let problem): reason = "`php -l` rejects the edited file (\(problem))."
            }
            return "\(path): \(reason) Nothing was changed."
        }
    }

    public static func read(_ site: Site) throws -> WPConfigFile {
        if let bedrock = site.layout.bedrock { return try BedrockSettings.read(site, layout: bedrock).effective }
        let path = site.layout.configFile
        let data = try site.fileSystem.readWhole(path, limit: 4 << 20)
        do {
            return try WPConfigFile(data: data)
        } catch {
            throw Failure.unreadable(path: path, underlying: error)
        }
    }

    /// A change of the constants `names` from `original` to `edited`, after checking that the
    /// result parses again, changes exactly those constants, and passes `php -l` where PHP is installed.
    public static func plan(_ site: Site, from original: WPConfigFile, to edited: WPConfigFile, changing names: [String],
                            command: String, summary: String) throws -> ChangePlan {
        if let bedrock = site.layout.bedrock {
            let writes = try BedrockSettings.read(site, layout: bedrock).writes(from: original, to: edited, changing: names)
            return ChangePlan(command: command, summary: summary, changes: writes.map { .write(path: $0.path, contents: $0.contents) })
        }
        let path = site.layout.configFile
        // A linked wp-config.php (a deploy's shared one) is edited where it lives; the link stays.
        let target = try site.layout.configWritePath()
        do {
            let reread = try WPConfigFile(data: edited.data)
            let untouched = original.constants.filter { !names.contains($0.name) }.map { [$0.name, $0.valueSource] }
            let stillThere = reread.constants.filter { !names.contains($0.name) }.map { [$0.name, $0.valueSource] }
            guard untouched == stillThere else {
                throw WPConfigError.editVerificationFailed(constant: names.joined(separator: ", "), detail: "other definitions changed")
            }
        } catch let error as WPConfigError {
            throw Failure.invalidEdit(path: path, underlying: error)
        }
        if let problem = PHPSyntaxCheck.problem(in: edited.data) {
            throw Failure.rejectedByPHP(path: path, problem: problem)
        }
        return ChangePlan(command: command, summary: summary, changes: edited.data == original.data ? [] : [
            .write(path: target, contents: edited.data),
        ])
    }
}

extension SiteConfig {
    /// The settings' bytes as the readers of single values take them: wp-config.php, or for
    /// Bedrock the constants in force (see `BedrockSettings.effective`).
    public static func contents(_ site: Site) throws -> Data {
        if site.layout.bedrock != nil { return try read(site).data }
        return try site.fileSystem.readWhole(site.layout.configFile, limit: 4 << 20)
    }

    /// The files an edit of the settings may write, for messages: wp-config.php (or the file it
    /// links to), or Bedrock's .env, application.php and environment files.
    public static func describeFiles(_ site: Site) -> String {
        guard let bedrock = site.layout.bedrock else { return site.layout.configFile }
        return "\(bedrock.applicationFile), \(bedrock.environmentsDirectory) and .env"
    }
}

/// `php -l` on contents passed through standard input (never on the command line: the file
/// holds the database password). Skipped when PHP is not installed on this machine.
public enum PHPSyntaxCheck {
    static let candidates = ["/usr/bin/php", "/usr/local/bin/php", "/opt/homebrew/bin/php"]

    /// nil when the contents pass or PHP is not available; else a short description with the line.
    public static func problem(in contents: Data) -> String? {
        guard let php = candidates.first(where: FileManager.default.isExecutableFile) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: php)
        process.arguments = ["-n", "-l"]
        process.environment = ChildEnvironment.withoutSecrets(ProcessInfo.processInfo.environment)
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        do { try process.run() } catch { return nil }
        input.fileHandleForWriting.write(contents)
        try? input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus != 0 else { return nil }
        // Only the line number: PHP's message may quote part of the file, secrets included.
        if let range = text.range(of: #"on line \d+"#, options: .regularExpression) { return "syntax error \(text[range])" }
        return "syntax error"
    }
}
