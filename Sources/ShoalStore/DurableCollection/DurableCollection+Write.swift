import Shoal

extension DurableCollection {
    /// Inserts vectors with new ids; returns once they are durable and searchable.
    ///
    /// The batch is atomic across crashes: after a crash it is stored entirely or not at all (and
    /// entirely once this returned). Concurrent inserts and deletes share group commits.
    /// While the batch is being applied, searches may already see part of it (it is durable by
    /// then); it is applied in chunks of ``OpenOptions/applyChunkSize`` so they never wait long.
    ///
    /// - Parameters:
    ///   - vectors: row-major, `ids.count * dimension` finite floats (non-zero under cosine).
    ///   - ids: one id per row, unique within the batch, not stored and not inserted by a write
    ///     still in flight.
    /// - Throws: ``StoreError/Code/invalidArgument`` for a batch the index would refuse (its
    ///   ``StoreError/cause`` says why: `dimensionMismatch`, `nonFiniteValue`, `invalidVector`,
    ///   `duplicateID`); nothing was logged. ``StoreError/Code/ioFailure`` when the log could not
    ///   be written (the batch was rolled back out of it); ``StoreError/Code/writesDisabled``,
    ///   ``StoreError/Code/readOnly``, ``StoreError/Code/closed``.
    /// - Complexity: O(n × d) to validate and encode on the caller's thread, then one shared
    ///   `fdatasync`, then `VectorIndex.add` on the commit thread.
    public func insert(vectors: [Float], ids: [Int64]) async throws(StoreError) {
        try await submitInsert(vectors: vectors, ids: ids).value().get()
    }

    /// Inserts vectors with new ids, blocking the calling thread until they are durable and
    /// searchable. Same contract as the `async` version; do not call it from Swift's cooperative
    /// thread pool (use the `async` version there).
    /// - Complexity: as the `async` version.
    public func insert(vectors: [Float], ids: [Int64]) throws(StoreError) {
        try submitInsert(vectors: vectors, ids: ids).wait()
    }

    /// Deletes vectors by id; returns once the deletion is durable and applied.
    ///
    /// - Parameter ids: stored ids (counting writes in flight), each listed once.
    /// - Throws: ``StoreError/Code/invalidArgument`` with cause `unknownID` naming ids that are not
    ///   stored, or `duplicateID`; nothing was logged. Otherwise as ``insert(vectors:ids:)``.
    /// - Complexity: O(ids) plus one shared `fdatasync`.
    public func remove(ids: [Int64]) async throws(StoreError) {
        try await submitRemove(ids: ids).value().get()
    }

    /// Deletes vectors by id, blocking the calling thread until durable and applied. Same contract
    /// as the `async` version; do not call it from Swift's cooperative thread pool.
    /// - Complexity: as the `async` version.
    public func remove(ids: [Int64]) throws(StoreError) {
        try submitRemove(ids: ids).wait()
    }

    /// Runs maintenance on the index (for example `{ $0.maintain() }`), logs a maintenance
    /// marker, and asks for a background checkpoint so that the new partitioning survives a
    /// restart (until then, a crash reopens the previous partitioning with the same vectors).
    ///
    /// `body` may restructure the index (split, merge, refine partitions) but must not add or
    /// remove vectors: those changes would bypass the log. If the count changes, writes are
    /// disabled until the collection is reopened. Logged writes are not applied while `body` runs
    /// (they wait, then apply in order), so `body` must not wait for a write of this collection;
    /// searches keep running as far as the index's own lock allows.
    /// - Returns: what `body` returns.
    /// - Throws: ``StoreError/Code/invalidArgument`` wrapping an error `body` throws, or as
    ///   ``insert(vectors:ids:)`` for the marker.
    /// - Complexity: that of `body`, plus one shared `fdatasync`.
    public func maintain<T>(note: String = "maintenance", _ body: (VectorIndex) throws(ShoalError) -> T) throws(StoreError) -> T {
        let writer = try writable()
        // Holding the apply lock keeps logged writes from being applied while `body` runs, so the
        // count check below sees only what `body` did (applies wait; searches do not).
        let (result, before, after) = try writer.committer.applyLock.withLock { () throws(StoreError) -> (T, Int, Int) in
            let before = index.count
            do throws(ShoalError) {
                let result = try body(index)
                return (result, before, index.count)
            } catch {
                throw StoreError(wrapping: error, context: "maintenance failed")
            }
        }
        guard after == before else {
            writer.committer.disable(
                StoreError(
                    .writesDisabled,
                    "maintenance changed the number of stored vectors (\(before) → \(after)) without logging it; reopen the collection"))
            throw StoreError(.invalidArgument, "maintenance must not add or remove vectors (\(before) → \(after))")
        }
        try writer.committer.submit(.maintenance, ids: [], vectors: [], note: note).wait()
        writer.background.request()
        return result
    }

    /// Validates and queues an insert; the ticket completes when it is durable and applied.
    /// The command line uses this to keep a few batches in flight.
    /// - Complexity: O(n × d) on the calling thread; does not wait for the disk.
    package func submitInsert(vectors: [Float], ids: [Int64]) throws(StoreError) -> CommitTicket {
        let writer = try writable()
        try BatchValidator.insert(vectors: vectors, ids: ids, dimension: dimension, metric: metric)
        guard !ids.isEmpty else { return CommitTicket(completed: .success(())) }
        return try writer.committer.submit(.insert, ids: ids, vectors: vectors, note: "")
    }

    /// Validates and queues a delete.
    /// - Complexity: O(ids) on the calling thread; does not wait for the disk.
    package func submitRemove(ids: [Int64]) throws(StoreError) -> CommitTicket {
        let writer = try writable()
        try BatchValidator.unique(ids)
        guard !ids.isEmpty else { return CommitTicket(completed: .success(())) }
        return try writer.committer.submit(.delete, ids: ids, vectors: [], note: "")
    }
}
