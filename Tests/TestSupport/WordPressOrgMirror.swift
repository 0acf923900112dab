import Foundation

/// A stand-in for WordPress.org's checksums API and downloads on a loopback port
/// (scripts/testbed.d/wporg/mirror.py), built from the test bed's pristine WordPress: core
/// checksums, the release archive under the real paths, and akismet's plugin checksums.
/// One per test process; it stops when the process ends (its standard input closes).
public final class WordPressOrgMirror: @unchecked Sendable {
    public let port: Int
    private let process: Process
    private let input: Pipe

    private static let lock = NSLock()
    nonisolated(unsafe) private static var started: WordPressOrgMirror?

    /// The mirror of the test bed's pristine copy (`$WPRESCUE_TESTBED_DIR/pristine`, beside the site).
    public static func shared(for testbed: Testbed) throws -> WordPressOrgMirror {
        lock.lock()
        defer { lock.unlock() }
        if let started { return started }
        let pristine = URL(fileURLWithPath: testbed.sitePath).deletingLastPathComponent().appendingPathComponent("pristine").path
        let mirror = try WordPressOrgMirror(pristine: pristine)
        started = mirror
        return mirror
    }

    private init(pristine: String) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Testbed.packageRoot + "/scripts/testbed.d/wporg/mirror.py", pristine, "--plugin", "akismet"]
        input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let words = String(decoding: line, as: UTF8.self).split(whereSeparator: \.isWhitespace)
        guard words.count >= 2, words[0] == "listening", let port = Int(words[1]) else {
            process.terminate()
            throw Testbed.Failure.command("the WordPress.org stand-in did not start: \(String(decoding: line, as: UTF8.self))")
        }
        self.port = port
    }

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// What points wprescue at this mirror.
    public var environment: [String: String] {
        ["WPRESCUE_WPORG_API": baseURL + "/api", "WPRESCUE_WPORG_DOWNLOADS": baseURL + "/downloads"]
    }

    /// Every path asked for so far, oldest first.
    public func requests() throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-sf", baseURL + "/_requests"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (try JSONSerialization.jsonObject(with: data) as? [String]) ?? []
    }
}
