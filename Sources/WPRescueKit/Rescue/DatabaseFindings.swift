import Foundation

/// The database's state as diagnose and rescue findings: what `db check` found, in the words of
/// a finding, with the command that goes further. Never changes the database.
public enum DatabaseFindings {
    /// wp-config.php does not say how to reach the database.
    public static let incompleteSettings = Finding(id: .databaseOther, severity: .warning,
                                                   summary: "wp-config.php lacks complete database settings", fix: "wprescue db check")

    /// The check could not start (the way to the database could not be opened); `reason` has no secret in it.
    public static func notChecked(_ reason: String) -> Finding {
        Finding(id: .databaseOther, severity: .info, summary: "The database was not checked: \(reason)")
    }

    /// The SSH connection under the tunnel dropped during the check; `reason` has no secret in it.
    public static func cutShort(_ reason: String) -> Finding {
        Finding(id: .databaseOther, severity: .info,
                summary: "The database check was cut short: the SSH connection under its tunnel dropped (\(reason))")
    }

    /// The report's problems, nothing when the database is fine. The report must already be scrubbed of the password.
    public static func findings(from report: DatabaseReport) -> [Finding] {
        if let error = report.error {
            return [Finding(id: .databaseConnection, severity: .critical,
                            summary: "WordPress cannot connect to its database: \(error.meaning)",
                            evidence: ["error \(error.code): \(error.message)"], fix: "wprescue db check")]
        }
        return report.checks.filter { $0.status != .ok }.map { check in
            Finding(id: check.id == .tables || check.id == .tableHealth ? .databaseTables : .databaseOther,
                    severity: check.status == .problem ? .critical : .warning, summary: check.summary, evidence: check.evidence,
                    fix: check.id == .tableHealth ? "wprescue db check --repair" : check.id == .siteAddress ? "wprescue url show" : "wprescue db check")
        }
    }
}
