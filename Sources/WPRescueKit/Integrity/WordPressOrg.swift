import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// WordPress.org's checksums API and downloads, or a mirror of them with the same paths
/// (`WPRESCUE_WPORG_API`, `WPRESCUE_WPORG_DOWNLOADS`). What comes back is cached in the
/// operator's own state folder (`<state>/cache/wporg`), so a second verify or a repair after
/// a verify costs no download; an archive is kept only once it matched its checksums.
public final class WordPressOrg {
    public let api: String
    public let downloads: String
    private let fetcher: PageFetcher
    private let cacheFolder: String

    public enum Failure: Error, Equatable, LocalizedError {
        case unreachable(url: String, detail: String)
        case status(url: String, status: Int)
        case tooLarge(url: String, limit: Int)
        case badEndpoint(variable: String, value: String)

        public var errorDescription: String? {
            switch self {
            case .unreachable(let url, let detail):
                return "Could not fetch \(url) (\(detail)); check the network, or point WPRESCUE_WPORG_API / WPRESCUE_WPORG_DOWNLOADS at a mirror."
            case .status(let url, let status):
                return "\(url) answered HTTP \(status)."
            case .tooLarge(let url, let limit):
                return "\(url) sent more than \(limit) bytes, more than any WordPress release; refused."
            case .badEndpoint(let variable, let value):
                return "\(variable) is '\(value)', not an http:// or https:// address."
            }
        }
    }

    public init(fetcher: PageFetcher, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        func endpoint(_ variable: String, _ fallback: String) throws -> String {
            let value = environment[variable].flatMap { $0.isEmpty ? nil : $0 } ?? fallback
            guard value.hasPrefix("http://") || value.hasPrefix("https://") else { throw Failure.badEndpoint(variable: variable, value: value) }
            return value.hasSuffix("/") ? String(value.dropLast()) : value
        }
        api = try endpoint("WPRESCUE_WPORG_API", "https://api.wordpress.org")
        downloads = try endpoint("WPRESCUE_WPORG_DOWNLOADS", "https://downloads.wordpress.org")
        self.fetcher = fetcher
        let base = SiteStateDirectory.baseDirectory(environment: environment)
        cacheFolder = SitePath.join(base, "cache/wporg")
        try SiteStateDirectory.createPrivateDirectories(cacheFolder, trustedBelow: SitePath.parent(base))
    }

    // MARK: - Core

    public func coreChecksumsURL(_ release: CoreRelease) -> String {
        "\(api)/core/checksums/1.0/?version=\(release.version)&locale=\(release.locale)"
    }

    public func coreChecksums(_ release: CoreRelease) throws -> [String: ExpectedDigest] {
        let url = coreChecksumsURL(release)
        let name = "core-\(release.version)-\(release.locale).json"
        if let cached = readCache(name), let list = try? ChecksumList.parseCore(cached, version: release.version, source: url) { return list }
        let data = try fetch(url, limit: 8 << 20)
        let list = try ChecksumList.parseCore(data, version: release.version, source: url)
        writeCache(name, data)
        return list
    }

    /// As the real service names them: `release/wordpress-6.1.zip`, `release/de_DE/wordpress-6.1-de_DE.zip`.
    public func releaseArchiveURL(_ release: CoreRelease) -> String {
        release.locale == "en_US" ? "\(downloads)/release/wordpress-\(release.version).zip"
            : "\(downloads)/release/\(release.locale)/wordpress-\(release.version)-\(release.locale).zip"
    }

    /// The release archive; it hands out only files that match `checksums`, and is cached once its version.php did.
    public func releaseArchive(_ release: CoreRelease, checksums: [String: ExpectedDigest]) throws -> ReleaseArchive {
        let url = releaseArchiveURL(release)
        let name = "wordpress-\(release.version)-\(release.locale).zip"
        if let cached = readCache(name), let archive = try? ReleaseArchive(data: cached, source: url, checksums: checksums),
           (try? archive.verifySample()) != nil {
            return archive
        }
        let data = try fetch(url, limit: ReleaseArchive.sizeLimit)
        let archive = try ReleaseArchive(data: data, source: url, checksums: checksums)
        try archive.verifySample()
        writeCache(name, data)
        return archive
    }

    // MARK: - Plugins

    public func pluginChecksumsURL(slug: String, version: String) -> String {
        "\(downloads)/plugin-checksums/\(slug)/\(version).json"
    }

    /// nil when WordPress.org does not know the plugin or that version of it (404).
    public func pluginChecksums(slug: String, version: String) throws -> [String: ExpectedDigest]? {
        guard CoreRelease.isPlainName(slug), CoreRelease.isPlainName(version) else { return nil }
        let url = pluginChecksumsURL(slug: slug, version: version)
        let name = "plugin-\(slug)-\(version).json"
        if let cached = readCache(name), let list = try? ChecksumList.parsePlugin(cached, source: url) { return list }
        let data: Data
        do {
            data = try fetch(url, limit: 8 << 20)
        } catch Failure.status(_, 404) {
            return nil
        }
        let list = try ChecksumList.parsePlugin(data, source: url)
        writeCache(name, data)
        return list
    }

    // MARK: - Fetching and the cache

    private func fetch(_ url: String, limit: Int) throws -> Data {
        let response = fetcher.fetch(PageRequest(url: url, headers: ["Accept-Encoding": "identity"], timeout: 300, connectTimeout: 10,
                                                 maximumRedirects: 5, bodyLimit: limit + 1))
        if let failure = response.failure { throw Failure.unreachable(url: url, detail: "\(failure)") }
        guard let status = response.status else { throw Failure.unreachable(url: url, detail: "no answer") }
        guard status == 200 else { throw Failure.status(url: url, status: status) }
        guard response.body.count <= limit else { throw Failure.tooLarge(url: url, limit: limit) }
        return response.body
    }

    private func readCache(_ name: String) -> Data? {
        let descriptor = SiteStateDirectory.openPrivateFile(SitePath.join(cacheFolder, name), flags: O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var result = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = read(descriptor, &buffer, buffer.count)
            if count < 0 { if errno == EINTR { continue }; return nil }
            if count == 0 { return result }
            result.append(contentsOf: buffer[0..<count])
        }
    }

    /// Written under a temporary name and renamed, so a reader never sees half a file; a cache
    /// that cannot be written only costs a download next time.
    private func writeCache(_ name: String, _ data: Data) {
        let path = SitePath.join(cacheFolder, name)
        let temporary = path + ".tmp-\(UInt64.random(in: 0...UInt64.max))"
        let descriptor = SiteStateDirectory.openPrivateFile(temporary, flags: O_WRONLY | O_CREAT | O_EXCL)
        guard descriptor >= 0 else { return }
        let written = data.withUnsafeBytes { raw in raw.isEmpty ? 0 : write(descriptor, raw.baseAddress, raw.count) }
        close(descriptor)
        if written != data.count || rename(temporary, path) != 0 { unlink(temporary) }
    }
}
