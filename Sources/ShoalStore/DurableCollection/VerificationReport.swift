/// The result of ``DurableCollection/verify(at:)``: every checksum and invariant that was checked,
/// and what did not hold.
public struct VerificationReport: Sendable, Equatable, CustomStringConvertible {
    /// What does not hold; empty when the collection is sound.
    public var problems: [String] = []
    /// What was checked and found in order, and harmless findings (such as a torn tail that the
    /// next open for writing will cut off).
    public var notes: [String] = []

    /// Makes an empty report.
    public init() {}

    /// Whether every check passed.
    public var isValid: Bool { problems.isEmpty }

    /// The notes, then the problems, one per line.
    public var description: String {
        (notes.map { "ok: " + $0 } + problems.map { "PROBLEM: " + $0 }).joined(separator: "\n")
    }
}
