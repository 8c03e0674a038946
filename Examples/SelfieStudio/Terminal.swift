import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Terminal output: colours and a live progress bar when stdout is a terminal, plain lines otherwise.
struct Terminal: Sendable {
    let isInteractive: Bool

    init() {
        isInteractive = isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    }

    func style(_ text: String, _ code: String) -> String { isInteractive ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
    func bold(_ text: String) -> String { style(text, "1") }
    func green(_ text: String) -> String { style(text, "32") }
    func red(_ text: String) -> String { style(text, "31") }
    func yellow(_ text: String) -> String { style(text, "33") }
    func dim(_ text: String) -> String { style(text, "2") }

    func heading(_ step: Int, _ title: String) {
        print("\n" + bold("\(step). \(title)"))
    }

    func line(_ text: String = "") {
        print(text)
        fflush(nil)
    }

    /// Writes `✗ text` to standard error, in red when standard error is a terminal.
    func error(_ text: String) {
        let coloured = isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        note(coloured ? "\u{1B}[31m✗ \(text)\u{1B}[0m" : "✗ \(text)")
    }

    /// Writes `text` to standard error, out of the way of the command's output.
    func note(_ text: String) {
        fflush(nil)
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Draws `[#####-----]  42%  label`; in a terminal it redraws in place, otherwise it prints each tenth.
    final class ProgressBar: @unchecked Sendable {
        private let terminal: Terminal
        private var lastTenth = -1
        init(terminal: Terminal) { self.terminal = terminal }

        func update(_ fraction: Double, label: String) {
            let clamped = min(1, max(0, fraction))
            let width = 30
            let filled = Int((clamped * Double(width)).rounded())
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            let percent = String(format: "%3d%%", Int((clamped * 100).rounded()))
            if terminal.isInteractive {
                print("\r   [\(terminal.green(bar))] \(percent)  \(label)\u{1B}[K", terminator: "")
                fflush(nil)
            } else {
                let tenth = Int(clamped * 10)
                if tenth != lastTenth {
                    lastTenth = tenth
                    print("   [\(bar)] \(percent)  \(label)")
                    fflush(nil)
                }
            }
        }

        func finish() {
            if terminal.isInteractive { print("") }
        }
    }
}
