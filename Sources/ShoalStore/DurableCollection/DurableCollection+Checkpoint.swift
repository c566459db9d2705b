extension DurableCollection {
    /// Writes a snapshot of every applied write and deletes what it makes redundant: older
    /// snapshots beyond ``OpenOptions/retainedSnapshots`` and the log segments they covered.
    ///
    /// Searches continue meanwhile. Writes continue to be logged, but their acknowledgement waits
    /// while the snapshot is written (the snapshot must match one log position exactly). Runs by
    /// itself in the background once ``OpenOptions/checkpointAfterLogBytes`` were logged.
    /// - Returns: what it wrote and removed.
    /// - Throws: ``StoreError/Code/ioFailure`` (the previous snapshot and the log still hold
    ///   everything), ``StoreError/Code/readOnly``, ``StoreError/Code/closed``.
    /// - Complexity: O(n × d) bytes written.
    @discardableResult
    public func checkpoint() throws(StoreError) -> CheckpointReport {
        try writable().checkpoints.checkpoint()
    }

    /// Counters of the write path since the collection was opened (zero when read-only).
    public var writeStatistics: WriteStatistics {
        var counters = writer?.committer.counters ?? WriteStatistics()
        counters.longestIndexWriteLockSeconds = index.longestWriteLockHoldSeconds
        return counters
    }

    /// The error of the last background checkpoint, if it failed, and how many succeeded so far.
    public var backgroundCheckpoints: (completed: Int, lastError: StoreError?) {
        writer?.background.outcome ?? (0, nil)
    }
}
