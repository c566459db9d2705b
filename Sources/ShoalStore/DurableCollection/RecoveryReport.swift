/// What opening a collection found and did: the snapshot it loaded (and any it had to skip), the
/// log records it replayed, and the torn tail it cut off.
public struct RecoveryReport: Sendable, Equatable, CustomStringConvertible {
    /// A file recovery could not use, and why.
    public struct SkippedFile: Sendable, Equatable {
        /// The file.
        public var path: String
        /// Why it was skipped (the error's message).
        public var reason: String
    }

    /// The end of the log that was never acknowledged: an incomplete last group commit, cut off.
    public struct TornTail: Sendable, Equatable {
        /// The log segment.
        public var path: String
        /// Where the kept records end (the segment was cut to this length when opened for writing).
        public var offset: Int
        /// Bytes after `offset`.
        public var discardedBytes: Int
        /// Complete records of the incomplete group that were discarded with it.
        public var discardedRecords: Int
        /// Why the tail is not a complete group (e.g. "the record's checksum does not match").
        public var reason: String
    }

    /// The snapshot loaded (`nil` only when salvaging a collection whose snapshots are all bad).
    public var snapshotPath: String?
    /// The last log record the loaded snapshot includes.
    public var snapshotLSN: UInt64 = 0
    /// Vectors in the loaded snapshot.
    public var snapshotVectorCount = 0
    /// Newer snapshots that failed their checksums or could not be read (renamed to
    /// `*.damaged` when opened for writing).
    public var skippedSnapshots: [SkippedFile] = []
    /// Log segments read.
    public var segmentsScanned = 0
    /// Log records applied on top of the snapshot.
    public var recordsReplayed = 0
    /// Vectors inserted by those records.
    public var vectorsInserted = 0
    /// Ids deleted by those records.
    public var idsDeleted = 0
    /// Maintenance markers among them.
    public var maintenanceMarkers = 0
    /// The LSN of the last record kept (the snapshot's when the log adds nothing).
    public var lastLSN: UInt64 = 0
    /// The torn tail cut off, if the last writer stopped in the middle of a group commit.
    public var tornTail: TornTail?
    /// Files removed: leftovers of interrupted snapshot writes and segment creations.
    public var removedFiles: [String] = []
    /// Damage that was accepted because the collection was opened with ``OpenOptions/Recovery/salvage``
    /// (data after it is lost).
    public var salvaged: [String] = []
    /// Seconds to read the snapshot.
    public var loadSeconds = 0.0
    /// Seconds to read and replay the log.
    public var replaySeconds = 0.0

    /// Makes an empty report.
    public init() {}

    /// Whether recovery found anything beyond a clean shutdown: a skipped snapshot, a torn tail,
    /// leftovers or salvaged damage.
    public var foundDamage: Bool {
        !skippedSnapshots.isEmpty || tornTail != nil || !removedFiles.isEmpty || !salvaged.isEmpty
    }

    /// A few lines for a person.
    public var description: String {
        var lines = [
            "loaded \(snapshotPath ?? "no snapshot") (LSN \(snapshotLSN), \(snapshotVectorCount) vectors) in \(Stopwatch.format(loadSeconds)) s",
            "replayed \(recordsReplayed) log records from \(segmentsScanned) segments (+\(vectorsInserted) vectors, "
                + "−\(idsDeleted) ids, \(maintenanceMarkers) maintenance markers) in \(Stopwatch.format(replaySeconds)) s; last LSN \(lastLSN)",
        ]
        for skipped in skippedSnapshots { lines.append("skipped snapshot \(skipped.path): \(skipped.reason)") }
        if let torn = tornTail {
            lines.append(
                "cut a torn tail off \(torn.path) at byte \(torn.offset): \(torn.discardedBytes) bytes, "
                    + "\(torn.discardedRecords) unacknowledged records (\(torn.reason))")
        }
        for path in removedFiles { lines.append("removed leftover \(path)") }
        for note in salvaged { lines.append("salvaged: \(note)") }
        return lines.joined(separator: "\n")
    }
}
