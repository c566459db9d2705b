/// An error from generating, reading or replaying a dynamic workload. The message names the value
/// that is wrong and what would fix it.
public struct WorkloadError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of problem it is.
    public enum Code: String, Sendable {
        /// A generator or runner parameter is out of range (ratios that do not sum to 1, a batch
        /// size of 0, an initial size larger than the base set, …).
        case invalidParameters
        /// `runbook.json` or its ground-truth file is missing, malformed or inconsistent.
        case invalidRunbook
        /// The vectors given do not match the runbook (row count, dimension or checksum).
        case dataMismatch
        /// Reading or writing a file failed.
        case io
        /// The index rejected an operation while replaying.
        case index
    }

    /// The kind of problem.
    public let code: Code
    /// A one-line explanation.
    public let message: String

    /// Makes an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `message`, as printed by the command line.
    public var description: String { message }
}
