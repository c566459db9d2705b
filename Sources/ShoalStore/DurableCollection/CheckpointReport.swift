/// What a checkpoint did.
public struct CheckpointReport: Sendable, Equatable, CustomStringConvertible {
    /// The last log record the newest snapshot includes.
    public var lsn: UInt64 = 0
    /// The snapshot written, or `nil` when the newest snapshot already included every applied
    /// write (then only cleanup ran).
    public var snapshotPath: String?
    /// Vectors in the snapshot written.
    public var vectorCount = 0
    /// Size of the snapshot written, in bytes.
    public var snapshotBytes = 0
    /// Older snapshots and log segments deleted because the new snapshot covers them.
    public var removedFiles: [String] = []
    /// Seconds spent writing the snapshot (while writes waited to be applied).
    public var snapshotSeconds = 0.0
    /// Seconds for the whole checkpoint.
    public var seconds = 0.0

    /// Makes an empty report.
    public init() {}

    /// One line.
    public var description: String {
        let wrote =
            snapshotPath.map { "wrote \($0) (\(vectorCount) vectors, \(snapshotBytes) bytes)" }
            ?? "the newest snapshot was up to date"
        return "checkpoint at LSN \(lsn): \(wrote); removed \(removedFiles.count) old files; "
            + "\(Stopwatch.format(seconds)) s"
    }
}
