import Foundation
import Testing
import WPRescueTestSupport

/// `scripts/install` puts the executable and the playbooks where an installed wprescue finds
/// them, away from the repository.
struct InstallTests {
    @Test func `an installed wprescue finds its playbooks under the prefix, from anywhere`() throws {
        let prefix = NSTemporaryDirectory() + "wprescue-prefix-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: prefix) }
        let install = Process()
        install.executableURL = URL(fileURLWithPath: Testbed.packageRoot + "/scripts/install")
        install.arguments = ["--prefix", prefix, "--binary", CommandRunner.executable]
        install.standardOutput = FileHandle.nullDevice
        try install.run()
        install.waitUntilExit()
        #expect(install.terminationStatus == 0)

        let shipped = try FileManager.default.contentsOfDirectory(atPath: Testbed.packageRoot + "/playbooks").filter { $0.hasSuffix(".yml") }
        let installed = try FileManager.default.contentsOfDirectory(atPath: prefix + "/share/wprescue/playbooks").filter { $0.hasSuffix(".yml") }
        #expect(Set(installed) == Set(shipped) && !shipped.isEmpty)

        // Run from / with no repository above the executable: only the prefix can supply the playbooks.
        let list = Process()
        list.executableURL = URL(fileURLWithPath: prefix + "/bin/wprescue")
        list.arguments = ["playbook", "list"]
        list.currentDirectoryURL = URL(fileURLWithPath: "/")
        let output = Pipe()
        list.standardOutput = output
        try list.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        list.waitUntilExit()
        #expect(list.terminationStatus == 0)
        for name in shipped { #expect(text.contains(String(name.dropLast(4))), "\(name) missing from: \(text)") }
    }
}
