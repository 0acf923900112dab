import Foundation

/// Sets a user's password in the database, in the hash format the site's WordPress writes, and
/// ends the user's sessions, as core's `wp_set_password()` does (it also clears a pending reset
/// key). Both steps back up the rows as they were, so undo brings the old password back. The
/// password itself goes nowhere but into the hash.
public struct ResetPassword {
    public struct Facts: Sendable {
        public var user: WordPressUser
        public var format: PasswordHash.Format
        public var wordpressVersion: String
    }

    public static func summary(login: String) -> String { "Reset the password of '\(login)'" }

    public let tablePrefix: String

    public init(tablePrefix: String) { self.tablePrefix = tablePrefix }

    public func plan(command: String, user: WordPressUser, password: String, wordpressVersion: String,
                     random: (Int) -> [UInt8] = LoginLink.newSecret(count:)) throws -> RemedyPlan<Facts> {
        let format = PasswordHash.format(forWordPress: wordpressVersion)
        let hash = PasswordHash.hash(password, format: format, random: random)
        let changes: [Change] = [
            .databaseRows(DatabaseRowChange(table: tablePrefix + "users", match: ["ID": String(user.id)],
                                            set: ["user_pass": hash, "user_activation_key": ""],
                                            label: "the password of '\(user.login)'")),
            .databaseRows(DatabaseRowChange(table: tablePrefix + "usermeta", match: ["user_id": String(user.id), "meta_key": "session_tokens"],
                                            set: nil, label: "the sessions of '\(user.login)'")),
        ]
        return RemedyPlan(changes: ChangePlan(command: command, summary: Self.summary(login: user.login), changes: changes),
                          facts: Facts(user: user, format: format, wordpressVersion: wordpressVersion),
                          notes: ["The password of '\(user.login)' is reset and every session of that user has ended; `wprescue undo` brings the old password back."])
    }

    /// A password to print once: 24 characters from letters and digits (about 143 bits).
    public static func generate(length: Int = 24, random: (Int) -> [UInt8] = LoginLink.newSecret(count:)) -> String {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789")
        var result = ""
        while result.count < length {
            // Rejection sampling: no character is likelier than another.
            for byte in random(length * 2) where Int(byte) < 256 - 256 % alphabet.count && result.count < length {
                result.append(alphabet[Int(byte) % alphabet.count])
            }
        }
        return result
    }
}
