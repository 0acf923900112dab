import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How to group entries for `LogReader.summary`.
public struct LogSummaryOptions: Sendable {
    /// Also replace the contents of quoted strings (`Undefined array key "a"`), so more messages group together.
    public var normalizeQuotedStrings = false
    /// Distinct groups kept; entries that would open more are counted in `ungroupedEntries`.
    public var maximumGroups = 10_000

    public init(normalizeQuotedStrings: Bool = false, maximumGroups: Int = 10_000) {
        self.normalizeQuotedStrings = normalizeQuotedStrings
        self.maximumGroups = maximumGroups
    }
}

/// Repeated errors counted once each.
///
/// JSON: `groups` (see `LogSummaryGroup`), `totalEntries`, `entriesByLevel` (`{"fatal": 3, "warning": 10}`),
/// `ungroupedEntries`, `report` (see `LogReadReport`).
public struct LogSummary: Equatable, Sendable, Codable {
    /// Most severe first, then most frequent, then most recent.
    public var groups: [LogSummaryGroup]
    /// Entries counted (after the since/level/tail filters).
    public var totalEntries: Int
    public var entriesByLevel: [String: Int]
    /// Entries counted in the totals but in no group, because `maximumGroups` was reached.
    public var ungroupedEntries: Int
    public var report: LogReadReport
}

/// One recurring error.
///
/// JSON: `signature` (the normalized message, ` @ ` and the relative file), `count`, `firstSeen`, `lastSeen`,
/// `level`, `kind` (as in `LogEntry`), `format`, `attribution` (as in `LogEntry`), `sampleMessage`,
/// `sampleFile`, `sampleLine` (from the most recent occurrence).
public struct LogSummaryGroup: Equatable, Sendable, Codable {
    public var signature: String
    public var count: Int
    public var firstSeen: Date?
    public var lastSeen: Date?
    public var level: LogLevel
    public var kind: LogEntryKind
    public var format: LogFormat
    public var attribution: LogAttribution
    public var sampleMessage: String
    public var sampleFile: String?
    public var sampleLine: Int?
}

/// Groups entries as they stream past, newest first, without keeping them.
///
/// Most lines of a real log repeat an earlier line except for the timestamp, so the bytes after the
/// timestamp are hashed and looked up first; only bytes never seen before are decoded, parsed, attributed
/// and normalized. The lookup keeps the bytes it has seen (up to a budget) and compares them, so a hash
/// collision can never merge two different entries.
final class LogSummaryBuilder {
    private struct GroupKey: Hashable {
        var signature: String
        var level: LogLevel
        var kind: LogEntryKind
        var source: LogSource
    }

    private struct Group {
        var summary: LogSummaryGroup
        var first: Double
        var last: Double
        var hasTime: Bool
    }

    private let options: LogSummaryOptions
    private let minimumLevel: LogLevel
    private let attributor: LogAttributor?
    private var parser: LogEntryParser
    private var groups: [Group] = []
    private var groupIndex: [GroupKey: Int] = [:]
    private let seen: SeenEntries
    private var countsByLevel = [Int](repeating: 0, count: LogLevel.allCases.count)
    private(set) var totalEntries = 0
    private var ungroupedEntries = 0
    private var references: [Int32] = []
    /// Group index used for entries past `maximumGroups` in `references`.
    private static let ungrouped: Int32 = -1

    init(options: LogSummaryOptions, minimumLevel: LogLevel?, attributor: LogAttributor?, localZone: TimeZone,
         memoryBudget: Int = 24 << 20) {
        self.options = options
        self.minimumLevel = minimumLevel ?? .info
        self.attributor = attributor
        parser = LogEntryParser(localZone: localZone, attributor: attributor)
        seen = SeenEntries(byteBudget: memoryBudget)
    }

    /// Counts the entries in `raw` that pass the level filter, at most `limit`; returns how many were counted.
    func add(_ raw: RawLogEntry, limit: Int = .max) -> Int {
        let time = raw.head?.seconds
        let bodyStart = min(raw.head?.bodyStart ?? 0, raw.bytes.count)
        let body = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(raw.bytes)[bodyStart...])
        let formatTag = UInt64(raw.head.map { Self.tag($0.format) } ?? 0)
        let hash = SeenEntries.hash(body, seed: formatTag)
        let range: Range<Int>
        if let known = seen.lookup(hash: hash, bytes: body) {
            range = known
        } else {
            let found = parser.parse(raw).map { group(for: $0) }
            if !seen.hasRoom(for: body.count) {
                // The budget is spent: forget the texts seen so memory stays bounded; the groups stay.
                seen.removeAll()
                references.removeAll(keepingCapacity: true)
            }
            let start = references.count
            references.append(contentsOf: found)
            range = start..<references.count
            seen.insert(hash: hash, bytes: body, references: range)
        }
        return count(range, time: time, limit: limit)
    }

    private func count(_ range: Range<Int>, time: Double?, limit: Int) -> Int {
        var counted = 0
        for position in range where counted < limit {
            let reference = references[position]
            if reference == Self.ungrouped {
                // Level unknown without a group: counted only when no level filter applies.
                guard minimumLevel == .info else { continue }
                ungroupedEntries += 1
                totalEntries += 1
                counted += 1
                continue
            }
            let index = Int(reference)
            let level = groups[index].summary.level
            guard level >= minimumLevel else { continue }
            countsByLevel[level.rank] += 1
            totalEntries += 1
            counted += 1
            groups[index].summary.count += 1
            if let time {
                if !groups[index].hasTime {
                    groups[index].first = time
                    groups[index].last = time
                    groups[index].hasTime = true
                } else {
                    if time < groups[index].first { groups[index].first = time }
                    if time > groups[index].last { groups[index].last = time }
                }
            }
        }
        return counted
    }

    private func group(for entry: LogEntry) -> Int32 {
        let key = GroupKey(signature: LogSignature.signature(for: entry, attributor: attributor, normalizeQuotedStrings: options.normalizeQuotedStrings),
                           level: entry.level, kind: entry.kind, source: entry.attribution.source)
        if let index = groupIndex[key] { return Int32(index) }
        guard groups.count < options.maximumGroups else { return Self.ungrouped }
        // Entries arrive newest first, so the first one seen is the most recent: the sample.
        let summary = LogSummaryGroup(signature: key.signature, count: 0, firstSeen: nil, lastSeen: nil, level: entry.level,
                                      kind: entry.kind, format: entry.format, attribution: entry.attribution,
                                      sampleMessage: entry.message, sampleFile: entry.file, sampleLine: entry.line)
        groups.append(Group(summary: summary, first: 0, last: 0, hasTime: false))
        groupIndex[key] = groups.count - 1
        return Int32(groups.count - 1)
    }

    func summary(report: LogReadReport) -> LogSummary {
        var result = groups.filter { $0.summary.count > 0 }.map { group -> LogSummaryGroup in
            var summary = group.summary
            if group.hasTime {
                summary.firstSeen = Date(timeIntervalSince1970: group.first)
                summary.lastSeen = Date(timeIntervalSince1970: group.last)
            }
            return summary
        }
        result.sort { left, right in
            if left.level != right.level { return left.level > right.level }
            if left.count != right.count { return left.count > right.count }
            if left.lastSeen != right.lastSeen { return (left.lastSeen ?? .distantPast) > (right.lastSeen ?? .distantPast) }
            return left.signature < right.signature
        }
        var byLevel: [String: Int] = [:]
        for level in LogLevel.allCases where countsByLevel[level.rank] > 0 { byLevel[level.rawValue] = countsByLevel[level.rank] }
        return LogSummary(groups: result, totalEntries: totalEntries, entriesByLevel: byLevel,
                          ungroupedEntries: ungroupedEntries, report: report)
    }

    private static func tag(_ format: LogFormat) -> UInt8 {
        switch format {
        case .phpErrorLog: return 1
        case .phpFPM: return 2
        case .nginx: return 3
        case .apache: return 4
        case .unrecognized: return 5
        }
    }
}

/// Entry texts seen before, by hash, with their bytes kept for an exact comparison.
final class SeenEntries {
    private var keys: [UInt64]
    private var slots: [Int32]
    private var records: [(offset: Int, length: Int, references: Range<Int>)] = []
    private var arena: UnsafeMutableRawPointer
    private var arenaUsed = 0
    private let arenaSize: Int

    init(byteBudget: Int) {
        arenaSize = max(4096, byteBudget * 3 / 4)
        // About one slot per 100 bytes of kept text, at most half full.
        let slotCount = max(1024, Self.powerOfTwo(atLeast: (byteBudget / 4) / 8))
        keys = [UInt64](repeating: 0, count: slotCount)
        slots = [Int32](repeating: -1, count: slotCount)
        arena = .allocate(byteCount: arenaSize, alignment: 8)
    }

    deinit { arena.deallocate() }

    func lookup(hash: UInt64, bytes: UnsafeRawBufferPointer) -> Range<Int>? {
        let mask = keys.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while keys[slot] != 0 {
            if keys[slot] == hash {
                let record = records[Int(slots[slot])]
                if record.length == bytes.count,
                   record.length == 0 || memcmp(arena + record.offset, bytes.baseAddress!, record.length) == 0 {
                    return record.references
                }
            }
            slot = (slot + 1) & mask
        }
        return nil
    }

    func hasRoom(for length: Int) -> Bool {
        arenaUsed + length <= arenaSize && records.count < keys.count / 2
    }

    /// Remembers `bytes`; does nothing when there is no room (see `hasRoom`), so an entry may just be parsed again.
    func insert(hash: UInt64, bytes: UnsafeRawBufferPointer, references: Range<Int>) {
        guard hasRoom(for: bytes.count) else { return }
        if let base = bytes.baseAddress, bytes.count > 0 { memcpy(arena + arenaUsed, base, bytes.count) }
        records.append((arenaUsed, bytes.count, references))
        arenaUsed += bytes.count
        let mask = keys.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while keys[slot] != 0 { slot = (slot + 1) & mask }
        keys[slot] = hash
        slots[slot] = Int32(records.count - 1)
    }

    func removeAll() {
        for index in keys.indices { keys[index] = 0 }
        records.removeAll(keepingCapacity: true)
        arenaUsed = 0
    }

    /// A fast non-cryptographic hash, never 0 (0 marks an empty slot). Four independent lanes keep the
    /// multiplier busy; the exact comparison in `lookup` makes its quality a matter of speed only.
    static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        let count = bytes.count
        guard let base = bytes.baseAddress else { return seed | 1 }
        var lane0 = seed ^ 0x9E37_79B9_7F4A_7C15
        var lane1 = UInt64(count) ^ 0xC2B2_AE3D_27D4_EB4F
        var lane2: UInt64 = 0x1656_67B1_9E37_79F9
        var lane3: UInt64 = 0x85EB_CA77_C2B2_AE63
        let multiplier: UInt64 = 0xBF58_476D_1CE4_E5B9
        var index = 0
        while index + 32 <= count {
            lane0 = (lane0 ^ base.loadUnaligned(fromByteOffset: index, as: UInt64.self)) &* multiplier
            lane1 = (lane1 ^ base.loadUnaligned(fromByteOffset: index + 8, as: UInt64.self)) &* multiplier
            lane2 = (lane2 ^ base.loadUnaligned(fromByteOffset: index + 16, as: UInt64.self)) &* multiplier
            lane3 = (lane3 ^ base.loadUnaligned(fromByteOffset: index + 24, as: UInt64.self)) &* multiplier
            lane0 ^= lane0 >> 29
            lane1 ^= lane1 >> 29
            lane2 ^= lane2 >> 29
            lane3 ^= lane3 >> 29
            index += 32
        }
        while index + 8 <= count {
            lane0 = (lane0 ^ base.loadUnaligned(fromByteOffset: index, as: UInt64.self)) &* multiplier
            lane0 ^= lane0 >> 29
            index += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while index < count {
            tail |= UInt64(base.load(fromByteOffset: index, as: UInt8.self)) << shift
            shift += 8
            index += 1
        }
        var hash = lane0 ^ (lane1 &* 0x94D0_49BB_1331_11EB) ^ (lane2 &* 0xD6E8_FEB8_6659_FD93) ^ (lane3 &* 0xFF51_AFD7_ED55_8CCD)
        hash = (hash ^ tail ^ UInt64(count)) &* multiplier
        hash ^= hash >> 31
        hash = hash &* 0x94D0_49BB_1331_11EB
        hash ^= hash >> 32
        return hash == 0 ? 1 : hash
    }

    private static func powerOfTwo(atLeast value: Int) -> Int {
        var result = 1
        while result < value { result <<= 1 }
        return result
    }
}
