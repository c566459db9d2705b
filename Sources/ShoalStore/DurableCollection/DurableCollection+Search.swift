import Shoal

extension DurableCollection {
    /// The `options.k` nearest stored vectors to `query`, best first (see
    /// `VectorIndex.search(_:options:)`). Sees every acknowledged write.
    ///
    /// - Parameters:
    ///   - query: `dimension` finite floats.
    ///   - options: `k`, `nprobe` or a recall target, threads.
    /// - Returns: exactly `k` neighbours, padded with id −1 when fewer were found.
    /// - Throws: ``StoreError/Code/invalidArgument`` wrapping the index's error (wrong dimension,
    ///   `k < 1`, an empty collection, …), or ``StoreError/Code/closed``.
    /// - Complexity: O((centroids + nprobe × partition size) × d). Never waits for a log write or
    ///   a checkpoint; waits for at most one applied chunk of a concurrent write.
    public func search(_ query: [Float], options: SearchOptions = SearchOptions()) throws(StoreError) -> [Neighbor] {
        try checkOpen()
        do {
            return try index.search(query, options: options)
        } catch {
            throw StoreError(wrapping: error)
        }
    }

    /// The `options.k` nearest stored vectors to each query of a batch (see
    /// `VectorIndex.search(batch:options:)`).
    ///
    /// - Parameters:
    ///   - queries: row-major, `queryCount * dimension` finite floats.
    ///   - options: as ``search(_:options:)``.
    /// - Returns: `queryCount × k` results, best first.
    /// - Throws: as ``search(_:options:)``.
    /// - Complexity: as ``search(_:options:)`` per query, with partitions shared across the batch.
    public func search(batch queries: [Float], options: SearchOptions = SearchOptions()) throws(StoreError) -> SearchResults {
        try checkOpen()
        do {
            return try index.search(batch: queries, options: options)
        } catch {
            throw StoreError(wrapping: error)
        }
    }

    /// The stored vectors of `ids`, row-major (`ids.count * dimension` floats; unit vectors under
    /// cosine).
    /// - Throws: ``StoreError/Code/invalidArgument`` (cause `unknownID`) naming an id not stored.
    /// - Complexity: O(`ids.count * dimension`).
    public func vectors(for ids: [Int64]) throws(StoreError) -> [Float] {
        try checkOpen()
        do {
            return try index.vectors(for: ids)
        } catch {
            throw StoreError(wrapping: error)
        }
    }
}
