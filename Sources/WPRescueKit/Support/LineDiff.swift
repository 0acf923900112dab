/// A unified-style line diff for small text files (.htaccess, wp-config.php), for --dry-run.
public enum LineDiff {
    /// Lines prefixed with "-", "+" or " " (context), hunks separated by "@@ line N @@".
    public static func unified(from old: String, to new: String, context: Int = 2) -> [String] {
        let a = TextLines.split(old), b = TextLines.split(new)
        // Longest common subsequence table; these files are small.
        var lengths = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                lengths[i][j] = a[i] == b[j] ? lengths[i + 1][j + 1] + 1 : max(lengths[i + 1][j], lengths[i][j + 1])
            }
        }
        var edits: [(kind: Character, text: String, line: Int)] = []
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] {
                edits.append((" ", a[i], i + 1)); i += 1; j += 1
            } else if i < a.count, j == b.count || lengths[i + 1][j] >= lengths[i][j + 1] {
                edits.append(("-", a[i], i + 1)); i += 1
            } else {
                edits.append(("+", b[j], i + 1)); j += 1
            }
        }
        var output: [String] = []
        var lastShown = -1
        for (index, edit) in edits.enumerated() where edit.kind != " " {
            let start = max(lastShown + 1, index - context)
            if start > lastShown + 1 || lastShown == -1 { output.append("@@ line \(edits[start].line) @@") }
            for k in start...index where k > lastShown {
                output.append("\(edits[k].kind)\(edits[k].text)")
                lastShown = k
            }
            // Trailing context, unless another change follows soon (it will print it).
            var k = index + 1
            while k < edits.count, k <= index + context, edits[k].kind == " " {
                if k > lastShown { output.append(" \(edits[k].text)"); lastShown = k }
                k += 1
            }
        }
        return output
    }
}
