// Runs the log core over a file so benchmarks/log-summary.sh can time it against grep.
// Usage: wprescue-logbench summary|tail PATH [--root ABSPATH] [--max-bytes N] [--chunk-size N] [--tail N]
import Foundation
import WPRescueKit

struct Arguments {
    var mode = ""
    var path = ""
    var root = "/var/www/html"
    var maxBytes = UInt64.max
    var chunkSize = LogReadOptions().chunkSize
    var tail = 50

    init(_ arguments: [String]) throws {
        var rest = arguments.dropFirst()
        guard let mode = rest.popFirst(), let path = rest.popFirst() else { throw Self.usage }
        self.mode = mode
        self.path = path
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { throw Self.usage }
            switch flag {
            case "--root": root = value
            case "--max-bytes": maxBytes = UInt64(value) ?? maxBytes
            case "--chunk-size": chunkSize = Int(value) ?? chunkSize
            case "--tail": tail = Int(value) ?? tail
            default: throw Self.usage
            }
        }
    }

    static let usage = NSError(domain: "wprescue-logbench", code: 2, userInfo: [NSLocalizedDescriptionKey:
        "usage: wprescue-logbench summary|tail PATH [--root ABSPATH] [--max-bytes N] [--chunk-size N] [--tail N]"])
}

do {
    let arguments = try Arguments(CommandLine.arguments)
    let options = LogReadOptions(maxBytes: arguments.maxBytes, chunkSize: arguments.chunkSize,
                                 tail: arguments.mode == "tail" ? arguments.tail : nil,
                                 localTimeZone: TimeZone(identifier: "UTC") ?? .current)
    let reader = LogReader(fileSystem: LocalFileSystem(), path: arguments.path,
                           attributor: LogAttributor(layout: .standard(root: arguments.root)), options: options)
    let started = Date()
    switch arguments.mode {
    case "summary":
        let summary = try reader.summary()
        let seconds = Date().timeIntervalSince(started)
        let fatalErrors = summary.groups.filter { $0.level == .fatal && $0.kind != .parseError }.reduce(0) { $0 + $1.count }
        print("entries \(summary.totalEntries), groups \(summary.groups.count), fatal (not parse) \(fatalErrors), "
              + "bytes read \(summary.report.bytesRead), whole file \(summary.report.reachedStartOfFile), \(String(format: "%.3f", seconds)) s")
        for group in summary.groups.prefix(8) {
            let source = [group.attribution.source.typeName, group.attribution.source.name].compactMap { $0 }.joined(separator: " ")
            let kind: String
            switch group.kind {
            case .memoryExhausted(let limit): kind = "\(group.kind.name) \(limit)"
            case .timeLimit(let seconds): kind = "\(group.kind.name) \(seconds)"
            default: kind = group.kind.name
            }
            print("  \(group.count)\t\(group.level.rawValue)\t\(kind)\t\(source)\t\(group.signature.prefix(90))")
        }
    case "tail":
        let result = try reader.entries()
        print("entries \(result.entries.count), bytes read \(result.report.bytesRead), \(String(format: "%.3f", Date().timeIntervalSince(started))) s")
    default:
        throw Arguments.usage
    }
} catch {
    FileHandle.standardError.write(Data("wprescue-logbench: \(error.localizedDescription)\n".utf8))
    exit(1)
}
