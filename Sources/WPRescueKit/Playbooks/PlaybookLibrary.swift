import Foundation

/// The folder of playbooks, and how to find it when no one names it.
public struct PlaybookLibrary {
    public enum Failure: Error, Equatable, LocalizedError {
        case folderMissing(String)
        case notFound(searched: [String])
        case unknownPlaybook(String, folder: String, known: [String])

        public var errorDescription: String? {
            switch self {
            case .folderMissing(let path):
                return "No playbooks folder at \(path); pass --playbooks with the folder that holds the .yml files."
            case .notFound(let searched):
                return "Cannot find the playbooks folder (looked in \(searched.joined(separator: ", "))); pass --playbooks DIR."
            case .unknownPlaybook(let name, let folder, let known):
                return "No playbook named '\(name)' in \(folder) (there are: \(known.joined(separator: ", "))); see `wprescue playbook list`."
            }
        }
    }

    public let folder: String

    public init(folder: String) { self.folder = folder }

    /// --playbooks when given; else `<prefix>/share/wprescue/playbooks` beside an installed
    /// `<prefix>/bin/wprescue`; else the repository's `playbooks/` above the executable (so
    /// `swift run` and `.build/debug/wprescue` find the checkout's folder).
    public static func locate(explicit: String?, executablePaths: [String],
                              isDirectory: (String) -> Bool = PlaybookLibrary.directoryExists,
                              isFile: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }) throws -> PlaybookLibrary {
        if let explicit {
            guard isDirectory(explicit) else { throw Failure.folderMissing(explicit) }
            return PlaybookLibrary(folder: explicit)
        }
        let candidates = self.candidates(executablePaths: executablePaths, isFile: isFile)
        guard let found = candidates.first(where: isDirectory) else { throw Failure.notFound(searched: candidates) }
        return PlaybookLibrary(folder: found)
    }

    /// The folders `locate` tries, in order. Going up from the executable, a `playbooks` folder
    /// counts only beside a Package.swift: that is this repository, not some other project's
    /// (an Ansible checkout has a `playbooks` folder too).
    static func candidates(executablePaths: [String], isFile: (String) -> Bool) -> [String] {
        var candidates: [String] = []
        func add(_ path: String) { if !candidates.contains(path) { candidates.append(path) } }
        let folders = executablePaths.map { SitePath.parent(SitePath.normalize($0)) }
        for folder in folders { add(SitePath.join(SitePath.parent(folder), "share/wprescue/playbooks")) }
        for folder in folders {
            var current = folder
            while true {
                if isFile(SitePath.join(current, "Package.swift")) { add(SitePath.join(current, "playbooks")) }
                let parent = SitePath.parent(current)
                if parent == current || parent == "." { break }
                current = parent
            }
        }
        return candidates
    }

    /// The running executable as given and with symbolic links resolved.
    public static func executablePaths() -> [String] {
        var paths: [String] = []
        let argument = CommandLine.arguments.first ?? ""
        if argument.contains("/") {
            let absolute = argument.hasPrefix("/") ? argument : SitePath.join(FileManager.default.currentDirectoryPath, argument)
            paths.append(SitePath.normalize(absolute))
            paths.append(URL(fileURLWithPath: absolute).resolvingSymlinksInPath().path)
        }
        if let running = Bundle.main.executablePath { paths.append(URL(fileURLWithPath: running).resolvingSymlinksInPath().path) }
        var unique: [String] = []
        for path in paths where !unique.contains(path) { unique.append(path) }
        return unique
    }

    public static func directoryExists(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// Playbook names (file names without .yml), sorted.
    public func names() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder)
            .filter { $0.hasSuffix(".yml") && !$0.hasPrefix(".") }
            .map { String($0.dropLast(4)) }
            .sorted()
    }

    public func path(of name: String) -> String { SitePath.join(folder, name + ".yml") }

    /// A playbook by name, or by file path when `reference` contains a slash or ends in .yml.
    public func load(_ reference: String) throws -> Playbook {
        if reference.contains("/") || reference.hasSuffix(".yml") || reference.hasSuffix(".yaml") {
            return try Self.load(file: reference)
        }
        let known = (try? names()) ?? []
        guard known.contains(reference) else { throw Failure.unknownPlaybook(reference, folder: folder, known: known) }
        return try Self.load(file: path(of: reference))
    }

    /// Every playbook in the folder, each read on its own so one mistake does not hide the others.
    public func loadAll() throws -> [(name: String, playbook: Result<Playbook, Error>)] {
        try names().map { name in
            (name, Result { try Self.load(file: path(of: name)) })
        }
    }

    public static func load(file: String) throws -> Playbook {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            throw PlaybookFileError(file: file, line: 1, problem: .unreadable((error as NSError).localizedFailureReason ?? "no such file"))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw PlaybookFileError(file: file, line: 1, problem: .unreadable("not UTF-8 text"))
        }
        var name = SitePath.name(file)
        for suffix in [".yml", ".yaml"] where name.hasSuffix(suffix) { name = String(name.dropLast(suffix.count)) }
        return try PlaybookParser.parse(text, file: file, name: name)
    }
}
