import CCurl
import CLibSSH2
import CMariaDB

/// wprescue's version: the one place it is written. `scripts/package` asks the built
/// executable (`wprescue --version`) rather than keeping a copy.
enum WPRescueVersion {
    static let current = "0.9.0"

    /// The C libraries as loaded at run time (not the headers built against), for `--version --verbose`:
    /// a bug report should name what the dynamic linker actually picked.
    static var libraries: [(name: String, version: String)] {
        [
            ("libssh2", libssh2_version(0).map { String(cString: $0) } ?? "unknown"),
            ("libmariadb", mysql_get_client_info().map { String(cString: $0) } ?? "unknown"),
            // "libcurl/7.88.1 OpenSSL/3.0.19 ...": the TLS library matters as much as curl's own version.
            ("libcurl", curl_version().map { String(String(cString: $0).trimmingPrefix("libcurl/")) } ?? "unknown"),
        ]
    }
}
