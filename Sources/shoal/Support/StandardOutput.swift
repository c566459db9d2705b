#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Unbuffered standard output for lines another program waits for (`acked FIRST LAST`): each
/// line is written with one `write` call as soon as it is known, so a reader sees it even if this
/// process is killed right after.
enum StandardOutput {
    /// Writes `text` and a newline to standard output, now.
    static func line(_ text: String) {
        write(text + "\n")
    }

    /// Writes `text` to standard output, now.
    static func write(_ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return Glibc.write(1, base + offset, raw.count - offset)
            }
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return }
            offset += written
        }
    }
}
