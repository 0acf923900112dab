import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Write-ahead journal of every change wprescue makes to one site.
///
/// Each step is recorded (with backups of any contents it replaces) before it happens and
/// marked done after. Undo looks at the files as they are, not only at the marks, so a
/// process killed at any instant (between the record and the rename, say) is undone
/// exactly: a step that did not happen is skipped, one that did is reverted.
public final class Journal {
    public let state: SiteStateDirectory
    private let fileSystem: SiteFileSystem
    private let siteRoot: String
    /// Where the lock on the site itself is made (`<wp-content>/.wprescue-lock`); nil: only the local lock.
    private let siteLockFolder: String?
    private let clock: () -> Date
    /// Opens the site's database for steps that change rows (set by whoever applies or undoes
    /// them; opened once, when the first such step needs it).
    public var openDatabase: (() throws -> WordPressDatabase)?
    private var openedDatabase: WordPressDatabase?

    /// The database for a row step: JournalError.databaseUnavailable when none can be opened.
    func database() throws -> WordPressDatabase {
        if let openedDatabase { return openedDatabase }
        guard let openDatabase else { throw JournalError.databaseUnavailable(detail: "no database connection was set up") }
        do {
            let database = try openDatabase()
            openedDatabase = database
            return database
        } catch {
            throw JournalError.databaseUnavailable(detail: error.localizedDescription)
        }
    }

    public init(state: SiteStateDirectory, fileSystem: SiteFileSystem, siteRoot: String, siteLockFolder: String? = nil,
                clock: @escaping () -> Date = Date.init) {
        self.state = state
        self.fileSystem = fileSystem
        self.siteRoot = siteRoot
        self.siteLockFolder = siteLockFolder
        self.clock = clock
    }

    /// Both locks: the operator's own and the one on the site.
    private func lockSite() throws -> SiteLock {
        try SiteLock(state: state, site: siteLockFolder.map { OnSiteLock.Location(fileSystem: fileSystem, folder: $0) })
    }

    /// The journal's one error type at its boundary: what the file system said stays whole, as
    /// `.fileAccess`, so callers can still tell a lost connection from a refused write.
    static func typed<T>(_ body: () throws -> T) throws(JournalError) -> T {
        do {
            return try body()
        } catch let error as JournalError {
            throw error
        } catch let error as FileAccessError {
            throw .fileAccess(error)
        } catch {
            throw .journalUnwritable(path: "the journal", detail: error.localizedDescription)
        }
    }

    // MARK: - Applying

    /// Carries out a plan step by step. When a step fails, the steps already done are put
    /// back and the original error is rethrown, so a failed command leaves the site as it was.
    /// Returns the operation's id.
    @discardableResult
    public func apply(_ plan: ChangePlan) throws(JournalError) -> String {
        return try Journal.typed {
            let operation = try begin(command: plan.command, summary: plan.summary)
            do {
                for change in plan.changes { try operation.apply(change) }
            } catch {
                try operation.rollBack(after: error)
                throw error
            }
            try operation.finish()
            return operation.id
        }
    }

    /// Starts an operation whose steps are decided as it goes (a bisection, a rescue).
    /// The site stays locked until the operation finishes or is released.
    public func begin(command: String, summary: String) throws(JournalError) -> JournalOperationWriter {
        return try Journal.typed {
            let lock = try lockSite()
            try recoverInterruptedWrites()
            let taken = Set(try readOperations().map(\.id))
            var id = Self.newOperationID(at: clock())
            while taken.contains(id) { id = Self.newOperationID(at: clock()) }
            try append(JournalRecord(event: .begin, operation: id, time: clock(), command: command,
                                     summary: summary, site: state.siteIdentity))
            return JournalOperationWriter(journal: self, id: id, lock: lock)
        }
    }

    /// Backs up what a step replaces and records the step, before it happens.
    func recordIntent(_ change: Change, operation id: String, index: Int) throws -> RecordedChange {
        let record = try prepare(change, operation: id, step: index)
        try append(JournalRecord(event: .intent, operation: id, time: clock(), step: index, change: record))
        Self.testHookBetweenSteps()
        return record
    }

    /// Carries out a recorded step and marks it done.
    func performRecorded(_ change: Change, operation id: String, index: Int) throws {
        try perform(change)
        try append(JournalRecord(event: .done, operation: id, time: clock(), step: index))
        Self.testHookBetweenSteps()
    }

    func finish(operation id: String, outcome: String) throws {
        try append(JournalRecord(event: .end, operation: id, time: clock(), outcome: outcome))
    }

    func setSummary(operation id: String, summary: String) throws {
        try append(JournalRecord(event: .begin, operation: id, time: clock(), summary: summary))
    }

    /// Reverts the given steps (newest first) of an operation that is still open.
    func revertOpen(_ steps: [(index: Int, change: RecordedChange, done: Bool)], operation id: String) throws {
        try append(JournalRecord(event: .revertBegin, operation: id, time: clock()))
        try revert(steps.reversed(), operation: id, force: false)
        try append(JournalRecord(event: .revertEnd, operation: id, time: clock()))
    }

    private func prepare(_ change: Change, operation: String, step: Int) throws -> RecordedChange {
        switch change {
        case .move(let from, let to):
            return RecordedChange(kind: .move, path: from, destination: to)
        case .createDirectory(let path):
            return RecordedChange(kind: .createDirectory, path: path)
        case .removeDirectory(let path):
            let status = try fileSystem.status(path)
            return RecordedChange(kind: .removeDirectory, path: path, mode: status?.permissions)
        case .write(let path, let contents):
            let status = try fileSystem.status(path)
            var before: String?
            if let status {
                guard status.kind == .file else { throw FileAccessError.isADirectory(path: path) }
                before = try saveBackup(try fileSystem.readWhole(path, limit: 64 << 20), operation: operation, name: "\(step).before")
            }
            let after = try saveBackup(contents, operation: operation, name: "\(step).after")
            return RecordedChange(kind: .write, path: path, before: before, after: after, mode: status?.permissions)
        case .removeFile(let path):
            guard let status = try fileSystem.status(path) else { throw FileAccessError.notFound(path: path) }
            let before = try saveBackup(try fileSystem.readWhole(path, limit: Self.backupLimit), operation: operation, name: "\(step).before")
            return RecordedChange(kind: .removeFile, path: path, before: before, mode: status.permissions)
        case .discardCreatedFile(let path):
            // Undo never brings it back (the site did not have it); the copy is for the person
            // reading the report, so a huge log keeps its end, where the latest errors are.
            guard let status = try fileSystem.status(path) else { throw FileAccessError.notFound(path: path) }
            let start = status.size > UInt64(Self.backupLimit) ? status.size - UInt64(Self.backupLimit) : 0
            let copy = try fileSystem.read(path, offset: start, length: Self.backupLimit)
            let before = try saveBackup(copy, operation: operation, name: "\(step).before")
            return RecordedChange(kind: .discardCreatedFile, path: path, before: before, mode: status.permissions)
        case .databaseRows(let rows):
            let saved = try DatabaseRowStore(database: try database()).snapshot(rows)
            let before = try saveBackup(try Self.encoder.encode(saved), operation: operation, name: "\(step).before")
            let after = try saveBackup(try Self.encoder.encode(rows), operation: operation, name: "\(step).after")
            return RecordedChange(kind: .databaseRows, path: rows.place, before: before, after: after)
        }
    }

    private func perform(_ change: Change) throws {
        switch change {
        case .move(let from, let to): try fileSystem.move(from, to: to)
        case .createDirectory(let path): try fileSystem.createDirectory(path, mode: 0o755)
        case .removeDirectory(let path): try fileSystem.removeDirectory(path)
        case .write(let path, let contents): try fileSystem.writeAtomically(path, contents: contents, newFileMode: 0o644)
        case .removeFile(let path), .discardCreatedFile(let path): try fileSystem.removeFile(path)
        case .databaseRows(let rows): try DatabaseRowStore(database: try database()).apply(rows)
        }
    }

    // MARK: - Undoing

    /// Reverts one operation (the newest still applied when `id` is nil). Returns what was reverted.
    @discardableResult
    public func undo(operation id: String? = nil, force: Bool = false) throws(JournalError) -> OperationSummary {
        return try Journal.typed {
            let lock = try lockSite()
            defer { withExtendedLifetime(lock) {} }
            try recoverInterruptedWrites()
            let operations = try readOperations()
            let target: JournalOperation
            if let id {
                guard let found = operations.first(where: { $0.id == id }) else { throw JournalError.unknownOperation(id) }
                target = found
            } else {
                guard let latest = operations.last(where: { $0.needsUndo }) else { throw JournalError.nothingToUndo }
                target = latest
            }
            guard target.needsUndo else { return target.summary }
            try append(JournalRecord(event: .revertBegin, operation: target.id, time: clock()))
            try revert(target.steps.reversed().map { ($0.index, $0.change, $0.done) }, operation: target.id, force: force)
            try append(JournalRecord(event: .revertEnd, operation: target.id, time: clock()))
            if target.outcome == nil { try finish(operation: target.id, outcome: "interrupted") }
            return try readOperations().first(where: { $0.id == target.id })?.summary ?? target.summary
        }
    }

    /// Where a step's backup of the replaced contents is kept, for messages.
    public func backupPath(operation: String, step: Int) -> String {
        SitePath.join(state.backupsDirectory, "\(operation)/\(step).before")
    }

    /// What `undo` would revert, newest first, without touching anything.
    public func pendingUndo(all: Bool) throws(JournalError) -> [OperationSummary] {
        return try Journal.typed {
            let pending = try readOperations().filter(\.needsUndo).reversed().map(\.summary)
            return all ? Array(pending) : Array(pending.prefix(1))
        }
    }

    private func revert<S: Sequence>(_ steps: S, operation: String, force: Bool) throws
    where S.Element == (index: Int, change: RecordedChange, done: Bool) {
        for (index, change, done) in steps {
            try revertStep(change, operation: operation, done: done, force: force)
            try append(JournalRecord(event: .reverted, operation: operation, time: clock(), step: index))
        }
    }

    /// Puts one step back, judging from the files as they are now; doing it twice is harmless.
    /// `done` is false for a step that was recorded but not confirmed (it failed, or the
    /// process died): if it left no trace at all, there is nothing to put back.
    private func revertStep(_ change: RecordedChange, operation: String, done: Bool, force: Bool) throws {
        switch change.kind {
        case .move:
            let source = change.path, destination = change.destination ?? change.path
            let sourceExists = try fileSystem.exists(source), destinationExists = try fileSystem.exists(destination)
            switch (sourceExists, destinationExists) {
            case (false, true): try fileSystem.move(destination, to: source)
            case (true, false): break // never happened, or already put back
            case (true, true): throw JournalError.moveConflict(source: source, destination: destination, bothExist: true)
            case (false, false):
                if done { throw JournalError.moveConflict(source: source, destination: destination, bothExist: false) }
            }
        case .createDirectory:
            guard try fileSystem.isDirectory(change.path) else { return }
            guard try fileSystem.list(change.path).isEmpty else { throw JournalError.folderNotEmpty(path: change.path) }
            try fileSystem.removeDirectory(change.path)
        case .removeDirectory:
            if try !fileSystem.exists(change.path) { try fileSystem.createDirectory(change.path, mode: change.mode ?? 0o755) }
        case .write:
            try recoverInterruptedWrite(of: change.path, mode: done ? nil : change.mode ?? 0o644)
            let current = try fileSystem.status(change.path) == nil ? nil : try fileSystem.readWhole(change.path, limit: 64 << 20)
            let before = try change.before.map(loadBackup)
            let after = try change.after.map(loadBackup)
            if current == before { return }
            guard current == after || force else {
                throw JournalError.changedSinceOperation(path: change.path, operation: operation,
                                                         backup: change.before.map { SitePath.join(state.backupsDirectory, $0) })
            }
            if let before {
                try fileSystem.writeAtomically(change.path, contents: before, newFileMode: change.mode ?? 0o644)
            } else if current != nil {
                try fileSystem.removeFile(change.path)
            }
        case .discardCreatedFile:
            return // the site did not have it before this run: nothing to put back
        case .databaseRows:
            guard let beforeName = change.before, let afterName = change.after else { throw JournalError.backupMissing(path: change.path) }
            let rows = try Self.decoder.decode(DatabaseRowChange.self, from: try loadBackup(afterName))
            let saved = try Self.decoder.decode([DatabaseRowStore.Row].self, from: try loadBackup(beforeName))
            try DatabaseRowStore(database: try database()).restore(saved, undoing: rows, force: force, operation: operation)
        case .removeFile:
            try recoverInterruptedWrite(of: change.path)
            guard let name = change.before else { throw JournalError.backupMissing(path: change.path) }
            let before = try loadBackup(name)
            if try fileSystem.exists(change.path) {
                if try fileSystem.readWhole(change.path, limit: 64 << 20) == before { return }
                guard force else {
                    throw JournalError.changedSinceOperation(path: change.path, operation: operation,
                                                             backup: SitePath.join(state.backupsDirectory, name))
                }
            }
            try fileSystem.writeAtomically(change.path, contents: before, newFileMode: change.mode ?? 0o644)
        }
    }

    /// Cleans up after an atomic write of `path` that never finished: removes scratch copies
    /// of new contents (their names are random, their prefix is not), and puts back the
    /// original when a backend that cannot rename over a file (SFTP without posix-rename)
    /// lost its connection while the original was set aside, so the site is never left
    /// without its wp-config.php.
    func recoverInterruptedWrite(of path: String, mode: UInt16? = nil) throws {
        let folder = SitePath.parent(path)
        guard try fileSystem.isDirectory(folder) else { return }
        let temporaryPrefix = SitePath.scratchPrefix(of: path, .temporary), asidePrefix = SitePath.scratchPrefix(of: path, .aside)
        let scratch = try fileSystem.list(folder).filter { $0.status.kind == .file }
        for entry in scratch where entry.name.hasPrefix(temporaryPrefix) {
            try fileSystem.removeFile(SitePath.join(folder, entry.name))
        }
        var asides = scratch.filter { $0.name.hasPrefix(asidePrefix) }.sorted { $0.status.modified < $1.status.modified }
        if let newest = asides.last, try !fileSystem.exists(path) {
            try fileSystem.move(SitePath.join(folder, newest.name), to: path)
            asides.removeLast()
        }
        // The rest are originals of writes that completed; the journal's backups hold them.
        for entry in asides { try fileSystem.removeFile(SitePath.join(folder, entry.name)) }
        // A write stopped between its rename and its last step left the file readable by its writer only.
        if let mode, let status = try fileSystem.status(path), status.kind == .file, status.permissions != mode {
            try fileSystem.setPermissions(path, mode)
        }
    }

    /// Runs `recoverInterruptedWrite` for every write step that was recorded but never marked
    /// done: the first thing any later wprescue run on the site does, under the lock.
    func recoverInterruptedWrites() throws {
        for operation in try readOperations() where operation.outcome == nil {
            for step in operation.steps where !step.done && [.write, .removeFile].contains(step.change.kind) {
                try recoverInterruptedWrite(of: step.change.path, mode: step.change.kind == .write ? step.change.mode ?? 0o644 : nil)
            }
        }
    }

    // MARK: - Reading

    /// Every operation in the journal, oldest first.
    public func history() throws(JournalError) -> [OperationSummary] {
        return try Journal.typed {
            try readOperations().map(\.summary)
        }
    }

    /// Lines of the journal that could not be read (1-based): a record torn by a crash or a
    /// full disk. Undo works from the rest; `history` says so rather than stay silent.
    public func damagedLines() throws(JournalError) -> [Int] {
        return try Journal.typed {
            try readJournal().damaged
        }
    }

    func readOperations() throws -> [JournalOperation] {
        try readJournal().operations
    }

    private func readJournal() throws -> (operations: [JournalOperation], damaged: [Int]) {
        let data = try readPrivateFile(state.journalFile, missingIsEmpty: true)
        let decoder = Self.decoder
        var operations: [String: JournalOperation] = [:]
        var order: [String] = []
        var damaged: [Int] = []
        for (number, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            guard let record = try? decoder.decode(JournalRecord.self, from: Data(line)) else {
                damaged.append(number + 1)
                continue
            }
            if operations[record.operation] == nil {
                order.append(record.operation)
                operations[record.operation] = JournalOperation(id: record.operation)
            }
            operations[record.operation]?.add(record)
        }
        return (order.compactMap { operations[$0] }, damaged)
    }

    /// A whole file of the state folder, opened without following a planted link.
    private func readPrivateFile(_ path: String, missingIsEmpty: Bool) throws -> Data {
        let descriptor = SiteStateDirectory.openPrivateFile(path, flags: O_RDONLY)
        guard descriptor >= 0 else {
            if errno == ENOENT {
                if missingIsEmpty { return Data() }
                throw JournalError.backupMissing(path: path)
            }
            throw JournalError.stateDirectoryUnusable(path: path, detail: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        var result = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = read(descriptor, &buffer, buffer.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw JournalError.stateDirectoryUnusable(path: path, detail: String(cString: strerror(errno)))
            }
            if count == 0 { return result }
            result.append(contentsOf: buffer[0..<count])
        }
    }

    // MARK: - Storage

    private func append(_ record: JournalRecord) throws {
        var line = try Self.encoder.encode(record)
        line.append(UInt8(ascii: "\n"))
        let path = state.journalFile
        let descriptor = SiteStateDirectory.openPrivateFile(path, flags: O_RDWR | O_APPEND | O_CREAT)
        guard descriptor >= 0 else { throw JournalError.journalUnwritable(path: path, detail: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        // A record torn by a crash or a full disk has no newline: end it, so this record is not glued to it.
        var last: UInt8 = UInt8(ascii: "\n")
        let size = lseek(descriptor, 0, SEEK_END)
        if size > 0, pread(descriptor, &last, 1, size - 1) == 1, last != UInt8(ascii: "\n") { line.insert(UInt8(ascii: "\n"), at: 0) }
        let written = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == line.count, fsync(descriptor) == 0 else {
            throw JournalError.journalUnwritable(path: path, detail: String(cString: strerror(errno)))
        }
        TestStopPoint.reached(record.event.rawValue)
    }

    private func saveBackup(_ contents: Data, operation: String, name: String) throws -> String {
        let folder = SitePath.join(state.backupsDirectory, operation)
        try SiteStateDirectory.createPrivateDirectories(folder, trustedBelow: state.backupsDirectory)
        let relative = "\(operation)/\(name)"
        let path = SitePath.join(state.backupsDirectory, relative)
        // Never over an earlier backup: each is the only copy of what it saved.
        let descriptor = SiteStateDirectory.openPrivateFile(path, flags: O_WRONLY | O_CREAT | O_EXCL)
        guard descriptor >= 0 else { throw JournalError.journalUnwritable(path: path, detail: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        let written = contents.withUnsafeBytes { raw in raw.isEmpty ? 0 : write(descriptor, raw.baseAddress, raw.count) }
        guard written == contents.count, fsync(descriptor) == 0 else {
            throw JournalError.journalUnwritable(path: path, detail: String(cString: strerror(errno)))
        }
        return relative
    }

    private func loadBackup(_ relative: String) throws -> Data {
        try readPrivateFile(SitePath.join(state.backupsDirectory, relative), missingIsEmpty: false)
    }

    /// The largest file a step backs up whole.
    static let backupLimit = 64 << 20

    static func newOperationID(at date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let random = String(UInt64.random(in: 0...0xffff_ffff_ffff), radix: 16)
        return "\(formatter.string(from: date))-\(String(repeating: "0", count: 12 - random.count))\(random)"
    }

    // A coder per use, never one shared instance: journals of several sites (and the test
    // suite's parallel tests) encode at the same time, and a JSONEncoder shared between
    // threads crashed in JSONWriter.serializeString once in a full test run.
    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    private static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    /// Lets the crash tests stop the process reliably between recording a step and doing it,
    /// and between two steps.
    private static let stepDelay: useconds_t = {
        guard let value = ProcessInfo.processInfo.environment["WPRESCUE_TEST_STEP_DELAY_MS"], let ms = UInt32(value) else { return 0 }
        return ms * 1000
    }()

    private static func testHookBetweenSteps() {
        if stepDelay > 0 { usleep(stepDelay) }
    }
}
