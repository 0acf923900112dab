import Foundation
import Testing
@testable import WPRescueKit

struct WordPressUsersTests {
    @Test(arguments: [
        ("a:1:{s:13:\"administrator\";b:1;}", ["administrator"]),
        ("a:2:{s:6:\"editor\";b:1;s:6:\"author\";b:0;}", ["editor"]),
        ("a:1:{s:10:\"subscriber\";s:1:\"1\";}", ["subscriber"]),
        ("not serialized", []),
        ("", []),
    ])
    func `roles are the capabilities keys set to true`(stored: String, roles: [String]) {
        #expect(WordPressUsers.roles(fromCapabilities: stored) == roles)
    }
}
