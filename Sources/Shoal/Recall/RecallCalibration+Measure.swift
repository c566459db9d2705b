/// What the traces of one ``RecallCalibration`` were recorded from: the calibration query set,
/// the index's structure generation, `k`, and per query a ``CalibrationTrace/Source``.
struct TraceSources: Sendable {
    /// ``CalibrationTruth/generation`` of the queries (negative: a set that was never installed,
    /// whose traces are never kept).
    let querySet: Int
    let structure: Int
    let k: Int
    let perQuery: [CalibrationTrace.Source]
}

extension RecallCalibration {
    /// Measures traces for the calibration queries of `truth` (their exact neighbours known).
    ///
    /// Measuring again after adds and removes keeps the traces of `previous` whose inputs are
    /// unchanged (``CalibrationTrace/Source``): same queries, structure generation and `k`, the
    /// same neighbour list as deep as the trace looked, and no change within the heap's reach to a
    /// partition it read in full. Those traces are
    /// what recording them again would give, so the calibration is the one a full measurement
    /// makes. (The geometry is computed for every query in one batch either way, so a trace
    /// recorded again sees the same centroid distances as before.)
    /// - Parameters:
    ///   - separations: the index's table of top-level centroid distances, when it has one built.
    ///   - centroids: the index's block of base centroids, when it has one (gathered here if not).
    ///   - structure: the index's structure generation.
    ///   - previous: the calibration this one replaces, for its traces that are still current.
    /// - Complexity: O(queries × (partitions × d + list)) for the geometry and the checks, plus
    ///   O(scanned × size × d) per trace recorded again, spread over `threads`, where only the
    ///   partitions scanned before a query's first `k + 1` neighbours are found are read in full
    ///   (``CalibrationTrace``).
    static func measure(
        truth: CalibrationTruth, levels: [PartitionStore], metric: DistanceMetric, search: LevelSearch, k: Int,
        threads: Int, separations: SeparationTable? = nil, centroids known: CentroidBlock? = nil, structure: Int = 0,
        previous: RecallCalibration? = nil
    ) -> RecallCalibration {
        let base = levels[0]
        let d = base.dimension
        let count = truth.lists.count
        guard count > 0, base.count > k + 1, levels.count > 1 else { return RecallCalibration(traces: []) }
        var scan = AdaptiveScan(levels: levels, metric: metric, search: search)
        scan.separations = separations
        scan.centroids = known ?? CentroidBlock(levels: levels, limit: scan.initialCandidates)
        // Every query's geometry from batched kernel calls, as a search batch gets them.
        let geometries = truth.queries.withUnsafeBufferPointer { buffer in
            scan.centroids?.geometries(queries: buffer.baseAddress!, queryCount: count, separations: separations)
        }
        let earlier = previous.flatMap { previous in
            previous.sources.flatMap { sources in
                sources.querySet >= 0 && sources.querySet == truth.generation && sources.structure == structure
                    && sources.k == k && sources.perQuery.count == count
                    ? (traces: previous.traces, sources: sources.perQuery) : nil
            }
        }
        let kernel = metric.kernelMetric
        let measured = WorkerSlots<(steps: [(estimate: Float, recall: Float)], source: CalibrationTrace.Source)>(
            count: count)
        let shared = SendableBox((truth, measured, scan, geometries, earlier, base))
        Parallel.forEach(count: count, threads: threads) { _, q in
            let (truth, measured, scan, geometries, earlier, base) = shared.value
            truth.queries.withUnsafeBufferPointer { buffer in
                let query = buffer.baseAddress! + q * d
                if let earlier,
                    let source = earlier.sources[q].refreshed(
                        query: query, list: truth.lists[q], own: truth.own?[q], k: k, base: base, metric: kernel,
                        scratch: ScanScratch())
                {
                    measured.set(q, (earlier.traces[q], source))
                } else {
                    let trace = CalibrationTrace.record(
                        query: query, neighbours: truth.lists[q], own: truth.own?[q], k: k, scan: scan,
                        geometry: geometries?[q])
                    measured.set(q, (trace.steps, trace.source))
                }
            }
        }
        let results = measured.all
        return RecallCalibration(
            traces: results.map(\.steps), allowsFloors: truth.own == nil,
            sources: TraceSources(querySet: truth.generation, structure: structure, k: k, perQuery: results.map(\.source)))
    }
}
