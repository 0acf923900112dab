import Foundation
import Testing
@testable import WPRescueKit

/// Where `wprescue playbook` finds its folder when nobody names one.
struct PlaybookLibraryTests {
    @Test func `an installed binary finds share/wprescue/playbooks beside its bin folder first`() {
        let candidates = PlaybookLibrary.candidates(executablePaths: ["/usr/local/bin/wprescue"], isFile: { _ in false })
        #expect(candidates == ["/usr/local/share/wprescue/playbooks"])
    }

    @Test func `a build in a checkout finds the repository's folder, and only beside Package.swift`() {
        let candidates = PlaybookLibrary.candidates(
            executablePaths: ["/home/me/wprescue/.build/x86_64-unknown-linux-gnu/debug/wprescue"],
            isFile: { ["/home/me/wprescue/Package.swift", "/home/Package.swift"].contains($0) })
        #expect(candidates == [
            "/home/me/wprescue/.build/x86_64-unknown-linux-gnu/share/wprescue/playbooks",
            "/home/me/wprescue/playbooks",
            "/home/playbooks",
        ])
    }

    @Test func `locate takes the first candidate that exists, and says where it looked when none does`() throws {
        let library = try PlaybookLibrary.locate(explicit: nil, executablePaths: ["/opt/w/bin/wprescue", "/src/w/.build/debug/wprescue"],
                                                 isDirectory: { $0 == "/src/w/playbooks" }, isFile: { $0 == "/src/w/Package.swift" })
        #expect(library.folder == "/src/w/playbooks")
        #expect(throws: PlaybookLibrary.Failure.notFound(searched: ["/opt/share/wprescue/playbooks"])) {
            try PlaybookLibrary.locate(explicit: nil, executablePaths: ["/opt/bin/wprescue"], isDirectory: { _ in false }, isFile: { _ in false })
        }
        #expect(throws: PlaybookLibrary.Failure.folderMissing("/nope")) {
            try PlaybookLibrary.locate(explicit: "/nope", executablePaths: [], isDirectory: { _ in false })
        }
    }

    @Test func `an unknown name lists the playbooks there are`() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("playbooks-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data("title: t\nsymptom: s\nsteps:\n  - end: e\n    status: resolved\n".utf8)
            .write(to: URL(fileURLWithPath: folder + "/only-one.yml"))
        let library = PlaybookLibrary(folder: folder)
        #expect(try library.load("only-one").steps.count == 1)
        #expect(throws: PlaybookLibrary.Failure.unknownPlaybook("other", folder: folder, known: ["only-one"])) {
            try library.load("other")
        }
    }
}
