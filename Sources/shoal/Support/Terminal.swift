#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Human-facing output: progress on standard error when it is a terminal, nothing otherwise.
enum Terminal {
    /// Whether standard error is a terminal (progress is shown only then).
    static let showsProgress: Bool = isatty(2) != 0

    /// Writes a progress line to standard error (overwritten by the next one) when on a terminal.
    static func progress(_ message: String) {
        guard showsProgress else { return }
        writeError("\r\u{1B}[2K" + message)
    }

    /// Ends the current progress line.
    static func endProgress() {
        guard showsProgress else { return }
        writeError("\r\u{1B}[2K")
    }

    /// Writes a line to standard error.
    static func note(_ message: String) {
        writeError(message + "\n")
    }

    private static func writeError(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress! + offset, $0.count - offset) }
            if written <= 0 { return }
            offset += written
        }
    }
}

/// Monotonic wall-clock time.
enum Clock {
    /// Seconds since an arbitrary fixed point.
    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) * 1e-9
    }

    /// Runs `body` and returns its result with the seconds it took.
    static func time<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> (T, Double) {
        let start = now()
        let value = try body()
        return (value, now() - start)
    }
}
