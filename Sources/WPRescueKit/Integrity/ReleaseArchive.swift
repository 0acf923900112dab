import Foundation
import ZIPFoundation

/// A WordPress release archive (`wordpress-6.1.zip`, every file under `wordpress/`), read in
/// memory with ZIPFoundation. Files are looked up by the names the checksums list gives, never
/// by the archive's own names, so an entry named `../x` cannot lead a write anywhere.
public struct ReleaseArchive {
    /// More than any release (about 25 MB zipped) ever was.
    public static let sizeLimit = 128 << 20
    /// More than any single core file (the largest is about 2 MB).
    public static let fileLimit = 16 << 20

    public enum Failure: Error, Equatable, LocalizedError {
        case unreadable(source: String)
        case entryMissing(source: String, path: String)
        case entryTooLarge(source: String, path: String)
        case mismatch(source: String, path: String)

        public var errorDescription: String? {
            switch self {
            case .unreadable(let source):
                return "\(source) is not a zip archive wprescue can read."
            case .entryMissing(let source, let path):
                return "\(source) has no \(path), which the checksums list names; it is not the release the checksums describe."
            case .entryTooLarge(let source, let path):
                return "\(path) in \(source) unpacks to more than \(ReleaseArchive.fileLimit) bytes; refused."
            case .mismatch(let source, let path):
                return "\(path) in \(source) does not match WordPress.org's checksums; the archive is refused as a whole."
            }
        }
    }

    private let archive: Archive
    public let source: String
    /// What every file taken from the archive must hash to.
    public let checksums: [String: ExpectedDigest]

    public init(data: Data, source: String, checksums: [String: ExpectedDigest]) throws {
        do {
            archive = try Archive(data: data, accessMode: .read)
        } catch {
            throw Failure.unreadable(source: source)
        }
        self.source = source
        self.checksums = checksums
    }

    /// The contents of a core file (`wp-includes/version.php`), capped at `fileLimit`, and only
    /// when they match the checksums list: a file the list does not name is not handed out.
    public func contents(of path: String) throws -> Data {
        guard let expected = checksums[path] else { throw Failure.entryMissing(source: source, path: path) }
        let data = try unverifiedContents(of: path)
        guard expected.matches(contents: data) else { throw Failure.mismatch(source: source, path: path) }
        return data
    }

    private func unverifiedContents(of path: String) throws -> Data {
        guard ChecksumList.isSafeRelativePath(path), let entry = archive["wordpress/" + path], entry.type == .file else {
            throw Failure.entryMissing(source: source, path: path)
        }
        guard entry.uncompressedSize <= UInt64(Self.fileLimit) else { throw Failure.entryTooLarge(source: source, path: path) }
        var data = Data()
        do {
            _ = try archive.extract(entry) { chunk in
                data.append(chunk)
                if data.count > Self.fileLimit { throw Failure.entryTooLarge(source: source, path: path) }
            }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure.unreadable(source: source)
        }
        return data
    }

    /// A first check that this is the release the list describes (its version.php matches);
    /// every file taken out later is checked again on its own.
    public func verifySample() throws {
        _ = try contents(of: CoreRelease.versionFile)
    }
}
