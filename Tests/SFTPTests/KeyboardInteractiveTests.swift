import Testing
@testable import WPRescueSFTP

/// The password goes only to a prompt that asks for one; a one-time code prompt never gets it.
struct KeyboardInteractiveTests {
    @Test(arguments: ["Password: ", "wpsite@example.com's password:", "Passwort: ", "Enter passphrase for key:", "Mot de passe : "])
    func `a password prompt gets the password`(prompt: String) {
        #expect(KeyboardInteractive.asksForPassword(prompt))
    }

    @Test(arguments: ["Verification code: ", "OTP:", "Enter the code from your authenticator app: ", "Duo two-factor login", ""])
    func `any other prompt does not`(prompt: String) {
        #expect(!KeyboardInteractive.asksForPassword(prompt))
    }

    @Test func `a server's prompt reaches the terminal without control characters`() {
        #expect(KeyboardInteractive.printable("Code\u{1B}]52;c;ZXZpbA==\u{07}:\u{1B}[2J ") == "Code]52;c;ZXZpbA==:[2J ")
    }
}
