import Foundation

/// Plans the moves that disable or enable plugins and themes. Planning touches nothing;
/// `Journal.apply` carries the plan out.
public struct ExtensionSwitch {
    public enum Direction: String, Sendable { case disable, enable }

    public let catalog: ExtensionCatalog

    public init(catalog: ExtensionCatalog) { self.catalog = catalog }

    /// The moves (and quarantine folders to create) that bring `extensions` to `direction`.
    /// Extensions already in that state are skipped; a name already taken at the
    /// destination is refused before anything moves.
    public func plan(_ direction: Direction, _ extensions: [Extension], command: String) throws -> ChangePlan {
        let moving = extensions.filter { $0.state == (direction == .disable ? .enabled : .disabled) }
        var changes: [Change] = []
        var foldersPlanned = Set<String>()
        for item in moving {
            if direction == .disable {
                for folder in catalog.quarantine.foldersToCreate(for: item.kind) where !foldersPlanned.contains(folder) {
                    foldersPlanned.insert(folder)
                    if try !catalog.fileSystem.isDirectory(folder) { changes.append(.createDirectory(path: folder)) }
                }
            }
            if try catalog.fileSystem.exists(item.counterpartPath) {
                throw SwitchError.destinationTaken(slug: item.slug, path: item.counterpartPath)
            }
            changes.append(.move(from: item.path, to: item.counterpartPath))
        }
        let names = moving.map(\.slug)
        let noun = Self.noun(for: moving)
        let verb = direction == .disable ? "Disable" : "Enable"
        let summary = names.isEmpty ? "\(verb) nothing" : "\(verb) \(names.count) \(noun): \(names.joined(separator: ", "))"
        return ChangePlan(command: command, summary: summary, changes: changes)
    }

    /// Picks extensions by slug; unknown slugs are an error naming what exists.
    public static func select(_ slugs: [String], from available: [Extension], kindName: String) throws -> [Extension] {
        var chosen: [Extension] = []
        for slug in slugs {
            let matches = available.filter { $0.slug == slug || $0.slug == slug + ".php" }
            guard !matches.isEmpty else {
                throw SwitchError.unknown(slug: slug, kindName: kindName, known: Array(Set(available.map(\.slug))).sorted())
            }
            chosen += matches.filter { candidate in !chosen.contains(where: { $0.path == candidate.path }) }
        }
        return chosen
    }

    private static func noun(for extensions: [Extension]) -> String {
        let kinds = Set(extensions.map(\.kind))
        let plural = extensions.count != 1
        if kinds == [.theme] { return plural ? "themes" : "theme" }
        if kinds == [.dropIn] { return plural ? "drop-ins" : "drop-in" }
        if kinds == [.mustUse] { return plural ? "must-use plugins" : "must-use plugin" }
        return plural ? "plugins" : "plugin"
    }
}

public enum SwitchError: Error, Equatable, LocalizedError {
    case unknown(slug: String, kindName: String, known: [String])
    case destinationTaken(slug: String, path: String)

    public var errorDescription: String? {
        switch self {
        case .unknown(let slug, let kindName, let known):
            let list = known.isEmpty ? "there are none" : "known: " + known.prefix(20).joined(separator: ", ") + (known.count > 20 ? ", …" : "")
            return "No \(kindName) named '\(slug)' on this site (\(list))."
        case .destinationTaken(let slug, let path):
            return "Cannot move \(slug): \(path) already exists. Compare the two copies and remove the stale one first."
        }
    }
}
