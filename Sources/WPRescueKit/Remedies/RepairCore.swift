import Foundation

/// Puts WordPress core back as released: each modified or missing file is written again from
/// the release archive of the site's own version and locale (checked against WordPress.org's
/// checksums first), one journaled step per file, so undo brings back the damaged file byte
/// for byte. Files that are not part of the release are only listed, unless the caller asks
/// for them to be quarantined (moved, renamed so PHP no longer runs them; never deleted).
public struct RepairCore {
    public struct Facts: Sendable {
        public var release: CoreRelease
        public var restored: [String]
        public var created: [String]
        public var quarantined: [String]
        /// Unexpected files left where they are.
        public var unexpected: [String]
        /// Files that could not be planned, with why.
        public var skipped: [String]
    }

    public static let summary = "Restore damaged WordPress core files"
    public static let nextStep = "Core files were damaged: if no update was running, someone may have changed them; run `wprescue core verify` and `wprescue plugins verify`, change the site's passwords, and update WordPress from wp-admin."

    public let site: Site
    public let report: CoreIntegrity.Report
    public let archive: ReleaseArchive
    public var quarantineUnexpected = false

    public init(site: Site, report: CoreIntegrity.Report, archive: ReleaseArchive, quarantineUnexpected: Bool = false) {
        self.site = site
        self.report = report
        self.archive = archive
        self.quarantineUnexpected = quarantineUnexpected
    }

    /// Verifies core, and when anything is damaged (or unexpected, with `quarantineUnexpected`)
    /// fetches the release archive and plans the repair: what `core repair`, the rescue and the
    /// playbook action all do. The plan is nil when there is nothing to change.
    public static func verifyAndPlan(_ site: Site, wordPressOrg: WordPressOrg, release: CoreRelease? = nil, width: Int = 4,
                                     quarantineUnexpected: Bool = false, command: String) throws -> (report: CoreIntegrity.Report, plan: RemedyPlan<Facts>?) {
        let report = try CoreIntegrity.verify(site, wordPressOrg: wordPressOrg, release: release, width: width)
        let result = report.result
        guard !result.modified.isEmpty || !result.missing.isEmpty || (quarantineUnexpected && !result.unexpected.isEmpty) else { return (report, nil) }
        let archive = try wordPressOrg.releaseArchive(report.release, checksums: try wordPressOrg.coreChecksums(report.release))
        let plan = try RepairCore(site: site, report: report, archive: archive, quarantineUnexpected: quarantineUnexpected).plan(command: command)
        return (report, plan)
    }

    public func plan(command: String) throws -> RemedyPlan<Facts> {
        let root = site.layout.root
        let tree = report.result.tree
        var changes: [Change] = []
        var facts = Facts(release: report.release, restored: [], created: [], quarantined: [], unexpected: [], skipped: [])
        var createdFolders = Set<String>()
        var quarantine = QuarantineFiles(site: site)

        /// Real folders on the way to `relative`, created where missing; nil when one is a link or a file.
        func foldersReady(for relative: String) -> [String]? {
            var missing: [String] = []
            var prefix = ""
            for part in relative.split(separator: "/").dropLast() {
                prefix = prefix.isEmpty ? String(part) : prefix + "/" + part
                switch tree[prefix]?.kind {
                case .directory?: continue
                case nil: if !createdFolders.contains(prefix) { missing.append(prefix) }
                case .file?, .symbolicLink?, .other?: return nil
                }
            }
            return missing
        }

        let damaged = report.result.modified.map { ($0.path, true) } + report.result.missing.map { ($0, false) }
        for (relative, exists) in damaged.sorted(by: { $0.0 < $1.0 }) {
            let path = SitePath.join(root, relative)
            guard let folders = foldersReady(for: relative) else {
                facts.skipped.append("\(relative): a folder on its way is a symbolic link or a file; wprescue does not write through it")
                continue
            }
            let contents = try archive.contents(of: relative)
            for folder in folders {
                changes.append(.createDirectory(path: SitePath.join(root, folder)))
                createdFolders.insert(folder)
            }
            // A link, a folder, or a file too large to back up whole: moved aside as it is, then written.
            if exists, let status = tree[relative], status.kind != .file || status.size > UInt64(TreeVerification.fileLimit) {
                let kind = status.kind
                if kind == .directory {
                    facts.skipped.append("\(relative): a folder stands where the file belongs; move it away yourself")
                    continue
                }
                changes += try quarantine.changes(moving: path)
            }
            changes.append(.write(path: path, contents: contents))
            if exists { facts.restored.append(relative) } else { facts.created.append(relative) }
        }
        for entry in report.result.unexpected {
            guard quarantineUnexpected else {
                facts.unexpected.append(entry.path)
                continue
            }
            changes += try quarantine.changes(moving: SitePath.join(root, entry.path))
            facts.quarantined.append(entry.path)
        }

        var notes: [String] = []
        let count = facts.restored.count + facts.created.count
        if count > 0 { notes.append("Restored \(count) core file\(count == 1 ? "" : "s") from WordPress \(report.release.version) (\(report.release.locale)).") }
        if !facts.quarantined.isEmpty {
            notes.append("Moved \(facts.quarantined.count) file\(facts.quarantined.count == 1 ? "" : "s") that are not part of WordPress to \(QuarantineFiles.folder(in: site.layout)).")
        }
        if !facts.unexpected.isEmpty {
            notes.append("\(facts.unexpected.count) file\(facts.unexpected.count == 1 ? " is" : "s are") not part of WordPress and stay\(facts.unexpected.count == 1 ? "s" : ""): \(facts.unexpected.prefix(10).joined(separator: ", ")); look at them, then `wprescue core repair --quarantine-unexpected` moves them out of the way.")
        }
        notes += facts.skipped.map { "Not repaired: \($0)." }
        if changes.isEmpty && facts.skipped.isEmpty && facts.unexpected.isEmpty { notes.append("WordPress core matches the release: nothing to repair.") }
        return RemedyPlan(changes: ChangePlan(command: command, summary: Self.summary(facts), changes: changes), facts: facts, notes: notes)
    }

    static func summary(_ facts: Facts) -> String {
        let files = facts.restored + facts.created
        var text = files.isEmpty ? "Quarantine files that are not part of WordPress" : "Restore \(files.count) WordPress \(facts.release.version) core file\(files.count == 1 ? "" : "s"): \(files.prefix(5).joined(separator: ", "))\(files.count > 5 ? ", ..." : "")"
        if !facts.quarantined.isEmpty && !files.isEmpty { text += "; quarantine \(facts.quarantined.count) unexpected" }
        return text
    }
}
