import Foundation
import Testing
import WPRescueTestSupport
@testable import WPRescueKit

/// Loads the wp-config.php fixtures and compares edited files with their originals.
enum ConfigFixture {
    static let names = ["standard.php", "debian.php", "bitnami.php", "closing-tag.php", "fragment.php", "crlf.php",
                        "tricky.php", "heredoc.php", "bom.php", "inline-html.php"]

    static func data(_ name: String) throws -> Data {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures/Config"))
        return try Data(contentsOf: url)
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try data(name))
    }

    static func file(_ name: String) throws -> WPConfigFile {
        try WPConfigFile(data: data(name))
    }
}

/// The single contiguous difference between two byte strings: what was taken out of the
/// original (as a range of it) and what was put in its place.
struct ByteDifference: Equatable {
    var removed: Range<Int>
    var inserted: [UInt8]

    init(from original: [UInt8], to edited: [UInt8]) {
        var prefix = 0
        while prefix < original.count, prefix < edited.count, original[prefix] == edited[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < original.count - prefix, suffix < edited.count - prefix,
              original[original.count - 1 - suffix] == edited[edited.count - 1 - suffix] {
            suffix += 1
        }
        removed = prefix..<(original.count - suffix)
        inserted = Array(edited[prefix..<(edited.count - suffix)])
    }

    var insertedText: String { String(decoding: inserted, as: UTF8.self) }
}

extension Array where Element == UInt8 {
    /// Replaces a range, for building the exact bytes an edit must produce.
    func replacing(_ range: Range<Int>, with text: String) -> [UInt8] {
        var copy = self
        copy.replaceSubrange(range, with: Array(text.utf8))
        return copy
    }
}

