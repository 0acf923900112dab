/// Text from a site (log lines, plugin headers, page bodies, server prompts) made inert before
/// it reaches a terminal: a hacked site's log could otherwise carry escape sequences that set
/// the clipboard (OSC 52), move the cursor over earlier lines or retitle the window.
enum TerminalText {
    /// Every control character but newline and tab shown in caret notation (ESC as `^[`), C1
    /// controls as `\u{…}`; with `keepingColour`, the plain colour sequences wprescue itself
    /// writes (`ESC [ digits ; m`) are kept.
    static func inert(_ text: String, keepingColour: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var result = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if keepingColour, scalar == "\u{1B}", let end = colourSequenceEnd(scalars, from: index) {
                result.append(contentsOf: scalars[index...end])
                index = end + 1
                continue
            }
            if isControl(scalar) {
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    result.append("^")
                    result.append(Unicode.Scalar(UInt8(scalar.value == 0x7F ? 0x3F : scalar.value + 0x40)))
                } else {
                    result.append(contentsOf: "\\u{\(String(scalar.value, radix: 16))}".unicodeScalars)
                }
            } else {
                result.append(scalar)
            }
            index += 1
        }
        return String(result)
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "\n" || scalar == "\t" { return false }
        return scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
    }

    /// The index of the `m` closing `ESC [ 0-9; m` starting at `start`, if that is what is there.
    private static func colourSequenceEnd(_ scalars: [Unicode.Scalar], from start: Int) -> Int? {
        guard start + 2 < scalars.count, scalars[start + 1] == "[" else { return nil }
        var index = start + 2
        while index < scalars.count, scalars[index] == ";" || ("0"..."9").contains(scalars[index]) { index += 1 }
        return index < scalars.count && scalars[index] == "m" ? index : nil
    }
}
