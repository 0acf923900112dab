/// Byte-wise search in log text. Log text is matched literally (no Unicode equivalence is wanted), and
/// Foundation's `range(of:)` and Character-wise splitting cost more than the rest of the parsing together.
extension Substring {
    /// The first (or last) place `needle` occurs, comparing UTF-8 bytes.
    func byteRange(of needle: StaticString, backwards: Bool = false) -> Range<Index>? {
        let length = needle.utf8CodeUnitCount
        let found: Int?? = utf8.withContiguousStorageIfAvailable { haystack -> Int? in
            guard length > 0, haystack.count >= length else { return nil }
            let first = needle.utf8Start[0]
            if backwards {
                var offset = haystack.count - length
                while offset >= 0 {
                    if haystack[offset] == first, Self.matches(haystack, at: offset, needle) { return offset }
                    offset -= 1
                }
            } else {
                var offset = 0
                let last = haystack.count - length
                while offset <= last {
                    if haystack[offset] == first, Self.matches(haystack, at: offset, needle) { return offset }
                    offset += 1
                }
            }
            return nil
        }
        guard let found else {
            // Only bridged text is not contiguous; a native copy is.
            var native = String(self)
            native.makeContiguousUTF8()
            guard let range = native[...].byteRange(of: needle, backwards: backwards) else { return nil }
            let lower = utf8.index(startIndex, offsetBy: native.utf8.distance(from: native.startIndex, to: range.lowerBound))
            return lower..<utf8.index(lower, offsetBy: length)
        }
        guard let offset = found else { return nil }
        let lower = utf8.index(startIndex, offsetBy: offset)
        return lower..<utf8.index(lower, offsetBy: length)
    }

    func containsBytes(_ needle: StaticString) -> Bool { byteRange(of: needle) != nil }

    /// The first index of an ASCII byte.
    func firstIndex(ofByte byte: UInt8) -> Index? {
        utf8.firstIndex(of: byte)
    }

    /// The last index of an ASCII byte.
    func lastIndex(ofByte byte: UInt8) -> Index? {
        utf8.lastIndex(of: byte)
    }

    /// The lines of the text, split at `\n` (bytes, so no grapheme breaking), empty ones kept.
    func byteLines() -> [Substring] {
        utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { Substring($0) }
    }

    private static func matches(_ haystack: UnsafeBufferPointer<UInt8>, at offset: Int, _ needle: StaticString) -> Bool {
        let bytes = needle.utf8Start
        for index in 1..<needle.utf8CodeUnitCount where haystack[offset + index] != bytes[index] { return false }
        return true
    }
}

extension String {
    func byteRange(of needle: StaticString, backwards: Bool = false) -> Range<Index>? {
        self[...].byteRange(of: needle, backwards: backwards)
    }

    func containsBytes(_ needle: StaticString) -> Bool { self[...].byteRange(of: needle) != nil }

    func firstIndex(ofByte byte: UInt8) -> Index? { utf8.firstIndex(of: byte) }

    func lastIndex(ofByte byte: UInt8) -> Index? { utf8.lastIndex(of: byte) }
}
