import Foundation

/// The start of a line that begins a log entry: which format, when, and where the text after the timestamp begins.
struct LogLineHead: Equatable {
    var format: LogFormat
    /// Seconds since 1970 in UTC.
    var seconds: Double
    /// The zone as written (debug.log only), as a byte range of the line; empty when the line has none.
    var zoneRange: Range<Int>
    /// Index of the first byte after the timestamp (and the space after it).
    var bodyStart: Int
}

/// Recognizes entry heads on raw bytes, so that most lines are classified without building a String.
///
/// Formats (byte positions fixed by the programs that write them):
/// - PHP error_log / debug.log: `[21-Nov-2026 11:19:51 UTC] ` (any zone name up to `]`)
/// - PHP-FPM: `[21-Nov-2026 11:19:51] ` or with `.123456` before `]`
/// - nginx: `2026/11/21 11:19:51 [`
/// - Apache: `[Sat Nov 21 11:19:51.123456 2026] ` (fraction optional)
struct LogHeadRecognizer {
    /// Zone for formats that write local time without a zone (PHP-FPM, nginx, Apache).
    let localZone: TimeZone
    private var localOffsets = ZoneOffsetCache()
    private var namedZoneBytes: [UInt8] = []
    private var namedZone: TimeZone?
    private var namedOffsets = ZoneOffsetCache()
    /// The last date part seen (`21-Nov-2026`, or nginx's `2026/11/21`) as raw bytes and its midnight: lines of
    /// a day share it, and comparing 12 bytes is cheaper than parsing them.
    private var lastDateKey: (UInt64, UInt64) = (0, 0)
    private var lastDateMidnight: Int64 = 0

    init(localZone: TimeZone) {
        self.localZone = localZone
    }

    /// The head at the start of `line`, or nil when the line does not start an entry.
    mutating func recognize(_ line: UnsafeBufferPointer<UInt8>) -> LogLineHead? {
        guard line.count >= 20 else { return nil }
        let first = line[0]
        if first == UInt8(ascii: "[") {
            let second = line[1]
            if second >= UInt8(ascii: "0") && second <= UInt8(ascii: "9") { return recognizePHP(line) }
            if second >= UInt8(ascii: "A") && second <= UInt8(ascii: "Z") { return recognizeApache(line) }
            return nil
        }
        if first >= UInt8(ascii: "1") && first <= UInt8(ascii: "9") { return recognizeNginx(line) }
        return nil
    }

    // `[21-Nov-2026 11:19:51 UTC] ` or PHP-FPM's `[21-Nov-2026 11:19:51] `
    private mutating func recognizePHP(_ line: UnsafeBufferPointer<UInt8>) -> LogLineHead? {
        guard line.count >= 23, let midnight = date(line, key: 1) ?? phpDate(line), let clock = clock(line, 13) else { return nil }
        let local = midnight + clock
        var index = 21
        var fraction = 0.0
        if line[index] == UInt8(ascii: ".") {
            (fraction, index) = Self.fraction(line, index + 1)
        }
        guard index < line.count else { return nil }
        if line[index] == UInt8(ascii: "]") {
            let offset = localOffsets.offset(localSeconds: local, zone: localZone)
            return LogLineHead(format: .phpFPM, seconds: Double(local - offset) + fraction, zoneRange: 0..<0,
                               bodyStart: Self.skipSpace(line, index + 1))
        }
        guard line[index] == UInt8(ascii: " ") else { return nil }
        let zoneStart = index + 1
        var zoneEnd = zoneStart
        let limit = min(line.count, zoneStart + 64)
        while zoneEnd < limit, line[zoneEnd] != UInt8(ascii: "]") {
            if line[zoneEnd] == UInt8(ascii: " ") { return nil }
            zoneEnd += 1
        }
        guard zoneEnd < limit, zoneEnd > zoneStart else { return nil }
        let offset = zoneOffset(UnsafeBufferPointer(rebasing: line[zoneStart..<zoneEnd]), localSeconds: local)
        return LogLineHead(format: .phpErrorLog, seconds: Double(local - offset) + fraction, zoneRange: zoneStart..<zoneEnd,
                           bodyStart: Self.skipSpace(line, zoneEnd + 1))
    }

    /// `21-Nov-2026 ` at 1, as midnight in seconds, when it is new.
    private mutating func phpDate(_ line: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard let day = digits(line, 1, 2), line[3] == UInt8(ascii: "-"),
              let month = Self.month(line, 4), line[7] == UInt8(ascii: "-"),
              let year = digits(line, 8, 4), line[12] == UInt8(ascii: " ") else { return nil }
        return remember(line, key: 1, midnight: Self.epochSeconds(year: year, month: month, day: day))
    }

    /// `2026/11/21 ` at 0, as midnight in seconds, when it is new.
    private mutating func nginxDate(_ line: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard let year = digits(line, 0, 4), line[4] == UInt8(ascii: "/"),
              let month = digits(line, 5, 2), line[7] == UInt8(ascii: "/"),
              let day = digits(line, 8, 2), line[10] == UInt8(ascii: " "), (1...12).contains(month) else { return nil }
        return remember(line, key: 0, midnight: Self.epochSeconds(year: year, month: month, day: day))
    }

    /// The midnight of the 12 bytes at `start` when they equal the last date recognized (the caller ensures
    /// `start + 12 <= line.count`).
    @inline(__always) private func date(_ line: UnsafeBufferPointer<UInt8>, key start: Int) -> Int64? {
        let raw = UnsafeRawPointer(line.baseAddress!)
        let key = (raw.loadUnaligned(fromByteOffset: start, as: UInt64.self), raw.loadUnaligned(fromByteOffset: start + 4, as: UInt64.self))
        return key == lastDateKey ? lastDateMidnight : nil
    }

    private mutating func remember(_ line: UnsafeBufferPointer<UInt8>, key start: Int, midnight: Int64) -> Int64 {
        let raw = UnsafeRawPointer(line.baseAddress!)
        lastDateKey = (raw.loadUnaligned(fromByteOffset: start, as: UInt64.self), raw.loadUnaligned(fromByteOffset: start + 4, as: UInt64.self))
        lastDateMidnight = midnight
        return midnight
    }

    // `2026/11/21 11:19:51 [error] ...`
    private mutating func recognizeNginx(_ line: UnsafeBufferPointer<UInt8>) -> LogLineHead? {
        guard line.count >= 22, let midnight = date(line, key: 0) ?? nginxDate(line), let clock = clock(line, 11),
              line[19] == UInt8(ascii: " "), line[20] == UInt8(ascii: "[") else { return nil }
        let local = midnight + clock
        let offset = localOffsets.offset(localSeconds: local, zone: localZone)
        return LogLineHead(format: .nginx, seconds: Double(local - offset), zoneRange: 0..<0, bodyStart: 20)
    }

    // `[Sat Nov 21 11:19:51.123456 2026] ...`
    private mutating func recognizeApache(_ line: UnsafeBufferPointer<UInt8>) -> LogLineHead? {
        guard line.count >= 26, line[4] == UInt8(ascii: " "),
              let month = Self.month(line, 5), line[8] == UInt8(ascii: " ") else { return nil }
        var index = 9
        if line[index] == UInt8(ascii: " ") { index += 1 }
        var day = 0
        while index < line.count, let digit = digit(line[index]) {
            day = day * 10 + digit
            index += 1
        }
        guard (1...31).contains(day), index + 9 < line.count, line[index] == UInt8(ascii: " "),
              let clock = clock(line, index + 1) else { return nil }
        index += 9
        var fraction = 0.0
        if line[index] == UInt8(ascii: ".") { (fraction, index) = Self.fraction(line, index + 1) }
        guard index + 6 <= line.count, line[index] == UInt8(ascii: " "),
              let year = digits(line, index + 1, 4), line[index + 5] == UInt8(ascii: "]") else { return nil }
        let local = Self.epochSeconds(year: year, month: month, day: day) + clock
        let offset = localOffsets.offset(localSeconds: local, zone: localZone)
        return LogLineHead(format: .apache, seconds: Double(local - offset) + fraction, zoneRange: 0..<0,
                           bodyStart: Self.skipSpace(line, index + 6))
    }

    private mutating func zoneOffset(_ zone: UnsafeBufferPointer<UInt8>, localSeconds: Int64) -> Int64 {
        if zone.count == 3, zone[0] == UInt8(ascii: "U"), zone[1] == UInt8(ascii: "T"), zone[2] == UInt8(ascii: "C") { return 0 }
        if !namedZoneBytes.elementsEqual(zone) {
            namedZoneBytes = Array(zone)
            namedZone = Self.timeZone(named: String(decoding: zone, as: UTF8.self))
            namedOffsets = ZoneOffsetCache()
        }
        // A zone PHP wrote but this system does not know: fall back to the caller's zone rather than drop the line.
        return namedOffsets.offset(localSeconds: localSeconds, zone: namedZone ?? localZone)
    }

    static func timeZone(named name: String) -> TimeZone? {
        if name == "UTC" || name == "GMT" || name == "Z" { return TimeZone(identifier: "UTC") }
        if let first = name.first, first == "+" || first == "-" {
            let digitsOnly = name.dropFirst().filter { $0 != ":" }
            guard digitsOnly.count == 4, let value = Int(digitsOnly) else { return nil }
            let seconds = (value / 100) * 3600 + (value % 100) * 60
            return TimeZone(secondsFromGMT: first == "-" ? -seconds : seconds)
        }
        return TimeZone(identifier: name) ?? TimeZone(abbreviation: name)
    }

    // MARK: - Byte helpers

    @inline(__always) private func digit(_ byte: UInt8) -> Int? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int(byte &- UInt8(ascii: "0")) : nil
    }

    @inline(__always) private func digits(_ line: UnsafeBufferPointer<UInt8>, _ start: Int, _ count: Int) -> Int? {
        guard start + count <= line.count else { return nil }
        var value = 0
        for index in start..<(start + count) {
            guard let digit = digit(line[index]) else { return nil }
            value = value * 10 + digit
        }
        return value
    }

    /// `HH:MM:SS` at `start`, as seconds since midnight.
    @inline(__always) private func clock(_ line: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int64? {
        guard let hour = digits(line, start, 2), line[start + 2] == UInt8(ascii: ":"),
              let minute = digits(line, start + 3, 2), line[start + 5] == UInt8(ascii: ":"),
              let second = digits(line, start + 6, 2), hour < 24, minute < 60, second < 61 else { return nil }
        return Int64(hour * 3600 + minute * 60 + second)
    }

    private static func fraction(_ line: UnsafeBufferPointer<UInt8>, _ start: Int) -> (Double, Int) {
        var index = start
        var value = 0.0
        var scale = 0.1
        while index < line.count, line[index] >= UInt8(ascii: "0"), line[index] <= UInt8(ascii: "9") {
            value += Double(line[index] - UInt8(ascii: "0")) * scale
            scale /= 10
            index += 1
        }
        return (value, index)
    }

    private static func skipSpace(_ line: UnsafeBufferPointer<UInt8>, _ index: Int) -> Int {
        index < line.count && line[index] == UInt8(ascii: " ") ? index + 1 : min(index, line.count)
    }

    private static func month(_ line: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int? {
        guard start + 3 <= line.count else { return nil }
        let key = UInt32(line[start]) << 16 | UInt32(line[start + 1]) << 8 | UInt32(line[start + 2])
        switch key {
        case 0x4A616E: return 1  // Jan
        case 0x466562: return 2  // Feb
        case 0x4D6172: return 3  // Mar
        case 0x417072: return 4  // Apr
        case 0x4D6179: return 5  // May
        case 0x4A756E: return 6  // Jun
        case 0x4A756C: return 7  // Jul
        case 0x417567: return 8  // Aug
        case 0x536570: return 9  // Sep
        case 0x4F6374: return 10 // Oct
        case 0x4E6F76: return 11 // Nov
        case 0x446563: return 12 // Dec
        default: return nil
        }
    }

    /// Seconds from 1970-01-01 to the given civil date at midnight (proleptic Gregorian, Howard Hinnant's algorithm).
    static func epochSeconds(year: Int, month: Int, day: Int) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return Int64(era * 146097 + dayOfEra - 719468) * 86400
    }
}

/// Remembers a zone's UTC offset for the last local hour seen: log lines come in order, so nearly every
/// lookup hits, and Foundation's zone arithmetic runs about once an hour of log.
private struct ZoneOffsetCache {
    private var hour: Int64 = .min
    private var offset: Int64 = 0

    mutating func offset(localSeconds: Int64, zone: TimeZone) -> Int64 {
        let localHour = localSeconds / 3600
        if localHour == hour { return offset }
        // Local time minus the offset is UTC; the offset itself depends on UTC, so estimate, then correct once.
        let estimate = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(localSeconds))))
        let corrected = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(localSeconds - estimate))))
        hour = localHour
        offset = corrected
        return corrected
    }
}
