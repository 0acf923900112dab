import Testing
import WPRescueTestSupport
@testable import WPRescueKit

/// Several looks in flight at once (the header method): the same answers in fewer rounds.
struct ParallelLooksTests {
    static let widths = [2, 3, 4]

    @Test(arguments: widths)
    func `finds every lone culprit, pair and independent pair as the sequential search does`(width: Int) throws {
        let names = BisectFixtures.slugs(24)
        var worlds: [[Set<String>]] = names.map { [[$0]] }
        worlds += [[["plugin-3", "plugin-17"]], [["plugin-0", "plugin-23"]], [["plugin-5"], ["plugin-19"]], [["plugin-8", "plugin-9", "plugin-20"]]]
        for world in worlds {
            let site = FakeSite(failingSets: world)
            let result = try PluginBisector(candidates: names, policy: BisectPolicy(parallelLooks: width)).run(oracle: site)
            #expect(BisectFixtures.unordered(result.culprits) == Set(world), "\(world)")
            #expect(BisectFixtures.problem(with: result, on: site, candidates: names) == nil)
            #expect(site.batchSizes.allSatisfy { $0 <= width }, "never more than \(width) looks at once: \(site.batchSizes)")
        }
    }

    @Test(arguments: [32, 64, 128])
    func `splitting each round into four parts needs fewer rounds than halving`(n: Int) throws {
        let names = BisectFixtures.slugs(n)
        var sequentialRounds = 0, parallelRounds = 0
        for culprit in names {
            let one = FakeSite(failingSets: [[culprit]])
            _ = try PluginBisector(candidates: names).run(oracle: one)
            sequentialRounds += one.batchSizes.count
            let three = FakeSite(failingSets: [[culprit]])
            _ = try PluginBisector(candidates: names, policy: BisectPolicy(parallelLooks: 3)).run(oracle: three)
            parallelRounds += three.batchSizes.count
        }
        #expect(parallelRounds * 10 <= sequentialRounds * 8, "\(parallelRounds) rounds with 3 at once, \(sequentialRounds) one at a time")
    }

    @Test func `the confirmations of a quick 502 go out together`() throws {
        let names = BisectFixtures.slugs(16)
        let site = FakeSite(failingSets: [["plugin-11"]])
        site.breakageIsTransient = true
        let result = try PluginBisector(candidates: names, policy: BisectPolicy(transientConfirmations: 2, parallelLooks: 3)).run(oracle: site)
        #expect(result.conclusion == .culpritsFound([["plugin-11"]]))
        // The first batch holds both baselines; the second, the two confirmations of the first.
        #expect(site.batchSizes.prefix(2) == [2, 2])
        #expect(site.looks[2] == Set(names) && site.looks[3] == Set(names))
    }

    @Test(arguments: [1, 3])
    func `a 10 percent flaky site yields wrong culprits in at most 1 percent of 3000 seeded runs`(width: Int) throws {
        var wrong: [String] = []
        var runs = 0
        for n in [8, 41, 100] {
            let names = BisectFixtures.slugs(n)
            for seed in 0..<UInt64(1000) {
                var picker = SeededGenerator(seed: seed &* 104_729 &+ UInt64(n) &+ UInt64(width))
                let first = names[Int(picker.next() % UInt64(n))]
                let second = names[Int(picker.next() % UInt64(n))]
                let world: [Set<String>] = seed % 2 == 0 ? [[first]] : [[first, second]]
                let site = FakeSite(failingSets: world)
                site.flakeRate = 0.1
                // Half the worlds break the way a crashing PHP-FPM does: a 502, itself "transient".
                site.breakageIsTransient = seed % 4 < 2
                site.random = SeededGenerator(seed: picker.next())
                let result = try PluginBisector(candidates: names, policy: BisectPolicy(parallelLooks: width)).run(oracle: site)
                runs += 1
                if result.conclusion != .culpritsFound(result.culprits) || BisectFixtures.unordered(result.culprits) != Set(world) {
                    // Inconclusive is not a wrong culprit, but it is counted too: the goal holds for both.
                    wrong.append("n=\(n) seed=\(seed) \(world) -> \(result.conclusion)")
                }
            }
        }
        #expect(wrong.count * 100 <= runs, "\(wrong.count) wrong of \(runs): \(wrong.prefix(5))")
    }
}

struct LookSignatureTests {
    @Test func `HMAC-SHA256 matches RFC 4231 test case 2`() {
        let mac = LookSignature.hmac(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(LookSignature.hex(mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func `HMAC-SHA256 matches RFC 4231 test case 6 with a key longer than a block`() {
        let mac = LookSignature.hmac(key: Array(repeating: 0xaa, count: 131),
                                     message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8))
        #expect(LookSignature.hex(mac) == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    @Test func `the mask sets one bit per hidden candidate, little-endian within each byte`() {
        #expect(LookSignature.mask(hidden: [], count: 3) == "00")
        #expect(LookSignature.mask(hidden: [0, 9], count: 10) == "0102")
        #expect(LookSignature.mask(hidden: [7, 8, 15], count: 16) == "8081")
    }

    @Test func `each look's header differs, and the secret never appears in it`() {
        let signature = LookSignature(secretHex: LookSignature.newSecret())
        let first = signature.header(counter: 1, mask: "ff")
        let second = signature.header(counter: 2, mask: "ff")
        #expect(first != second)
        #expect(first.hasPrefix("v1.1.ff.") && !first.contains(signature.secretHex))
        #expect(signature.secretHex.count == 64)
    }
}
