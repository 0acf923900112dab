/// Splits text into lines at "\n", dropping a "\r" before it. Done on Unicode scalars:
/// Swift treats "\r\n" as one Character, so splitting Characters at "\n" misses CRLF lines.
public enum TextLines {
    public static func split(_ text: String) -> [String] {
        text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { scalars in
            var line = String(String.UnicodeScalarView(scalars))
            if line.unicodeScalars.last == "\r" { line.unicodeScalars.removeLast() }
            return line
        }
    }
}
