import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "bisect":
    let flakyRuns = arguments.dropFirst().first.flatMap(Int.init) ?? 10_000
    print(BisectBenchmark(flakyRuns: flakyRuns).report())
default:
    FileHandle.standardError.write(Data("usage: wprescue-bench bisect [flaky-runs]\n".utf8))
    exit(2)
}
