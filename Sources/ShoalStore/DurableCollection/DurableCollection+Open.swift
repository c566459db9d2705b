import Shoal

extension DurableCollection {
    /// Opens a collection: loads the newest snapshot that passes its checksums, replays the log
    /// records after it, and (when opened for writing) cuts off a torn log tail.
    ///
    /// - Parameters:
    ///   - path: the collection directory.
    ///   - options: read-write (default; takes the write lock) or read-only, and what to do about
    ///     damage (``OpenOptions/Recovery``).
    /// - Returns: the collection and a report of what recovery found and did.
    /// - Throws: ``StoreError/Code/notACollection``, ``StoreError/Code/locked`` (naming the
    ///   holder's pid), ``StoreError/Code/corruptFile`` (naming the file and offset) when
    ///   acknowledged data is damaged or missing under `.strict`,
    ///   ``StoreError/Code/unsupportedVersion``, ``StoreError/Code/ioFailure``.
    /// - Complexity: O(n × d) to load the snapshot plus O(log bytes) to replay, with the cost of
    ///   `VectorIndex.add` for every replayed vector.
    public static func open(
        at path: String, options: OpenOptions = OpenOptions()
    ) throws(StoreError) -> (DurableCollection, RecoveryReport) {
        try options.validate()
        let layout = CollectionLayout(root: path)
        guard options.mode == .readOnly else { return try openOnce(layout, options) }
        // A writer in another process may checkpoint meanwhile and delete the files being read;
        // start again when the directory changed under the attempt.
        var attempts = 0
        while true {
            let before = fingerprint(layout, options.fileSystem)
            do {
                return try openOnce(layout, options)
            } catch {
                attempts += 1
                guard attempts < 5, fingerprint(layout, options.fileSystem) != before else { throw error }
            }
        }
    }

    private static func openOnce(
        _ layout: CollectionLayout, _ options: OpenOptions
    ) throws(StoreError) -> (DurableCollection, RecoveryReport) {
        let fileSystem = options.fileSystem
        let writable = options.mode == .readWrite
        let identity = try readIdentity(layout, fileSystem)
        let lock = writable ? try DirectoryLock(path: layout.lock, collection: layout.root) : nil
        let maintenance: MaintenanceConfiguration
        if let requested = options.maintenance {
            maintenance = requested
            if writable { try writeAtomically(MaintenanceSettings.encoded(requested), to: layout.maintenance, layout: layout, fileSystem: fileSystem) }
        } else if fileSystem.exists(layout.maintenance) {
            maintenance = try MaintenanceSettings.decode(try fileSystem.readFile(layout.maintenance), path: layout.maintenance)
        } else {
            maintenance = MaintenanceConfiguration()
        }
        var report = RecoveryReport()
        let catalog = SnapshotCatalog(layout: layout, fileSystem: fileSystem)
        if writable {
            for leftover in try catalog.leftovers() {
                try fileSystem.remove(leftover)
                report.removedFiles.append(leftover)
            }
        }
        let clock = Stopwatch()
        var snapshots = try catalog.lsns()
        var loaded: (index: VectorIndex, lsn: UInt64)?
        for lsn in snapshots.reversed() {
            do {
                loaded = (
                    try catalog.load(
                        lsn, configuration: identity.configuration, threads: options.threads, maintenance: maintenance),
                    lsn
                )
                break
            } catch {
                if error.code == .unsupportedVersion { throw error }
                report.skippedSnapshots.append(.init(path: layout.snapshot(lsn), reason: error.description))
            }
        }
        if writable {
            for skipped in snapshots.filter({ $0 > (loaded?.lsn ?? 0) || loaded == nil }) {
                try catalog.setAside(skipped)
            }
        }
        snapshots.removeAll { $0 > (loaded?.lsn ?? 0) || loaded == nil }
        let base: (index: VectorIndex, lsn: UInt64)
        if let loaded {
            base = loaded
            report.snapshotPath = layout.snapshot(loaded.lsn)
        } else {
            guard options.recovery == .salvage else {
                let reasons = report.skippedSnapshots.map(\.reason).joined(separator: "; ")
                throw StoreError(
                    .corruptFile,
                    "no snapshot could be read (\(reasons.isEmpty ? "there is none" : reasons)); restore the collection from a backup, or open it with recovery: .salvage",
                    path: layout.snapshots)
            }
            var configuration = identity.configuration
            configuration.threads = options.threads
            configuration.maintenance = maintenance
            do {
                base = (try VectorIndex(configuration: configuration), 0)
            } catch {
                throw StoreError(wrapping: error)
            }
            report.salvaged.append("no snapshot could be read; started from an empty index and replayed the whole log")
        }
        report.snapshotLSN = base.lsn
        report.snapshotVectorCount = base.index.count
        report.loadSeconds = clock.seconds
        let replayClock = Stopwatch()
        let replay = LogReplay(
            layout: layout, fileSystem: fileSystem, dimension: identity.configuration.dimension, recovery: options.recovery)
        let salvage = options.recovery == .salvage
        var skippedRecords: [String] = []
        let outcome = try replay.run(after: base.lsn, report: &report) { (record, path) throws(StoreError) in
            try apply(record, to: base.index, path: path, salvage: salvage, skipped: &skippedRecords)
        }
        report.salvaged += skippedRecords
        report.replaySeconds = replayClock.seconds
        var writer: CollectionWriter?
        if let lock {
            // Interrupted segment creations are deleted; segments dropped by salvage are set aside.
            for path in outcome.removals {
                if report.removedFiles.contains(path) {
                    try fileSystem.remove(path)
                } else {
                    try fileSystem.rename(path, to: path + ".damaged")
                }
            }
            if !outcome.removals.isEmpty { try fileSystem.syncDirectory(layout.wal) }
            let log = try WriteAheadLog(
                fileSystem: fileSystem, layout: layout, dimension: identity.configuration.dimension,
                metric: identity.configuration.metric, segmentLimit: options.segmentBytes,
                segments: outcome.segments, tail: outcome.tail, nextLSN: outcome.nextLSN,
                pendingBytes: outcome.replayedBytes)
            writer = CollectionWriter(
                lock: lock, log: log, index: base.index, appliedLSN: outcome.nextLSN - 1, snapshots: snapshots,
                layout: layout, options: options)
        }
        let collection = DurableCollection(
            layout: layout, identity: identity, options: options, index: base.index, writer: writer,
            snapshots: snapshots, lastLSN: report.lastLSN)
        return (collection, report)
    }

    /// Applies one replayed record to the index.
    private static func apply(
        _ record: WALRecord, to index: VectorIndex, path: String, salvage: Bool, skipped: inout [String]
    ) throws(StoreError) {
        do {
            switch record.kind {
            case .insert: try index.add(vectors: record.vectors, ids: record.ids)
            case .delete: try index.remove(ids: record.ids)
            case .maintenance: break
            }
        } catch {
            let message = "log record \(record.lsn) cannot be applied to the snapshot: \(error.message)"
            guard salvage else {
                throw StoreError(
                    .corruptFile, message + "; the log does not match the snapshot (open with recovery: .salvage to skip it)",
                    path: path, cause: error)
            }
            skipped.append("\(path): \(message); skipped")
        }
    }

    /// Reads and checks `COLLECTION`.
    static func readIdentity(_ layout: CollectionLayout, _ fileSystem: FileSystem) throws(StoreError) -> CollectionIdentity {
        guard fileSystem.isDirectory(layout.root) else {
            throw StoreError(.notACollection, "there is no collection directory here; create one with `shoal create`", path: layout.root)
        }
        guard fileSystem.exists(layout.identity) else {
            throw StoreError(
                .notACollection,
                "this directory is not a Shoal collection (it has no COLLECTION file); create one with `shoal create`",
                path: layout.root)
        }
        return try CollectionIdentity(decoding: try fileSystem.readFile(layout.identity), path: layout.identity)
    }

    /// The names in `snapshots/` and `wal/`, to notice a concurrent checkpoint.
    private static func fingerprint(_ layout: CollectionLayout, _ fileSystem: FileSystem) -> [String] {
        let snapshots = (try? fileSystem.list(layout.snapshots)) ?? []
        let segments = (try? fileSystem.list(layout.wal)) ?? []
        return snapshots.sorted() + ["/"] + segments.sorted()
    }
}
