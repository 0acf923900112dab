import Foundation

/// Well-known shapes of injected PHP: code decoded at run time and evaluated, or a request
/// parameter evaluated directly. A hit is a reason to look, not proof; wprescue reports each
/// with its file and line and never deletes anything on its account.
public enum InjectedCode {
    public struct Hit: Equatable, Sendable, Codable {
        public var line: Int
        public var pattern: String
    }

    /// Matched with whitespace removed and letters lowered, as PHP allows `eval ( base64_decode (`.
    public static let patterns = [
        "eval(base64_decode(", "eval(gzinflate(", "eval(gzuncompress(", "eval(gzdecode(", "eval(str_rot13(",
        "eval($_", "assert($_", "eval(stripslashes($_", "preg_replace(\"/.*/e\"", "create_function(\"\",$_",
    ]

    /// Every line of `contents` holding one of the patterns (at most `limit` hits).
    public static func scan(_ contents: Data, limit: Int = 20) -> [Hit] {
        var hits: [Hit] = []
        var lineNumber = 0
        for line in contents.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            var squeezed = [UInt8]()
            squeezed.reserveCapacity(line.count)
            for byte in line where byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\t") && byte != UInt8(ascii: "\r") {
                squeezed.append(byte >= 65 && byte <= 90 ? byte + 32 : byte)
            }
            let text = String(decoding: squeezed, as: UTF8.self)
            for pattern in patterns where text.contains(pattern) {
                hits.append(Hit(line: lineNumber, pattern: pattern))
                if hits.count >= limit { return hits }
                break
            }
        }
        return hits
    }
}
