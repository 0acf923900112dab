import Crypto
import Foundation

/// Host key fingerprints as OpenSSH prints them: `SHA256:` and the unpadded base64 of the
/// SHA-256 of the key blob.
enum HostKeyFingerprint {
    static func sha256(ofKeyBlob blob: [UInt8]) -> String {
        format(digest: Array(SHA256.hash(data: blob)))
    }

    static func format(digest: [UInt8]) -> String {
        var text = Data(digest).base64EncodedString()
        while text.hasSuffix("=") { text.removeLast() }
        return "SHA256:" + text
    }
}
