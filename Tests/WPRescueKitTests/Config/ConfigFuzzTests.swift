import Foundation
import Testing
import WPRescueTestSupport
@testable import WPRescueKit

/// Damaged files must never turn into corrupted edits: every edit either throws a
/// `WPConfigError` or changes exactly the bytes it was meant to.
struct ConfigFuzzTests {
    private static let noise: [UInt8] = Array("'\"()/*\n{};#?<>$\\,`".utf8)
    /// Pieces of PHP structure, so damage also lands on tags, heredocs, guards and definitions.
    private static let snippets: [[UInt8]] = [
        "?>", "<?php ", "<?= ", "<<<EOT\n", "\nEOT;\n", "//", "/*", "*/", "define( 'WP_DEBUG', 1 );", "if ( 1 ) ",
        "else ", "} else {", " || ", "const WP_DEBUG = 2;", "\r\n", "__halt_compiler();", "\"$x\"", "@",
    ].map { Array($0.utf8) }
    private static let mutationsPerFixture = 300

    private func mutate(_ original: [UInt8], using generator: inout SeededGenerator) -> [UInt8] {
        var bytes = original
        for _ in 0..<Int.random(in: 1...3, using: &generator) where !bytes.isEmpty {
            let position = Int.random(in: 0..<bytes.count, using: &generator)
            switch Int.random(in: 0..<10, using: &generator) {
            case 0...3:
                bytes.remove(at: position)
            case 4...7:
                bytes.insert(Self.noise[Int.random(in: 0..<Self.noise.count, using: &generator)], at: position)
            case 8:
                if Bool.random(using: &generator) {
                    bytes.removeSubrange(position..<min(bytes.count, position + Int.random(in: 2...24, using: &generator)))
                } else {
                    bytes.insert(contentsOf: Self.snippets[Int.random(in: 0..<Self.snippets.count, using: &generator)], at: position)
                }
            default:
                bytes.removeSubrange(position...)
            }
        }
        return bytes
    }

    /// One seeded run per fixture (so they run in parallel), 300 damaged copies each.
    @Test(arguments: ConfigFixture.names)
    func `mutated fixtures are refused or edited without collateral damage`(name: String) throws {
        let fixtureNumber = try #require(ConfigFixture.names.firstIndex(of: name))
        var generator = SeededGenerator(seed: 0x5750_5245_5343_5545 &+ UInt64(fixtureNumber))
        var readable = 0, edited = 0, refusedEdits = 0, rereadSample = 0
        do {
            let pristine = try ConfigFixture.bytes(name)
            for _ in 0..<Self.mutationsPerFixture {
                let damaged = mutate(pristine, using: &generator)
                let file: WPConfigFile
                do {
                    file = try WPConfigFile(data: Data(damaged))
                } catch {
                    continue
                }
                readable += 1
                #expect([UInt8](file.data) == damaged)

                // 1. Set a constant that usually exists.
                let debugSource = PHPValue.bool(true).phpSource
                if let result = attempt({ try file.setting("WP_DEBUG", to: .bool(true)) }, refused: &refusedEdits) {
                    edited += 1
                    if let existing = file.definition(of: "WP_DEBUG") {
                        #expect([UInt8](result.data) == damaged.replacing(existing.valueRange, with: debugSource), "\(name)")
                    } else {
                        checkInsertion(of: "define( 'WP_DEBUG', true );", from: file, to: result, fixture: name)
                    }
                    checkRereads(result, name: "WP_DEBUG", fixture: name, sample: &rereadSample)
                }

                // 2. Add a constant that never exists, with a value full of separators.
                let fuzzValue = PHPValue.string("f;z//)#'")
                if let result = attempt({ try file.setting("WPRESCUE_FUZZ", to: fuzzValue) }, refused: &refusedEdits) {
                    edited += 1
                    checkInsertion(of: "define( 'WPRESCUE_FUZZ', \(fuzzValue.phpSource) );", from: file, to: result, fixture: name)
                    checkRereads(result, name: "WPRESCUE_FUZZ", fixture: name, sample: &rereadSample)
                    #expect(result.value(of: "WPRESCUE_FUZZ") == fuzzValue)
                }

                // 3. Remove a constant defined once.
                let single = file.constants.filter { candidate in file.definitions(of: candidate.name).count == 1 }
                if !single.isEmpty {
                    let target = single[Int.random(in: 0..<single.count, using: &generator)]
                    if let result = attempt({ try file.removing(target.name) }, refused: &refusedEdits) {
                        edited += 1
                        checkRemoval(of: target, from: file, to: result, fixture: name)
                        checkRereads(result, name: target.name, fixture: name, sample: &rereadSample)
                    }
                }
            }
        }
        // The run must exercise real edits, not only refusals.
        #expect(readable > Self.mutationsPerFixture / 5)
        #expect(edited > readable)
    }

    /// Runs one edit; a refusal must be a `WPConfigError`, and never the verifier stopping a
    /// broken result: the verifier is a safety net, and an edit it has to catch is a bug in the editor.
    private func attempt(_ edit: () throws -> WPConfigFile, refused: inout Int) -> WPConfigFile? {
        do {
            return try edit()
        } catch let error as WPConfigError {
            if case .editVerificationFailed = error { Issue.record("the editor produced a file it then refused: \(error)") }
            refused += 1
            return nil
        } catch {
            Issue.record("unexpected error type: \(error)")
            return nil
        }
    }

    /// An edit returns a fresh reading of its own bytes; reading them once more must agree.
    /// (Done for a sample only: reading is what the run spends its time on.)
    private func checkRereads(_ result: WPConfigFile, name: String, fixture: String, sample: inout Int) {
        sample += 1
        guard sample % 16 == 0 else { return }
        do {
            let again = try WPConfigFile(data: result.data)
            #expect(again.definitions(of: name) == result.definitions(of: name), "\(fixture)")
        } catch {
            Issue.record("\(fixture): the edited file no longer reads: \(error)")
        }
    }

    /// The only difference is one inserted line (with a line break before it at the end of a file
    /// without one), placed before the wp-settings.php require when there is one.
    private func checkInsertion(of statement: String, from file: WPConfigFile, to result: WPConfigFile, fixture: String) {
        let before = [UInt8](file.data), after = [UInt8](result.data)
        let difference = ByteDifference(from: before, to: after)
        let newline = file.lineEnding.rawValue
        #expect(difference.removed.isEmpty, "\(fixture)")
        // The common-prefix diff may shift an inserted line across identical neighbouring bytes, so compare rotations.
        let candidates = [statement + newline, newline + statement].map { Array($0.utf8) }
        let inserted = difference.inserted
        let matches = candidates.contains { candidate in
            (0..<max(1, candidate.count)).contains { shift in
                Array(candidate[shift...] + candidate[..<shift]) == inserted
            }
        } || inserted == Array((newline + statement + newline).utf8)
        #expect(matches, "\(fixture): inserted \(difference.insertedText.debugDescription)")
        if let require = file.wpSettingsRequire {
            #expect(difference.removed.lowerBound <= require.byteRange.lowerBound + newline.utf8.count, "\(fixture)")
        }
    }

    /// The only difference is the removal of the definition's statement plus whitespace around it.
    private func checkRemoval(of definition: ConstantDefinition, from file: WPConfigFile, to result: WPConfigFile, fixture: String) {
        let before = [UInt8](file.data), after = [UInt8](result.data)
        guard let core = definition.removalRange else {
            Issue.record("\(fixture): removed \(definition.name), which has no removal range")
            return
        }
        let extra = before.count - after.count - core.count
        guard extra >= 0 else {
            Issue.record("\(fixture): removing \(definition.name) took out less than its statement")
            return
        }
        let found = (0...extra).contains { leading in
            let lower = core.lowerBound - leading, upper = core.upperBound + (extra - leading)
            guard lower >= 0, upper <= before.count else { return false }
            let surrounding = before[lower..<core.lowerBound] + before[core.upperBound..<upper]
            guard surrounding.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else { return false }
            return Array(before[..<lower] + before[upper...]) == after
        }
        #expect(found, "\(fixture): removing \(definition.name) changed more than its statement")
    }
}
