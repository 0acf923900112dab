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
