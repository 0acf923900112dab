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
/// Most entries of a real log repeat an earlier one except for the timestamp, or except for numbers and
/// hashes (order ids, allocation sizes, session keys). Two caches skip the parsing for those: the bytes after
/// the timestamp, exactly; then the same bytes with numbers and hashes replaced by the rules the signature
/// uses, restricted so that equal keys always yield the same signature, level, kind and source (see
/// `LogSignature.normalize(_:into:normalizeQuotedStrings:forCacheKey:)`). Only texts neither cache knows are
/// decoded, parsed, attributed and normalized. Both caches keep the bytes they compare (so a hash collision
/// cannot merge different entries) within a fixed budget, and start empty again when it is spent.
final class LogSummaryBuilder {
    private struct GroupKey: Hashable {
        var signature: String
        var level: LogLevel
        var kind: LogEntryKind
        var source: LogSource
    }

    // The hot state is marked `@exclusivity(unchecked)`: it is touched once or more per entry, only from
    // this object's own methods, never through overlapping accesses; the runtime check cost more than the work.
    private let options: LogSummaryOptions
    private let minimumRank: Int
    private let attributor: LogAttributor?
    @exclusivity(unchecked) private var parser: LogEntryParser
    @exclusivity(unchecked) private var groups: [LogSummaryGroup] = []
    /// Per group, updated for every entry: plain memory, see `Tallies`.
    private let tallies = Tallies()
    @exclusivity(unchecked) private var groupIndex: [GroupKey: Int] = [:]
    private let exact: SeenEntries
    private let similar: SeenEntries
    @exclusivity(unchecked) private var keyScratch: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var keyScratchCapacity = 4096
    @exclusivity(unchecked) private var found: UnsafeMutablePointer<Int32>
    @exclusivity(unchecked) private var foundCapacity = 64
    @exclusivity(unchecked) private var foundCount = 0
    private let countsByLevel = UnsafeMutablePointer<Int>.allocate(capacity: LogLevel.allCases.count)
    @exclusivity(unchecked) private(set) var totalEntries = 0
    @exclusivity(unchecked) private var ungroupedEntries = 0
    /// Group index used for entries past `maximumGroups`.
    private static let ungrouped: Int32 = -1
    /// Off in tests that check the caches against parsing everything.
    var usesSimilarCache = true

    init(options: LogSummaryOptions, minimumLevel: LogLevel?, attributor: LogAttributor?, localZone: TimeZone,
         memoryBudget: Int = 24 << 20) {
        self.options = options
        minimumRank = (minimumLevel ?? .info).rank
        self.attributor = attributor
        parser = LogEntryParser(localZone: localZone, attributor: attributor)
        exact = SeenEntries(byteBudget: memoryBudget * 2 / 3)
        similar = SeenEntries(byteBudget: memoryBudget / 3)
        keyScratch = .allocate(capacity: keyScratchCapacity)
        found = .allocate(capacity: foundCapacity)
        countsByLevel.initialize(repeating: 0, count: LogLevel.allCases.count)
    }

    deinit {
        keyScratch.deallocate()
        found.deallocate()
        countsByLevel.deallocate()
    }

    /// Count, first and last time, and level rank of each group.
    private final class Tallies {
        @exclusivity(unchecked) var counts: UnsafeMutablePointer<Int> = .allocate(capacity: 64)
        @exclusivity(unchecked) var first: UnsafeMutablePointer<Double> = .allocate(capacity: 64)
        @exclusivity(unchecked) var last: UnsafeMutablePointer<Double> = .allocate(capacity: 64)
        @exclusivity(unchecked) var ranks: UnsafeMutablePointer<Int> = .allocate(capacity: 64)
        @exclusivity(unchecked) var capacity = 64
        @exclusivity(unchecked) var count = 0

        deinit {
            counts.deallocate()
            first.deallocate()
            last.deallocate()
            ranks.deallocate()
        }

        func append(rank: Int) {
            if count == capacity {
                capacity *= 2
                counts = Self.grow(counts, count: count, to: capacity)
                first = Self.grow(first, count: count, to: capacity)
                last = Self.grow(last, count: count, to: capacity)
                ranks = Self.grow(ranks, count: count, to: capacity)
            }
            counts[count] = 0
            first[count] = .infinity
            last[count] = -.infinity
            ranks[count] = rank
            count += 1
        }

        private static func grow<T>(_ pointer: UnsafeMutablePointer<T>, count: Int, to capacity: Int) -> UnsafeMutablePointer<T> {
            let bigger = UnsafeMutablePointer<T>.allocate(capacity: capacity)
            bigger.moveInitialize(from: pointer, count: count)
            pointer.deallocate()
            return bigger
        }
    }

    private func appendFound(_ group: Int32) {
        if foundCount == foundCapacity {
            let bigger = UnsafeMutablePointer<Int32>.allocate(capacity: foundCapacity * 2)
            bigger.update(from: found, count: foundCount)
            found.deallocate()
            found = bigger
            foundCapacity *= 2
        }
        found[foundCount] = group
        foundCount += 1
    }

    /// Counts the entries in `raw` that pass the level filter, at most `limit`; returns how many were counted.
    func add(_ raw: RawLogEntry, limit: Int = .max) -> Int {
        let time = raw.head?.seconds ?? .nan
        let bodyStart = min(raw.head?.bodyStart ?? 0, raw.bytes.count)
        let body = UnsafeBufferPointer(rebasing: raw.bytes[bodyStart...])
        let formatTag = UInt64(raw.head.map { Self.tag($0.format) } ?? 0)
        let hash = SeenEntries.hash(UnsafeRawBufferPointer(body), seed: formatTag)
        if let known = exact.lookup(hash: hash, bytes: UnsafeRawBufferPointer(body)) {
            return count(exact.groups(in: known), time: time, limit: limit)
        }
        foundCount = 0
        var key = UnsafeRawBufferPointer(start: nil, count: 0)
        var keyHash: UInt64 = 0
        var similarHit = false
        if usesSimilarCache {
            let needed = LogSignature.outputCapacity(for: body.count)
            if needed > keyScratchCapacity {
                keyScratch.deallocate()
                keyScratchCapacity = max(needed, keyScratchCapacity * 2)
                keyScratch = .allocate(capacity: keyScratchCapacity)
            }
            let length = LogSignature.normalize(body, into: keyScratch, normalizeQuotedStrings: false, forCacheKey: true)
            key = UnsafeRawBufferPointer(start: keyScratch, count: length)
            keyHash = SeenEntries.hash(key, seed: formatTag)
            if let known = similar.lookup(hash: keyHash, bytes: key) {
                for group in similar.groups(in: known) { appendFound(group) }
                similarHit = true
            }
        }
        var eligibleForSimilar = true
        if !similarHit {
            for entry in parser.parse(raw) {
                appendFound(group(for: entry))
                // The signal a worker died of decides its level, and the key does not keep it.
                if case .workerKilled = entry.kind { eligibleForSimilar = false }
            }
        }
        let groupsFound = UnsafeBufferPointer(start: found, count: foundCount)
        if usesSimilarCache, !similarHit, eligibleForSimilar { similar.insert(hash: keyHash, bytes: key, groups: groupsFound) }
        exact.insert(hash: hash, bytes: UnsafeRawBufferPointer(body), groups: groupsFound)
        return count(groupsFound, time: time, limit: limit)
    }

    /// `time` is NaN for entries without a timestamp.
    private func count(_ references: UnsafeBufferPointer<Int32>, time: Double, limit: Int) -> Int {
        var counted = 0
        for reference in references where counted < limit {
            if reference == Self.ungrouped {
                // Level unknown without a group: counted only when no level filter applies.
                guard minimumRank == 0 else { continue }
                ungroupedEntries += 1
                totalEntries += 1
                counted += 1
                continue
            }
            let index = Int(reference)
            let rank = tallies.ranks[index]
            guard rank >= minimumRank else { continue }
            countsByLevel[rank] += 1
            totalEntries += 1
            counted += 1
            tallies.counts[index] += 1
            // NaN compares false, so an entry without a time leaves both alone.
            if time < tallies.first[index] { tallies.first[index] = time }
            if time > tallies.last[index] { tallies.last[index] = time }
        }
        return counted
    }

    private func group(for entry: LogEntry) -> Int32 {
        let key = GroupKey(signature: LogSignature.signature(for: entry, attributor: attributor, normalizeQuotedStrings: options.normalizeQuotedStrings),
                           level: entry.level, kind: entry.kind, source: entry.attribution.source)
        if let index = groupIndex[key] { return Int32(index) }
        guard groups.count < options.maximumGroups else { return Self.ungrouped }
        // Entries arrive newest first, so the first one seen is the most recent: the sample.
        groups.append(LogSummaryGroup(signature: key.signature, count: 0, firstSeen: nil, lastSeen: nil, level: entry.level,
                                      kind: entry.kind, format: entry.format, attribution: entry.attribution,
                                      sampleMessage: entry.message, sampleFile: entry.file, sampleLine: entry.line))
        tallies.append(rank: entry.level.rank)
        groupIndex[key] = groups.count - 1
        return Int32(groups.count - 1)
    }

    func summary(report: LogReadReport) -> LogSummary {
        var result: [LogSummaryGroup] = []
        for index in groups.indices where tallies.counts[index] > 0 {
            var group = groups[index]
            group.count = tallies.counts[index]
            if tallies.first[index].isFinite {
                group.firstSeen = Date(timeIntervalSince1970: tallies.first[index])
                group.lastSeen = Date(timeIntervalSince1970: tallies.last[index])
            }
            result.append(group)
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

/// Entry texts seen before, by hash, with their bytes kept for an exact comparison, and the groups they fell in.
///
/// Plain memory rather than arrays: it is consulted for every entry, and array bookkeeping (uniqueness checks,
/// reference counting) cost as much as the lookup itself.
final class SeenEntries {
    private struct Record {
        var offset: UInt32
        var length: UInt32
        var groupsStart: UInt32
        var groupsCount: UInt32
    }

    private let slotCount: Int
    private let keys: UnsafeMutablePointer<UInt64>
    private let slots: UnsafeMutablePointer<UInt32>
    private let records: UnsafeMutablePointer<Record>
    @exclusivity(unchecked) private var recordCount = 0
    /// Group indexes of every record, back to back.
    @exclusivity(unchecked) private(set) var groups: UnsafeMutablePointer<Int32>
    @exclusivity(unchecked) private var groupCapacity = 4096
    @exclusivity(unchecked) private var groupCount = 0
    private let arena: UnsafeMutableRawPointer
    @exclusivity(unchecked) private var arenaUsed = 0
    private let arenaSize: Int

    init(byteBudget: Int) {
        // About 4/5 for the texts, the rest for the table (one slot per ~100 bytes of text, at most half full).
        arenaSize = max(4096, min(byteBudget * 4 / 5, Int(UInt32.max)))
        slotCount = max(1024, Self.powerOfTwo(atLeast: arenaSize / 96))
        keys = .allocate(capacity: slotCount)
        keys.initialize(repeating: 0, count: slotCount)
        slots = .allocate(capacity: slotCount)
        slots.initialize(repeating: 0, count: slotCount)
        records = .allocate(capacity: slotCount / 2)
        groups = .allocate(capacity: groupCapacity)
        arena = .allocate(byteCount: arenaSize, alignment: 8)
    }

    deinit {
        keys.deallocate()
        slots.deallocate()
        records.deallocate()
        groups.deallocate()
        arena.deallocate()
    }

    /// Where the groups of `bytes` are in `groups`, if seen.
    func lookup(hash: UInt64, bytes: UnsafeRawBufferPointer) -> Range<Int>? {
        let mask = slotCount - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while keys[slot] != 0 {
            if keys[slot] == hash {
                let record = records[Int(slots[slot])]
                if Int(record.length) == bytes.count,
                   record.length == 0 || memcmp(arena + Int(record.offset), bytes.baseAddress!, bytes.count) == 0 {
                    let start = Int(record.groupsStart)
                    return start..<(start + Int(record.groupsCount))
                }
            }
            slot = (slot + 1) & mask
        }
        return nil
    }

    func groups(in range: Range<Int>) -> UnsafeBufferPointer<Int32> {
        UnsafeBufferPointer(start: groups + range.lowerBound, count: range.count)
    }

    /// Remembers `bytes` and their groups, first forgetting everything when the budget is spent.
    func insert(hash: UInt64, bytes: UnsafeRawBufferPointer, groups found: UnsafeBufferPointer<Int32>) {
        guard bytes.count <= arenaSize / 4 else { return }
        if arenaUsed + bytes.count > arenaSize || recordCount >= slotCount / 2 { removeAll() }
        if groupCount + found.count > groupCapacity {
            let bigger = max(groupCapacity * 2, groupCount + found.count)
            let replacement = UnsafeMutablePointer<Int32>.allocate(capacity: bigger)
            replacement.update(from: groups, count: groupCount)
            groups.deallocate()
            groups = replacement
            groupCapacity = bigger
        }
        if let base = bytes.baseAddress, bytes.count > 0 { memcpy(arena + arenaUsed, base, bytes.count) }
        if let source = found.baseAddress { (groups + groupCount).update(from: source, count: found.count) }
        records[recordCount] = Record(offset: UInt32(arenaUsed), length: UInt32(bytes.count), groupsStart: UInt32(groupCount),
                                      groupsCount: UInt32(found.count))
        groupCount += found.count
        arenaUsed += bytes.count
        let mask = slotCount - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while keys[slot] != 0 { slot = (slot + 1) & mask }
        keys[slot] = hash
        slots[slot] = UInt32(recordCount)
        recordCount += 1
    }

    func removeAll() {
        keys.update(repeating: 0, count: slotCount)
        recordCount = 0
        groupCount = 0
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
