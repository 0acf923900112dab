// Measures the SFTP backend the way benchmarks/sftp.sh needs: whole-file read throughput
// and the cost of reading a file's tail. Not part of the product.
import Foundation
import WPRescueSFTP

let usage = """
usage: wprescue-sftpbench ADDRESS --identity KEY --known-hosts FILE read PATH
       wprescue-sftpbench ADDRESS --identity KEY --known-hosts FILE tail PATH BYTES
ADDRESS is sftp://user@host:port (the path part is ignored).
"""

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}

/// Takes `name VALUE` out of `arguments`.
func option(_ name: String, from arguments: inout [String]) -> String? {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    let value = arguments[index + 1]
    arguments.removeSubrange(index...index + 1)
    return value
}

var arguments = Array(CommandLine.arguments.dropFirst())
let identity = option("--identity", from: &arguments)
let knownHosts = option("--known-hosts", from: &arguments)
guard arguments.count >= 3 else { fail(usage) }

do {
    let address = try SSHAddress.parse(arguments[0])
    var options = SSHConnectionOptions()
    options.identityFile = identity
    options.knownHostsFile = knownHosts
    options.useAgent = false
    options.readSSHConfig = false

    let connectStart = Date()
    let fileSystem = try SFTPFileSystem.connect(to: address, options: options)
    let connectSeconds = Date().timeIntervalSince(connectStart)
    let path = arguments[2]
    let receivedBefore = fileSystem.session.bytesReceived
    let start = Date()
    let bytes: Int
    switch arguments[1] {
    case "read":
        bytes = try fileSystem.read(path, limit: Int.max / 2).count
    case "tail":
        guard arguments.count >= 4, let length = Int(arguments[3]) else { fail(usage) }
        guard let size = try fileSystem.status(path)?.size else { fail("\(path) does not exist") }
        bytes = try fileSystem.read(path, offset: size - UInt64(length), length: length).count
    default:
        fail(usage)
    }
    let seconds = Date().timeIntervalSince(start)
    let received = fileSystem.session.bytesReceived - receivedBefore
    print(String(format: "bytes=%d seconds=%.4f connect_seconds=%.4f received=%llu mib_per_second=%.1f",
                 bytes, seconds, connectSeconds, received, Double(bytes) / seconds / 1_048_576))
} catch {
    fail("error: \(error.localizedDescription)")
}
