import Foundation
import Testing
@testable import WPRescueKit

struct LogJSONTests {
    static func object(_ value: some Encodable) throws -> [String: Any] {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(value)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func `encodes an entry with the documented names`() throws {
        let fatal = try #require(try LogFixtures.entries("debug.log").first { $0.kind == .uncaughtThrowable(className: "TypeError") })
        let json = try Self.object(fatal)
        #expect(Set(json.keys) == ["timestamp", "timeZone", "format", "level", "kind", "label", "message", "file", "line",
                                   "stackFrames", "attribution", "raw", "offset"])
        #expect(json["timestamp"] as? String == "2026-11-21T11:19:51Z")
        #expect(json["format"] as? String == "php-error-log")
        #expect(json["level"] as? String == "fatal")
        #expect(json["kind"] as? [String: String] == ["type": "uncaught-throwable", "className": "TypeError"])
        let attribution = try #require(json["attribution"] as? [String: Any])
        #expect(attribution["source"] as? String == "plugin")
        #expect(attribution["name"] as? String == "related-posts-pro")
        #expect(attribution["attributedVia"] as? String == "stack-frame")
        #expect(attribution["frameIndex"] as? Int == 3)
        let frames = try #require(json["stackFrames"] as? [[String: Any]])
        #expect(Set(frames[0].keys) == ["index", "file", "line", "call"])
    }

    @Test func `encodes kinds with their values and decodes them back`() throws {
        let kinds: [LogEntryKind] = [.memoryExhausted(limitBytes: 134_217_728), .timeLimit(seconds: 30), .workerKilled(signal: 9),
                                     .uncaughtThrowable(className: "Error"), .fpmUnreachable, .htaccessInvalid]
        for kind in kinds {
            let data = try JSONEncoder().encode(kind)
            #expect(try JSONDecoder().decode(LogEntryKind.self, from: data) == kind)
        }
        let memory = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(LogEntryKind.memoryExhausted(limitBytes: 5))) as? [String: Any])
        #expect(memory["type"] as? String == "memory-exhausted")
        #expect(memory["limitBytes"] as? Int == 5)
    }

    @Test func `round-trips entries and summaries`() throws {
        let encoder = JSONEncoder()
        let decoder = JSONDecoder()
        let entries = try LogFixtures.entries("nginx-error.log")
        #expect(try decoder.decode([LogEntry].self, from: encoder.encode(entries)) == entries)
        let summary = try LogFixtures.summary("apache-error.log")
        #expect(try decoder.decode(LogSummary.self, from: encoder.encode(summary)) == summary)
        let json = try Self.object(summary)
        #expect(Set(json.keys) == ["groups", "totalEntries", "entriesByLevel", "ungroupedEntries", "report"])
        let group = try #require((json["groups"] as? [[String: Any]])?.first)
        #expect(Set(group.keys).isSuperset(of: ["signature", "count", "firstSeen", "lastSeen", "level", "kind", "format", "attribution", "sampleMessage"]))
        let report = try #require(json["report"] as? [String: Any])
        #expect(Set(report.keys) == ["path", "fileSize", "startOffset", "endOffset", "bytesRead", "reachedStartOfFile", "limitedByMaxBytes",
                                     "stoppedEarly", "skippedLeadingBytes", "truncatedLines", "restarts", "shrankWhileReading",
                                     "grewWhileReadingBytes"])
    }
}
