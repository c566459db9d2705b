import ShoalKernels

/// One calibration query's trace: the APS stopping statistic and the true recall after each
/// partition scanned, until every true neighbour is found and then some way past it (``runOn``),
/// so that ``RecallCalibration`` knows what a stopping rule that waits longer would cost.
///
/// It makes the stopping decisions of ``AdaptiveScan`` (the same cursor, with a heap of `k + 1`
/// when the query's own id is excluded, since that vector is then stored and nearest), but reads
/// partitions in full only until the heap is *settled*. The query's exact neighbour list is a
/// prefix of the stored vectors in distance order, so once the scanned partitions hold `k + extra`
/// of its entries (counting the own vector), the heap's contents are exactly the list entries (and
/// own vector) among them, and nothing else that is scanned later can enter it. From then on, a
/// partition's scan is the push of its list entries: the heap, the radius and every estimate are
/// those of the full scan, at O(list) per partition instead of O(size × d). Partitions read in
/// full use the one-row kernel, as the list's distances do, so the trace does not depend on when
/// the heap settled (on how long the list is): a list kept current through adds and removes gives
/// the same trace as one computed afresh. The true recall after a partition is the share of the
/// query's `k` true neighbours in the partitions scanned so far (which is what the heap's best `k`
/// hold, its order agreeing with the list's).
enum CalibrationTrace {
    /// After the last true neighbour is found at partition `L`, the trace goes on (recall 1, at
    /// O(list + live candidates) per partition, since the heap is settled) for `runOn` more
    /// partitions, or until its statistic reaches `1 + runOn × extraStep` (saturated, and then
    /// that many extra partitions), or every partition is scanned. (Running on to `2L + 8` chose
    /// the same plans at targets 0.8–0.95 and made the yfcc replay's recalibrations dearer:
    /// docs/results/recall-targets.md.)
    static let runOn = 8

    /// - Parameters:
    ///   - query: `dimension` floats.
    ///   - neighbours: the query's exact neighbour list among the stored vectors.
    ///   - own: the id the query was sampled from (excluded from `neighbours`), if any.
    ///   - geometry: the query's candidate geometry when already computed (nil: the scan's own).
    /// - Returns: (statistic, recall) after each scanned partition (empty when the list is), and
    ///   what they were recorded from.
    /// - Complexity: O(candidates × d) for the geometry, O(size × d) per partition scanned before
    ///   the heap settles, O(list + live candidates) per partition after.
    static func record(
        query: UnsafePointer<Float>, neighbours list: NeighbourList, own: Int64?, k: Int, scan: AdaptiveScan,
        geometry: CandidateGeometry? = nil
    ) -> (steps: [(estimate: Float, recall: Float)], source: Source) {
        let base = scan.levels[0]
        let kernel = scan.metric.kernelMetric
        // The partition of each list entry, and of the own vector while it is stored.
        let partitions = list.ids.map { id in base.locations[id].map { Int($0.partition) } ?? -1 }
        let ownEntry = own.flatMap { Self.ownEntry($0, query: query, base: base, metric: kernel) }
        var reads: [Source.Read] = []
        var deepest = -1
        let steps = record(
            query: query, list: list, partitions: partitions, ownEntry: ownEntry, own: own, k: k, scan: scan,
            geometry: geometry, reads: &reads, deepest: &deepest)
        let source = Source(
            list: list, k: k, deepest: deepest, homes: Array(partitions.prefix(deepest + 1)), own: ownEntry,
            reads: reads)
        return (steps, source)
    }

    /// The partition and distance of the query's own vector `own`, when it is stored.
    static func ownEntry(
        _ own: Int64, query: UnsafePointer<Float>, base: PartitionStore, metric: KernelMetric
    ) -> (partition: Int, distance: Float)? {
        guard let location = base.locations[own], let row = base.vector(for: own) else { return nil }
        return (Int(location.partition), ExactNeighbours.distance(query, row, dimension: base.dimension, metric: metric))
    }

    /// The trace of ``record(query:neighbours:own:k:scan:geometry:)``. Appends each partition read
    /// in full to `reads`, and sets `deepest` to the deepest list entry the heap ever held: at
    /// every step it holds the `k + extra` first list entries among the scanned partitions (they
    /// precede every other stored vector), so later entries never touched the trace.
    private static func record(
        query: UnsafePointer<Float>, list: NeighbourList, partitions: [Int], ownEntry: (partition: Int, distance: Float)?,
        own: Int64?, k: Int, scan: AdaptiveScan, geometry: CandidateGeometry?, reads: inout [Source.Read],
        deepest: inout Int
    ) -> [(estimate: Float, recall: Float)] {
        let base = scan.levels[0]
        let kernel = scan.metric.kernelMetric
        let truthCount = min(k, list.count)
        guard truthCount > 0 else { return [] }
        let extra = own == nil ? 0 : 1
        let settledAt = k + extra
        var cursor = AdaptiveCursor(
            scan: scan, query: query, k: k + extra, threshold: .infinity, maxPartitions: .max, geometry: geometry)
        let scratch = ScanScratch()
        var trace: [(estimate: Float, recall: Float)] = []
        var found = 0
        var seen = 0
        /// The list entries in the scanned partitions, ascending.
        var scannedEntries: [Int] = []
        /// The rows pushed from the partition read last, with their distances.
        var pushed: [(id: Int64, distance: Float)] = []
        /// Entries when the last true neighbour was found.
        var completeAt: Int?
        while let (position, pid) = cursor.next() {
            let settled = list.complete || seen >= settledAt
            if !settled {
                guard let partition = base.partitions[pid] else { break }
                pushed.removeAll(keepingCapacity: true)
                let heap = cursor.heap
                forEachRow(of: partition, query: query, metric: kernel, scratch: scratch, within: { heap.threshold(query: 0) }) {
                    id, distance in
                    heap.push(query: 0, distance: distance, id: id)
                    pushed.append((id, distance))
                }
                // Rows beyond the heap's worst now can never be in it.
                let bound = heap.threshold(query: 0)
                reads.append(
                    Source.Read(
                        partition: pid, version: partition.version, bound: bound,
                        within: pushed.filter { $0.distance <= bound }.sorted { $0.id < $1.id }))
            }
            for (i, home) in partitions.enumerated() where home == pid {
                if settled { cursor.heap.push(query: 0, distance: list.distances[i], id: list.ids[i]) }
                seen += 1
                if i < truthCount { found += 1 }
                var slot = scannedEntries.count
                while slot > 0 && scannedEntries[slot - 1] > i { slot -= 1 }
                scannedEntries.insert(i, at: slot)
            }
            if !scannedEntries.isEmpty { deepest = max(deepest, scannedEntries[min(scannedEntries.count, settledAt) - 1]) }
            if let ownEntry, ownEntry.partition == pid {
                if settled, let own { cursor.heap.push(query: 0, distance: ownEntry.distance, id: own) }
                seen += 1
            }
            let statistic = cursor.advance(position: position)
            trace.append((statistic, Float(found) / Float(truthCount)))
            if found == truthCount {
                let complete = completeAt ?? trace.count
                completeAt = complete
                let saturated = statistic >= 1 + Float(runOn) * AdaptiveScan.extraStep
                if saturated || trace.count >= complete + runOn { break }
            }
        }
        return trace
    }

    /// The rows of `partition` at a one-row distance of at most `bound` from `query`, as (id,
    /// distance), ascending by id: what ``record(query:neighbours:own:k:scan:geometry:)`` keeps of a
    /// partition it reads in full (``Source/Read``).
    /// - Complexity: O(size × d).
    static func rows(
        of partition: Partition, within bound: Float, query: UnsafePointer<Float>, metric: KernelMetric,
        scratch: ScanScratch
    ) -> [(id: Int64, distance: Float)] {
        var rows: [(id: Int64, distance: Float)] = []
        forEachRow(of: partition, query: query, metric: metric, scratch: scratch, within: { bound }) { id, distance in
            if distance <= bound { rows.append((id, distance)) }
        }
        return rows.sorted { $0.id < $1.id }
    }

    /// Calls `body` with the id and one-row distance of every row of `partition` whose distance
    /// may be at most `limit()` (read again before each row; it may only fall), and perhaps of a
    /// few more. Under squared L2 the block kernel screens the rows first: both kernels sum the
    /// same squares in different orders, each within a relative d·ε of the exact sum, so a row
    /// whose block distance exceeds the limit by more than that is skipped, and only the others
    /// get their one-row distance, as the list's distances do.
    /// - Complexity: O(size × d).
    private static func forEachRow(
        of partition: Partition, query: UnsafePointer<Float>, metric: KernelMetric, scratch: ScanScratch,
        within limit: () -> Float, _ body: (Int64, Float) -> Void
    ) {
        let d = partition.dimension
        let rows = partition.count
        guard metric == .squaredL2, rows > 0 else {
            for slot in 0..<rows {
                body(partition.ids[slot], ExactNeighbours.distance(query, partition.row(slot), dimension: d, metric: metric))
            }
            return
        }
        scratch.reserveDistances(rows)
        Kernels.distances(metric, query: query, rows: partition.vectors, count: rows, dimension: d, out: scratch.distances)
        let factor = 1 + 4 * Float(d) * Float.ulpOfOne
        for slot in 0..<rows where scratch.distances[slot] <= limit() * factor {
            body(partition.ids[slot], ExactNeighbours.distance(query, partition.row(slot), dimension: d, metric: metric))
        }
    }
}
