import Shoal

/// The snapshot files of a collection: `snapshots/<lsn>.shoal`, each a whole index file written
/// by `VectorIndex.write(to:)` (its own header and body checksums, format version, and the
/// partitioning), where `<lsn>` is the last log record it includes.
///
/// Thread safety: a value with no mutable state; the files it names may be changed by a
/// checkpoint of the collection's writer.
struct SnapshotCatalog {
    let layout: CollectionLayout
    let fileSystem: FileSystem

    /// LSNs of the snapshot files, ascending.
    func lsns() throws(StoreError) -> [UInt64] {
        try fileSystem.list(layout.snapshots).compactMap { CollectionLayout.number(in: $0, suffix: ".shoal") }.sorted()
    }

    /// Temporary files of interrupted snapshot writes.
    func leftovers() throws(StoreError) -> [String] {
        try fileSystem.list(layout.snapshots).filter { $0.contains(".tmp") }.map { layout.snapshots + "/" + $0 }.sorted()
    }

    /// Loads and checks the snapshot at `lsn` (checksums, structure, and that it matches the
    /// collection's dimension and metric).
    /// - Throws: ``StoreError/Code/corruptFile``, ``StoreError/Code/unsupportedVersion`` or
    ///   ``StoreError/Code/ioFailure``, naming the file.
    /// - Complexity: O(n × d).
    func load(
        _ lsn: UInt64, configuration: IndexConfiguration, threads: Int?,
        maintenance: MaintenanceConfiguration = MaintenanceConfiguration()
    ) throws(StoreError) -> VectorIndex {
        let path = layout.snapshot(lsn)
        let index: VectorIndex
        do {
            index = try VectorIndex(contentsOf: path, threads: threads, maintenance: maintenance)
        } catch {
            throw StoreError(wrapping: error)
        }
        guard index.dimension == configuration.dimension, index.metric == configuration.metric else {
            throw StoreError(
                .corruptFile,
                "the snapshot stores \(index.dimension)-dimensional vectors under \(index.metric.rawValue); the collection is \(configuration.dimension)-dimensional under \(configuration.metric.rawValue)",
                path: path, offset: 16)
        }
        return index
    }

    /// Renames a snapshot that failed to load to `<name>.damaged`, so that later opens do not
    /// try it again and it stays for inspection.
    func setAside(_ lsn: UInt64) throws(StoreError) {
        try fileSystem.rename(layout.snapshot(lsn), to: layout.snapshot(lsn) + ".damaged")
    }
}
