import ShoalKernels

extension VectorIndex {
    /// Adds vectors with new ids: each goes to the partition of its nearest centroid, and each
    /// partition receives its share in one bulk append.
    ///
    /// - Parameters:
    ///   - vectors: row-major, `n * dimension` finite floats.
    ///   - ids: `n` ids, unique within the batch and not already stored.
    /// - Throws: ``ShoalError`` for a wrong length, a non-finite component, a zero vector under
    ///   cosine, a duplicate id, or an id already stored. Nothing is added when it throws.
    /// - Complexity: O(n × (centroids + log n) × d) for the nearest-centroid search (batched, on
    ///   all cores, under the shared lock) plus O(n × d) to copy; the exclusive lock is held for
    ///   O(n × d) (the appends), unless maintenance changed the partitions in between.
    public func add(vectors: [Float], ids: [Int64]) throws(ShoalError) {
        try add(vectors: vectors, ids: ids, threads: nil)
    }

    /// ``add(vectors:ids:)`` with the nearest-centroid search on `threads` workers (`nil`: the
    /// index's setting). ShoalStore applies durable writes on one thread at a lower priority, so
    /// that searches get the processors first.
    package func add(vectors: [Float], ids: [Int64], threads: Int?) throws(ShoalError) {
        let d = dimension
        let n = try vectors.withUnsafeBufferPointer { (buffer) throws(ShoalError) -> Int in
            try Validation.rows(buffer, dimension: d, what: "vectors")
        }
        _ = try Validation.uniqueIDs(ids, rows: n)
        guard n > 0 else { return }
        var stored = vectors
        if metric.normalizes { try Validation.normalizeForCosine(&stored, dimension: d, what: "vectors") }
        // The nearest-centroid search runs under the shared lock, so searches go on meanwhile.
        // So do the copies into grown partition buffers (and a grown id map), when they are needed.
        // So does screening them against the calibration queries' neighbour lists.
        let generation: Int
        var placement: BatchPlacement
        let calibration: CalibrationAddition?
        // The id map as `rejectStored` saw it: while it is unchanged, no id can have been stored.
        let checkedStore: PartitionStore
        let checkedVersion: Int
        (generation, placement, calibration, checkedStore, checkedVersion) = try lock.withReadLock {
            () throws(ShoalError) -> (Int, BatchPlacement, CalibrationAddition?, PartitionStore, Int) in
            try rejectStored(ids)
            let workers = threadCount(threads)
            let targets = nearestPartitions(of: stored, count: n, atLevel: 0, threads: threads)
            var placement = BatchPlacement(targets: targets, vectors: stored, ids: ids, dimension: d)
            placement.prepareGrowth(in: levels[0])
            let calibration = calibrations.neighbours.prepareAdd(
                vectors: stored, ids: ids, metric: metric.kernelMetric, threads: workers)
            return (structureGeneration, placement, calibration, levels[0], levels[0].mapVersion)
        }
        let due = try lock.withWriteLock { () throws(ShoalError) -> Bool in
            if levels[0] !== checkedStore || levels[0].mapVersion != checkedVersion { try rejectStored(ids) }
            let base = levels[0]
            // Centroids change only in maintenance, which bumps the generation; then (rarely) the
            // search is redone here, so a vector lands where a search under this lock would put it.
            if structureGeneration != generation || !placement.fits(base) {
                let targets = nearestPartitions(of: stored, count: n, atLevel: 0, threads: threads)
                placement = BatchPlacement(targets: targets, vectors: stored, ids: ids, dimension: d)
            }
            placement.append(to: base)
            calibrations.neighbours.commitAdd(calibration, vectors: stored, ids: ids, metric: metric.kernelMetric)
            operationsSinceMaintenance += 1
            return maintenanceIsDueLocked()
        }
        debugCheckInvariants()
        // Automatic maintenance runs after the lock is released (it takes the lock per action).
        if due { maintainIfDue() }
    }

    /// Throws if any of `ids` is already stored. Must hold the lock (either kind).
    private func rejectStored(_ ids: [Int64]) throws(ShoalError) {
        if let known = ids.first(where: levels[0].contains) {
            throw ShoalError(.duplicateID, "id \(known) is already stored; remove it first or use a new id")
        }
    }

    /// Removes vectors by id.
    ///
    /// - Throws: ``ShoalError/Code/unknownID`` naming the ids that are not stored (then nothing is
    ///   removed), or ``ShoalError/Code/duplicateID`` if an id is listed twice.
    /// - Complexity: O(1) per id plus O(d) to move the last row of its partition into its slot.
    public func remove(ids: [Int64]) throws(ShoalError) {
        var seen = Set<Int64>(minimumCapacity: ids.count)
        for id in ids where !seen.insert(id).inserted {
            throw ShoalError(.duplicateID, "id \(id) is listed twice; list each id to remove once")
        }
        let due = try lock.withWriteLock { () throws(ShoalError) -> Bool in
            let base = levels[0]
            let unknown = ids.filter { !base.contains($0) }
            guard unknown.isEmpty else {
                let shown = unknown.prefix(10).map(String.init).joined(separator: ", ")
                let more = unknown.count > 10 ? " and \(unknown.count - 10) more" : ""
                throw ShoalError(
                    .unknownID, "\(unknown.count) of \(ids.count) ids are not stored (\(shown)\(more)); nothing was removed")
            }
            for id in ids { base.remove(id: id) }
            calibrations.neighbours.commitRemove(seen)
            operationsSinceMaintenance += 1
            return maintenanceIsDueLocked()
        }
        debugCheckInvariants()
        if due { maintainIfDue() }
    }

    /// The stored vectors of `ids`, row-major (`ids.count * dimension` floats). Under cosine they
    /// are the normalised vectors.
    /// - Throws: ``ShoalError/Code/unknownID`` naming an id that is not stored.
    /// - Complexity: O(`ids.count * dimension`).
    public func vectors(for ids: [Int64]) throws(ShoalError) -> [Float] {
        let d = dimension
        return try lock.withReadLock { () throws(ShoalError) -> [Float] in
            var result = [Float](repeating: 0, count: ids.count * d)
            for (i, id) in ids.enumerated() {
                guard let row = levels[0].vector(for: id) else {
                    throw ShoalError(.unknownID, "id \(id) is not stored")
                }
                for j in 0..<d { result[i * d + j] = row[j] }
            }
            return result
        }
    }
}
