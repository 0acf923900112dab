import Foundation

/// Waits for a running wprescue to reach a given point in its journal, so a test can kill
/// it at a known moment instead of after a guessed delay.
public enum JournalWatch {
    /// Polls every journal under `stateDirectory` until `marker` appears `count` times (at most `timeout` seconds).
    public static func wait(in stateDirectory: String, forMarker marker: String, count: Int, timeout: TimeInterval = 10) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let sites = (try? FileManager.default.contentsOfDirectory(atPath: stateDirectory + "/sites")) ?? []
            for site in sites {
                let text = (try? String(contentsOfFile: "\(stateDirectory)/sites/\(site)/journal.jsonl", encoding: .utf8)) ?? ""
                if text.components(separatedBy: marker).count - 1 >= count { return true }
            }
            usleep(1000)
        }
        return false
    }
}

/// Processes started with `WPRESCUE_TEST_STOP_AT`, which stop themselves at a journal record.
public enum StoppedProcess {
    /// The environment that makes wprescue stop right after its `count`-th `event` record.
    public static func environment(stoppingAfter event: String, count: Int) -> [String: String] {
        ["WPRESCUE_TEST_STOP_AT": "\(event):\(count)"]
    }

    /// Waits until `pid` is stopped (state T in /proc); false when it ended or `timeout` passed.
    public static func wait(for pid: Int32, timeout: TimeInterval = 60) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            // The field after the command name is the state.
            let state = stat[stat.index(after: close)...].split(separator: " ").first
            if state == "T" { return true }
            if state == "Z" || state == "X" { return false }
            usleep(1000)
        }
        return false
    }
}
