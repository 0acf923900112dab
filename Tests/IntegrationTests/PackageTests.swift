import Foundation
import Testing
import WPRescueTestSupport

/// The package to test, from WPRESCUE_DEB.
private var builtPackage: String? { ProcessInfo.processInfo.environment["WPRESCUE_DEB"].flatMap { $0.isEmpty ? nil : $0 } }

/// The Debian package `scripts/package` builds (scripts/test builds it and sets WPRESCUE_DEB):
/// what it declares, what it carries, and a real install with dpkg on this machine.
@Suite(.serialized, .enabled(if: builtPackage != nil || Testbed.required))
struct PackageTests {

    /// What the package may depend on: the three libraries wprescue is built on, libc, and the
    /// C++ runtime the static Swift runtime still loads (both of Debian's required set).
    static let allowedDependencies: Set<String> = ["libc6", "libssh2-1", "libmariadb3", "libcurl4", "libgcc-s1", "libstdc++6", "zlib1g"]

    struct Output {
        var status: Int32
        var text: String
    }

    @discardableResult
    static func shell(_ command: String, in folder: String = "/") throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", command]
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        process.standardInput = FileHandle.nullDevice
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, text: String(decoding: data, as: UTF8.self))
    }

    func package() throws -> String {
        let path = try #require(builtPackage, "WPRESCUE_DEB is not set: build the package with scripts/package (scripts/test does)")
        try #require(FileManager.default.fileExists(atPath: path), "no package at \(path)")
        return path
    }

    func field(_ name: String, of deb: String) throws -> String {
        let result = try Self.shell("dpkg-deb -f '\(deb)' \(name)")
        try #require(result.status == 0, "\(result.text)")
        return result.text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    var expectedVersion: String {
        get throws {
            let result = try CommandRunner(stateDirectory: NSTemporaryDirectory()).run(["--version"])
            return try #require(result.standardOutput.split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
        }
    }

    var shippedPlaybooks: [String] {
        get throws {
            try FileManager.default.contentsOfDirectory(atPath: Testbed.packageRoot + "/playbooks")
                .filter { $0.hasSuffix(".yml") }.map { String($0.dropLast(4)) }.sorted()
        }
    }

    @Test func `the control file names the version, amd64 and only the libraries wprescue needs`() throws {
        let deb = try package()
        let version = try expectedVersion
        #expect(try field("Package", of: deb) == "wprescue")
        #expect(try field("Version", of: deb) == version)
        #expect(try field("Architecture", of: deb) == "amd64")
        #expect(URL(fileURLWithPath: deb).lastPathComponent == "wprescue_\(version)_amd64.deb")
        let depends = Set(try field("Depends", of: deb).split(separator: ",").compactMap { $0.split(separator: " ").first.map(String.init) })
        #expect(depends.isSubset(of: Self.allowedDependencies), "unexpected: \(depends.subtracting(Self.allowedDependencies))")
        #expect(depends.isSuperset(of: ["libc6", "libssh2-1", "libmariadb3", "libcurl4"]), "\(depends)")
    }

    @Test func `it carries the executable, playbooks, completions, man page and README`() throws {
        let listing = try Self.shell("dpkg-deb -c '\(try package())'")
        try #require(listing.status == 0, "\(listing.text)")
        let paths = Set(listing.text.split(separator: "\n").compactMap { $0.split(separator: " ").last.map(String.init) })
        for path in ["./usr/bin/wprescue", "./usr/share/man/man1/wprescue.1.gz", "./usr/share/doc/wprescue/README.md",
                     "./usr/share/bash-completion/completions/wprescue", "./usr/share/zsh/vendor-completions/_wprescue",
                     "./usr/share/fish/vendor_completions.d/wprescue.fish", "./usr/share/wprescue/playbooks/README.md"] {
            #expect(paths.contains(path), "\(path) missing")
        }
        for playbook in try shippedPlaybooks { #expect(paths.contains("./usr/share/wprescue/playbooks/\(playbook).yml"), "\(playbook) missing") }
    }

    @Test func `the executable carries the Swift runtime and needs nothing the Depends line does not provide`() throws {
        let deb = try package()
        let folder = NSTemporaryDirectory() + "wprescue-deb-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #require(try Self.shell("dpkg-deb -x '\(deb)' '\(folder)'").status == 0)
        let needed = try Self.shell("objdump -p '\(folder)/usr/bin/wprescue' | awk '/NEEDED/ { print $2 }'")
        try #require(needed.status == 0 && !needed.text.isEmpty, "\(needed.text)")
        let libraries = needed.text.split(separator: "\n").map(String.init)
        #expect(!libraries.contains { $0.hasPrefix("libswift") || $0.hasPrefix("libFoundation") || $0.hasPrefix("libdispatch") }, "\(libraries)")
        let depends = try field("Depends", of: deb)
        for library in libraries {
            // The package that owns the library on this machine must be one the control file names.
            let owner = try Self.shell("dpkg -S '*/\(library)' | head -1 | cut -d: -f1")
            let name = owner.text.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(owner.status == 0 && !name.isEmpty && depends.contains(name), "\(library) comes from '\(name)', not in Depends: \(depends)")
        }
    }

    @Test func `the bash completion loads and the man page renders every command`() throws {
        let deb = try package()
        let folder = NSTemporaryDirectory() + "wprescue-deb-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #require(try Self.shell("dpkg-deb -x '\(deb)' '\(folder)'").status == 0)
        let complete = try Self.shell("source '\(folder)/usr/share/bash-completion/completions/wprescue' && complete -p wprescue")
        #expect(complete.status == 0 && complete.text.contains("-F") && complete.text.hasSuffix("wprescue\n"), "\(complete.text)")
        let zsh = try String(contentsOfFile: folder + "/usr/share/zsh/vendor-completions/_wprescue", encoding: .utf8)
        #expect(zsh.hasPrefix("#compdef wprescue"))
        let fish = try String(contentsOfFile: folder + "/usr/share/fish/vendor_completions.d/wprescue.fish", encoding: .utf8)
        #expect(fish.contains("complete -c 'wprescue'") || fish.contains("complete -c wprescue"))
        let manual = try Self.shell("MANWIDTH=100 man -l '\(folder)/usr/share/man/man1/wprescue.1.gz' 2>&1")
        #expect(manual.status == 0, "\(manual.text)")
        for word in ["wprescue", "--site", "--version", "rescue", "diagnose", "probe", "bisect", "playbook", "undo"] {
            #expect(manual.text.contains(word), "man page lacks \(word)")
        }
    }

    @Test func `installed with dpkg it runs from /usr/bin, finds its playbooks, and is removed cleanly`() throws {
        let deb = try package()
        try #require(getuid() == 0, "installing a package needs root (CI runs as root)")
        let before = try Self.shell("dpkg-query -W -f '${Status}' wprescue 2>/dev/null")
        try #require(!before.text.contains("installed"), "a wprescue package is already installed here; not replacing it")
        defer { _ = try? Self.shell("dpkg -r wprescue") }

        let install = try Self.shell("dpkg -i '\(deb)'")
        try #require(install.status == 0, "\(install.text)")
        let expected = try expectedVersion
        let version = try Self.shell("/usr/bin/wprescue --version")
        #expect(version.status == 0 && version.text == "wprescue \(expected)\n", "\(version.text)")
        // From /, far from any checkout: only /usr/share/wprescue/playbooks can supply them.
        let list = try Self.shell("/usr/bin/wprescue playbook list")
        #expect(list.status == 0, "\(list.text)")
        for playbook in try shippedPlaybooks { #expect(list.text.contains(playbook), "\(playbook) missing from: \(list.text)") }
        let page = try Self.shell("man -w wprescue")
        #expect(page.text.trimmingCharacters(in: .whitespacesAndNewlines) == "/usr/share/man/man1/wprescue.1.gz", "\(page.text)")

        let remove = try Self.shell("dpkg -r wprescue")
        #expect(remove.status == 0, "\(remove.text)")
        #expect(!FileManager.default.fileExists(atPath: "/usr/bin/wprescue"))
        #expect(!FileManager.default.fileExists(atPath: "/usr/share/wprescue"))
    }
}
