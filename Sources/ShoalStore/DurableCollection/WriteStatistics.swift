/// Counters of a collection's write path since it was opened.
public struct WriteStatistics: Sendable, Equatable {
    /// Group commits: each one `write` and one `fdatasync` of the log.
    public var groupCommits = 0
    /// Log records (inserts, deletes, maintenance markers) in them; `records / groupCommits` is
    /// the mean number of writes sharing one `fdatasync`.
    public var records = 0
    /// Bytes appended to the log.
    public var logBytes = 0
    /// The longest single `VectorIndex.add` or `remove` call made to apply a write, in seconds:
    /// the longest a search could have waited for the write path (see
    /// ``OpenOptions/applyChunkSize``).
    public var longestApplyCallSeconds = 0.0
    /// The longest time one writer held the index's exclusive lock, in seconds, since the index
    /// was loaded or built: the longest a search actually waited for a writer (applied writes,
    /// maintenance, recovery's replay). Part of each `add` runs under the shared lock, so this is
    /// shorter than ``longestApplyCallSeconds``.
    public var longestIndexWriteLockSeconds = 0.0

    /// Makes zero counters.
    public init() {}
}
