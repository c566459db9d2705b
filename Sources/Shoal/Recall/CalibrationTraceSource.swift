import ShoalKernels

extension CalibrationTrace {
    /// What one trace was recorded from, besides `k` and the index's structure (its centroids, and
    /// the partition of every stored row, which only maintenance changes, bumping the structure
    /// generation). Recording the trace again while these are unchanged gives the same trace, so
    /// measuring a calibration again keeps it (``RecallCalibration``).
    ///
    /// The trace's estimates follow the heap's k-th distance, and its recalls the partitions of
    /// the first `k` list entries. So what counts is what the heap held after each step:
    /// - **After the heap settles,** the first `k + extra` list entries among the scanned
    ///   partitions (they precede every other stored vector). List entries past ``deepest``, the
    ///   deepest the heap ever held, may come and go. (Such an entry may make the heap settle at
    ///   another step; the trace does not depend on when it settles.)
    /// - **Before,** the best rows of the partitions read in full. For each such partition the
    ///   trace keeps its rows within the heap's k-th distance after it was read (``Read``): a row
    ///   beyond that never entered the heap, then or later, so rows added or removed beyond it do
    ///   not matter. A partition whose ``Partition/version`` is unchanged is not read again.
    /// - The query's own vector, which the heap holds once its partition is scanned.
    ///
    /// Distance ties between rows may be broken otherwise on a new recording, but the heap's k-th
    /// distance, and so the trace, is the same.
    struct Source: Sendable {
        /// A partition read in full before the heap settled.
        struct Read: Sendable {
            let partition: Int
            /// ``Partition/version`` then.
            let version: Int
            /// The heap's k-th distance after the partition was pushed (∞: the heap was not full).
            let bound: Float
            /// The partition's rows at a distance of at most `bound`, ascending by id.
            let within: [(id: Int64, distance: Float)]
        }

        /// Whether the list was complete, and how many of the first `k` entries it had.
        let complete: Bool
        let truthCount: Int
        /// The deepest list entry the heap held (-1: none), and the entries up to it. (Copies: a
        /// slice would hold the whole list's storage, and the next add or remove under the
        /// exclusive lock would copy the list it shares.)
        let deepest: Int
        let ids: [Int64]
        let distances: [Float]
        /// The partition of each of those entries then (-1: not stored).
        let homes: [Int]
        /// The partition and distance of the query's own vector then, if it was stored.
        let own: (partition: Int, distance: Float)?
        private(set) var reads: [Read]

        init(
            list: NeighbourList, k: Int, deepest: Int, homes: [Int], own: (partition: Int, distance: Float)?,
            reads: [Read]
        ) {
            complete = list.complete
            truthCount = min(k, list.count)
            self.deepest = deepest
            ids = Array(list.ids.prefix(deepest + 1))
            distances = Array(list.distances.prefix(deepest + 1))
            self.homes = homes
            self.own = own
            self.reads = reads
        }

        /// This source with the current versions of its partitions, when recording the trace again,
        /// for `query` with `list` and own id `own`, on the base level `base` of the same structure,
        /// would give the same trace; nil when it might not.
        /// - Complexity: O(deepest + reads) comparisons and lookups, plus O(size × d) for each
        ///   partition read whose version changed.
        func refreshed(
            query: UnsafePointer<Float>, list: NeighbourList, own ownID: Int64?, k: Int, base: PartitionStore,
            metric: KernelMetric, scratch: ScanScratch
        ) -> Source? {
            guard list.complete == complete, min(k, list.count) == truthCount, list.count > deepest,
                list.ids.prefix(deepest + 1).elementsEqual(ids), list.distances.prefix(deepest + 1).elementsEqual(distances)
            else { return nil }
            let ownNow = ownID.flatMap { CalibrationTrace.ownEntry($0, query: query, base: base, metric: metric) }
            guard ownNow?.partition == own?.partition, ownNow?.distance == own?.distance else { return nil }
            for (id, home) in zip(ids, homes) where (base.locations[id].map { Int($0.partition) } ?? -1) != home {
                return nil
            }
            var current = self
            for (r, read) in reads.enumerated() {
                guard let partition = base.partitions[read.partition] else { return nil }
                guard partition.version != read.version else { continue }
                let within = CalibrationTrace.rows(
                    of: partition, within: read.bound, query: query, metric: metric, scratch: scratch)
                guard within.count == read.within.count,
                    zip(within, read.within).allSatisfy({ $0.id == $1.id && $0.distance == $1.distance })
                else { return nil }
                current.reads[r] = Read(
                    partition: read.partition, version: partition.version, bound: read.bound, within: read.within)
            }
            return current
        }
    }
}
