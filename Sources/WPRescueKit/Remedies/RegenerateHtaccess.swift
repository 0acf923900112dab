import Foundation

/// Writes WordPress's own rewrite block into `.htaccess` again (a missing, damaged or hand-broken
/// file), keeping the rest unless `clean`. RewriteBase follows the home URL; the multisite rules
/// follow MULTISITE and SUBDOMAIN_INSTALL in wp-config.php unless the caller says otherwise.
public struct RegenerateHtaccess {
    public struct Parameters: Sendable {
        /// The home URL, for RewriteBase; nil: WP_HOME, else WP_SITEURL, else `/`.
        public var home: String?
        /// Multisite rules to write; nil: as wp-config.php says.
        public var multisite: HtaccessRules.Multisite?
        /// Drop everything outside WordPress's block.
        public var clean: Bool
        /// How the caller spells "clean", for the note that suggests it (`--clean`, `clean: true`).
        public var cleanOption: String
        /// Turn the lines Apache would refuse into comments, keeping every other line (auth and
        /// deny rules included); what rescue does.
        public var disableRefusedLines: Bool

        public init(home: String? = nil, multisite: HtaccessRules.Multisite? = nil, clean: Bool = false, cleanOption: String = "--clean",
                    disableRefusedLines: Bool = false) {
            self.home = home
            self.multisite = multisite
            self.clean = clean
            self.cleanOption = cleanOption
            self.disableRefusedLines = disableRefusedLines
        }
    }

    public struct Facts: Sendable {
        public var path: String
        public var existing: String?
        public var updated: String
        public var homePath: String
        /// False when no home URL was known and RewriteBase fell back to `/`.
        public var homeKnown: Bool
        public var multisite: HtaccessRules.Multisite?
        /// Lines Apache may refuse that stay in the file (outside WordPress's block, without `clean`).
        public var problemsKept: [HtaccessCheck.Finding]
        /// Lines turned into comments (`disableRefusedLines`).
        public var linesDisabled: [HtaccessCheck.Finding] = []
        public var changed: Bool { updated != existing }
    }

    public static func path(in layout: SiteLayout) -> String { SitePath.join(layout.documentRoot, ".htaccess") }

    /// The multisite rules wp-config.php asks for, nil for a single site.
    public static func multisite(from config: WPConfigFile?) -> HtaccessRules.Multisite? {
        guard config?.value(of: "MULTISITE")?.boolValue == true else { return nil }
        return config?.value(of: "SUBDOMAIN_INSTALL")?.boolValue == true ? .subdomain : .subdirectory
    }

    public static let nextStep = "Something wrote a broken .htaccess (a plugin or a hand edit); the old file is in the journal. "
        + "Re-save Settings → Permalinks to let WordPress write it again."

    public let site: Site
    public let parameters: Parameters

    public init(site: Site, parameters: Parameters) {
        self.site = site
        self.parameters = parameters
    }

    public func plan(command: String) throws -> RemedyPlan<Facts> {
        let path = Self.path(in: site.layout)
        let config = try? SiteConfig.read(site)
        let home = parameters.home ?? config?.value(of: "WP_HOME")?.stringValue ?? config?.value(of: "WP_SITEURL")?.stringValue
        let homePath = home.map(HtaccessRules.homePath(fromURL:)) ?? "/"
        let network = parameters.multisite ?? Self.multisite(from: config)
        let existing = try site.fileSystem.exists(path)
            ? String(decoding: try site.fileSystem.readWhole(path, limit: 1 << 20), as: UTF8.self) : nil
        let refused = parameters.disableRefusedLines && !parameters.clean ? existing.map(HtaccessCheck.findings(in:)) ?? [] : []
        let kept = refused.isEmpty ? existing : existing.map { HtaccessCheck.disabling(refused, in: $0) }
        let updated = HtaccessRules.inserting(HtaccessRules.rules(homePath: homePath, multisite: network), into: kept,
                                              clean: parameters.clean)
        var facts = Facts(path: path, existing: existing, updated: updated, homePath: homePath, homeKnown: home != nil,
                          multisite: network, problemsKept: [], linesDisabled: refused)
        var notes: [String] = []
        if home == nil { notes.append("Home URL unknown: using RewriteBase / (give the home URL if the site lives in a subfolder).") }
        guard facts.changed else {
            facts.problemsKept = HtaccessCheck.findings(in: existing ?? "")
            notes.append(".htaccess already has WordPress's rules; nothing to change.")
            for problem in facts.problemsKept {
                notes.append("Line \(problem.line), outside WordPress's block: \(problem.problem). Use \(parameters.cleanOption) "
                    + "to keep only WordPress's block (the old file stays in the journal).")
            }
            return RemedyPlan(changes: ChangePlan(command: command, summary: "Regenerate .htaccess"), facts: facts, notes: notes)
        }
        let summary = existing == nil ? "Create .htaccess" : "Regenerate .htaccess\(parameters.clean ? " (clean)" : "")"
        notes.append("WordPress's rules\(network.map { " (multisite, \($0.rawValue))" } ?? "") with RewriteBase \(homePath).")
        for line in refused {
            notes.append("Line \(line.line) turned into a comment: \(line.problem); every other line is kept.")
        }
        if parameters.clean, existing != nil {
            notes.append("Everything outside WordPress's block was dropped; the old file is in the journal (wprescue undo brings it back).")
        }
        return RemedyPlan(changes: ChangePlan(command: command, summary: summary, changes: [.write(path: path, contents: Data(updated.utf8))]),
                          facts: facts, notes: notes)
    }
}
