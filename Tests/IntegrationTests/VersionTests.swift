import Foundation
import Testing
import WPRescueTestSupport

/// `wprescue --version`, and with `--verbose` the C libraries it loaded, as a bug report needs them.
struct VersionTests {
    private let runner = CommandRunner(stateDirectory: NSTemporaryDirectory() + "wprescue-version-state")

    @Test func `--version prints one line with a dotted version and exits 0`() throws {
        let result = try runner.run(["--version"])
        #expect(result.status == 0)
        let lines = result.standardOutput.split(separator: "\n")
        try #require(lines.count == 1, "\(result.standardOutput)")
        #expect(lines[0].wholeMatch(of: /wprescue \d+\.\d+\.\d+([-+~][0-9A-Za-z.]+)?/) != nil, "\(lines[0])")
    }

    @Test func `--version --verbose names the libssh2, libmariadb and libcurl this machine has`() throws {
        let result = try runner.run(["--version", "--verbose"])
        #expect(result.status == 0)
        // The versions are read from the loaded libraries; on the build machine they are the ones pkg-config reports.
        for (name, module) in [("libssh2", "libssh2"), ("libmariadb", "libmariadb"), ("libcurl", "libcurl")] {
            let expected = try pkgConfigVersion(module)
            #expect(result.standardOutput.contains("\n\(name) \(expected)"), "\(name) \(expected) missing from: \(result.standardOutput)")
        }
    }

    @Test func `--version --format json carries the same version and the libraries`() throws {
        let text = try runner.run(["--version"]).standardOutput
        let result = try runner.run(["--version", "--format", "json"])
        #expect(result.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        let version = try #require(json["version"] as? String)
        #expect(text == "wprescue \(version)\n")
        let libraries = try #require(json["libraries"] as? [String: String])
        #expect(Set(libraries.keys) == ["libssh2", "libmariadb", "libcurl"])
    }

    private func pkgConfigVersion(_ module: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["pkg-config", "--modversion", module]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "pkg-config knows no \(module)")
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
