import Foundation

/// Runs the built `wprescue` executable the way a user would, with its own state folder.
public struct CommandRunner {
    public struct Result {
        public var status: Int32
        public var standardOutput: String
        public var standardError: String
        public var succeeded: Bool { status == 0 }

        public init(status: Int32, standardOutput: String, standardError: String) {
            self.status = status
            self.standardOutput = standardOutput
            self.standardError = standardError
        }
    }

    public var environment: [String: String]

    public init(stateDirectory: String, extraEnvironment: [String: String] = [:]) {
        var environment = ProcessInfo.processInfo.environment
        environment["WPRESCUE_STATE_DIR"] = stateDirectory
        environment.removeValue(forKey: "WPRESCUE_SITE")
        for (key, value) in extraEnvironment { environment[key] = value }
        self.environment = environment
    }

    /// The executable built next to the test bundle (`.build/<config>/wprescue`).
    public static var executable: String {
        if let explicit = ProcessInfo.processInfo.environment["WPRESCUE_BIN"] { return explicit }
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while folder.path != "/" {
            let candidate = folder.appendingPathComponent("wprescue").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            folder.deleteLastPathComponent()
        }
        return ".build/debug/wprescue"
    }

    @discardableResult
    public func run(_ arguments: [String], input: String? = nil) throws -> Result {
        let process = try start(arguments, input: input)
        let output = process.standardOutput.fileHandleForReading.readDataToEndOfFile()
        let error = process.standardError.fileHandleForReading.readDataToEndOfFile()
        process.process.waitUntilExit()
        return Result(status: process.process.terminationStatus, standardOutput: String(decoding: output, as: UTF8.self),
                      standardError: String(decoding: error, as: UTF8.self))
    }

    /// A command line as a person pastes it into a shell, `wprescue` being the built executable.
    public func runShell(_ commandLine: String) throws -> Result {
        try runProcess("/bin/sh", ["-c", "wprescue() { \"$WPRESCUE_TEST_EXECUTABLE\" \"$@\"; }; " + commandLine],
                       extraEnvironment: ["WPRESCUE_TEST_EXECUTABLE": Self.executable])
    }

    /// Any program with this runner's environment (a wrapper such as setpriv, a shell), no input.
    public func runProcess(_ executable: String, _ arguments: [String], extraEnvironment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment.merging(extraEnvironment) { $1 }
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile(), err = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, standardOutput: String(decoding: out, as: UTF8.self),
                      standardError: String(decoding: err, as: UTF8.self))
    }

    public struct Running {
        public let process: Process
        public let standardOutput: Pipe
        public let standardError: Pipe
    }

    /// Starts the command without waiting, for tests that interrupt it.
    public func start(_ arguments: [String], input: String? = nil) throws -> Running {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments = arguments
        process.environment = environment
        let output = Pipe(), error = Pipe(), standardInput = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = standardInput
        try process.run()
        if let input { standardInput.fileHandleForWriting.write(Data(input.utf8)) }
        try? standardInput.fileHandleForWriting.close()
        return Running(process: process, standardOutput: output, standardError: error)
    }
}
