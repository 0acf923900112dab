import CLibSSH2
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Logs in the way OpenSSH does: the agent's keys, then key files (`--identity` first,
/// then ssh_config's `IdentityFile`s, then the default ~/.ssh/id_*), then a password,
/// trying only what the server says it accepts.
struct SSHAuthenticator {
    let session: SSHSession
    let context: SessionContext
    let options: SSHConnectionOptions

    private var user: String { session.endpoint.user }
    private var handle: OpaquePointer { session.handle }

    private struct Attempts {
        var tried: [String] = []
        var refusedRSAKeys: [String] = []
    }

    func authenticate() throws {
        var attempts = Attempts()
        if let explicit = options.identityFile, !FileManager.default.isReadableFile(atPath: explicit) {
            throw SSHConnectionError.identityFileUnreadable(path: explicit)
        }
        guard let methods = try allowedMethods(&attempts) else { return }
        if methods.contains("publickey") {
            if try authenticateWithAgent(&attempts) { return }
            if try authenticateWithKeyFiles(&attempts) { return }
        }
        if methods.contains("password") || methods.contains("keyboard-interactive") {
            if try authenticateWithPassword(methods: methods, &attempts) { return }
        }
        throw SSHConnectionError.authenticationFailed(
            user: user, host: session.endpoint.hostName, triedMethods: attempts.tried,
            serverMethods: methods, refusedRSAKeys: attempts.refusedRSAKeys)
    }

    /// The methods the server accepts, or nil when it let us in without any ("none").
    private func allowedMethods(_ attempts: inout Attempts) throws -> [String]? {
        guard let list = libssh2_userauth_list(handle, user, UInt32(user.utf8.count)) else {
            if libssh2_userauth_authenticated(handle) != 0 { return nil }
            try rethrowIfTransportFailed(code: Int(libssh2_session_last_errno(handle)), attempts: attempts)
            return []
        }
        return String(cString: list).split(separator: ",").map(String.init)
    }

    private func authenticateWithAgent(_ attempts: inout Attempts) throws -> Bool {
        guard options.useAgent, let socketPath = options.agentSocketPath ?? options.environment["SSH_AUTH_SOCK"], !socketPath.isEmpty,
              let agent = libssh2_agent_init(handle) else { return false }
        defer {
            libssh2_agent_disconnect(agent)
            libssh2_agent_free(agent)
        }
        libssh2_agent_set_identity_path(agent, socketPath)
        guard libssh2_agent_connect(agent) == 0, libssh2_agent_list_identities(agent) == 0 else { return false }
        var identity: UnsafeMutablePointer<libssh2_agent_publickey>?
        var previous: UnsafeMutablePointer<libssh2_agent_publickey>?
        var offered = 0
        while libssh2_agent_get_identity(agent, &identity, previous) == 0, let current = identity {
            offered += 1
            let result = libssh2_agent_userauth(agent, user, current)
            if result == 0 { return true }
            try rethrowIfTransportFailed(code: Int(result), attempts: attempts)
            if Self.isRSA(blob: current.pointee.blob, length: current.pointee.blob_len) {
                let comment = current.pointee.comment.map { String(cString: $0) } ?? ""
                attempts.refusedRSAKeys.append("ssh-agent key \(comment.isEmpty ? "(no comment)" : comment)")
            }
            previous = current
        }
        if offered > 0 { attempts.tried.append("ssh-agent (\(offered) key\(offered == 1 ? "" : "s"))") }
        return false
    }

    private func authenticateWithKeyFiles(_ attempts: inout Attempts) throws -> Bool {
        var files: [String] = []
        if let explicit = options.identityFile { files.append(explicit) }
        files += session.endpoint.identityFiles
        if options.tryDefaultIdentityFiles { files += options.defaultIdentityFiles }
        var seen = Set<String>()
        files = files.filter { seen.insert($0).inserted && FileManager.default.isReadableFile(atPath: $0) }

        for file in files {
            guard let key = PrivateKeyFile.inspect(path: file) else { continue }
            var passphrase = ""
            var promptsLeft = key.isEncrypted ? 3 : 0
            if key.isEncrypted {
                guard let prompt = options.passphrasePrompt, let answer = prompt(file) else {
                    attempts.tried.append("\(file) (encrypted; no passphrase given)")
                    continue
                }
                passphrase = answer
                promptsLeft -= 1
            }
            while true {
                let result = libssh2_userauth_publickey_fromfile_ex(handle, user, UInt32(user.utf8.count), nil, file, passphrase)
                if result == 0 { return true }
                try rethrowIfTransportFailed(code: Int(result), attempts: attempts)
                let code = LibSSH2Code(rawValue: result)
                if code == .file && key.isEncrypted, promptsLeft > 0, let answer = options.passphrasePrompt?(file) {
                    passphrase = answer  // Most likely a mistyped passphrase: ask again, as ssh does.
                    promptsLeft -= 1
                    continue
                }
                if code == .file {
                    attempts.tried.append("\(file) (\(key.isEncrypted ? "wrong passphrase or " : "")unreadable key)")
                } else {
                    attempts.tried.append(file)
                    if key.type == .rsa { attempts.refusedRSAKeys.append(file) }
                }
                break
            }
        }
        return false
    }

    private func authenticateWithPassword(methods: [String], _ attempts: inout Attempts) throws -> Bool {
        let destination = "\(user)@\(session.endpoint.hostName)"
        var fromEnvironment = options.environment["WPRESCUE_SSH_PASSWORD"]
        if fromEnvironment?.isEmpty == true { fromEnvironment = nil }
        var promptsLeft = fromEnvironment == nil ? 3 : 0
        var password = fromEnvironment
        if password == nil, let prompt = options.passwordPrompt {
            password = prompt(destination)
            promptsLeft -= 1
        }
        var triedPassword = false
        defer { if triedPassword { attempts.tried.append(fromEnvironment != nil ? "password from WPRESCUE_SSH_PASSWORD" : "password") } }
        while let current = password {
            triedPassword = true
            var result: Int32
            if methods.contains("password") {
                result = libssh2_userauth_password_ex(handle, user, UInt32(user.utf8.count), current, UInt32(current.utf8.count), nil)
            } else {
                context.keyboardInteractivePassword = current
                context.keyboardInteractivePrompt = options.keyboardInteractivePrompt
                result = libssh2_userauth_keyboard_interactive_ex(handle, user, UInt32(user.utf8.count), keyboardInteractiveCallback)
                context.keyboardInteractivePassword = nil
                context.keyboardInteractivePrompt = nil
            }
            if result == 0 { return true }
            try rethrowIfTransportFailed(code: Int(result), attempts: attempts)
            guard promptsLeft > 0, let prompt = options.passwordPrompt else { break }
            password = prompt(destination)
            promptsLeft -= 1
        }
        return false
    }

    /// A server that drops us after too many refusals is reported as a refusal, not a network fault.
    private func rethrowIfTransportFailed(code: Int, attempts: Attempts) throws {
        let failure = session.failure(code: code, activity: "logging in")
        guard case .connectionLost(let detail) = failure.kind else { return }
        if attempts.tried.isEmpty { throw SSHConnectionError.connectionLost(host: session.endpoint.hostName, detail: detail) }
        throw SSHConnectionError.authenticationFailed(
            user: user, host: session.endpoint.hostName, triedMethods: attempts.tried,
            serverMethods: [], refusedRSAKeys: attempts.refusedRSAKeys)
    }

    private static func isRSA(blob: UnsafeMutablePointer<UInt8>?, length: Int) -> Bool {
        guard let blob, length > 11 else { return false }
        var reader = WireReader(bytes: Array(UnsafeBufferPointer(start: blob, count: length)))
        return reader.string() == "ssh-rsa"
    }
}

/// Answers a keyboard-interactive login: the password goes only to a hidden prompt that asks
/// for a password (servers with PAM ask "Password:" this way); any other prompt (a one-time
/// code, a question) is put to the person at the terminal, or answered empty without one, so
/// the password never reaches a prompt that did not ask for it.
private let keyboardInteractiveCallback: @convention(c) (
    UnsafePointer<CChar>?, Int32, UnsafePointer<CChar>?, Int32, Int32,
    UnsafePointer<LIBSSH2_USERAUTH_KBDINT_PROMPT>?, UnsafeMutablePointer<LIBSSH2_USERAUTH_KBDINT_RESPONSE>?,
    UnsafeMutablePointer<UnsafeMutableRawPointer?>?
) -> Void = { _, _, _, _, count, prompts, responses, abstract in
    guard let responses, let prompts, count > 0 else { return }
    let context = SessionContext.from(abstract)
    for index in 0..<Int(count) {
        let prompt = prompts[index]
        let text = prompt.text.map { pointer in
            String(decoding: UnsafeBufferPointer(start: UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self), count: Int(prompt.length)), as: UTF8.self)
        } ?? ""
        let answer: String
        if prompt.echo == 0, KeyboardInteractive.asksForPassword(text), let password = context?.keyboardInteractivePassword {
            answer = password
        } else {
            answer = context?.keyboardInteractivePrompt?(KeyboardInteractive.printable(text)) ?? ""
        }
        // libssh2 frees the answers with free(3).
        responses[index].text = strdup(answer)
        responses[index].length = UInt32(answer.utf8.count)
    }
}

enum KeyboardInteractive {
    private static let passwordWords = ["password", "passwort", "passphrase", "mot de passe", "contraseña", "senha", "wachtwoord", "parola"]

    /// True for "Password:", "user@host's password:", "Passwort:"; false for "Verification code:", "OTP:".
    static func asksForPassword(_ prompt: String) -> Bool {
        let lowered = prompt.lowercased()
        return passwordWords.contains { lowered.contains($0) }
    }

    /// The server's text, safe for a terminal.
    static func printable(_ prompt: String) -> String {
        String(String.UnicodeScalarView(prompt.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7f && !(0x80...0x9f).contains($0.value) }))
    }
}
