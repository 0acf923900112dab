import Testing
import WPRescueTestSupport

/// Every suite that uses the one shared test bed nests in here, so that none of them runs
/// at the same time as another (`.serialized` covers nested suites too).
@Suite(.serialized, .enabled(if: Testbed.shouldRun))
enum TestbedSuites {}
