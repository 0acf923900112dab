/// A subset of the bisect candidates, by position in the candidate list; a bitset, because the
/// bisector asks "is this set inside that one" for every probe it considers.
struct CandidateSet: Hashable, Sendable {
    private var words: [UInt64]

    init(_ positions: some Sequence<Int>, universe: Int) {
        words = Array(repeating: 0, count: (universe + 63) / 64)
        for position in positions {
            words[position >> 6] |= 1 << UInt64(position & 63)
        }
    }

    var isEmpty: Bool { words.allSatisfy { $0 == 0 } }

    func contains(_ position: Int) -> Bool {
        words[position >> 6] & (1 << UInt64(position & 63)) != 0
    }

    func isSubset(of other: CandidateSet) -> Bool {
        zip(words, other.words).allSatisfy { mine, theirs in mine & ~theirs == 0 }
    }
}
