import ArgumentParser
import WPRescueKit

/// How patiently a command that switches plugins and probes judges the site; shared by
/// bisect, rescue and playbook run.
struct SearchTimingOptions: ParsableArguments {
    @Option(name: .long, help: "Seconds PHP may keep running old code after files change (opcache revalidates every 2 s by default): after a change, wprescue waits or looks twice that far apart. 0 trusts one look at once.")
    var settle: Double = 2.1

    @Option(name: .long, parsing: .upToNextOption, help: "Seconds to wait before looking again at a 502/503/504 or timeout (one value per repeat).")
    var confirmDelays: [Double] = [1, 3]

    func validate() throws {
        if settle < 0 { throw ValidationError("--settle must be 0 or more seconds.") }
        if confirmDelays.isEmpty || confirmDelays.contains(where: { $0 < 0 }) {
            throw ValidationError("--confirm-delays takes one or more seconds, each 0 or more.")
        }
    }

    /// A 502 from load usually clears within seconds; two confirmations a few seconds apart
    /// keep the wrong-culprit rate under 0.1% in the benchmark without making a real 502 slow.
    var policy: BisectPolicy { BisectPolicy(transientConfirmations: confirmDelays.count, retryDelays: confirmDelays) }
}
