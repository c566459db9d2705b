#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Shoal

extension DurableCollection {
    /// Creates an empty collection in a new (or empty) directory and opens it for writing.
    ///
    /// - Parameters:
    ///   - path: the collection directory; created if missing (its parent must exist).
    ///   - configuration: dimension, metric and build settings. An empty collection starts with one
    ///     flat partition; `partitionCount` is recorded for information.
    ///   - options: how to open it (``OpenOptions/mode`` must be `.readWrite`).
    /// - Throws: ``StoreError/Code/alreadyExists`` when `path` is a file or a non-empty directory,
    ///   ``StoreError/Code/invalidArgument`` for a bad configuration or option,
    ///   ``StoreError/Code/ioFailure``.
    /// - Complexity: O(1) work, a few synced writes.
    public static func create(
        at path: String, configuration: IndexConfiguration, options: OpenOptions = OpenOptions()
    ) throws(StoreError) -> DurableCollection {
        var configured = configuration
        configured.threads = options.threads ?? configuration.threads
        configured.maintenance = options.maintenance ?? configuration.maintenance
        let index: VectorIndex
        do {
            index = try VectorIndex(configuration: configured)
        } catch {
            throw StoreError(wrapping: error)
        }
        return try create(at: path, index: index, identity: configuration, options: options)
    }

    /// Creates a collection holding a built index (for example from `VectorIndex.build`), whose
    /// partitioning it keeps, and opens it for writing.
    ///
    /// The collection takes the index over: do not use `index` directly afterwards, since changes
    /// made to it would bypass the log. The index keeps its own maintenance settings while this
    /// collection stays open; ``OpenOptions/maintenance``, when set, is what the collection stores
    /// (and so what later opens use).
    /// - Throws: as ``create(at:configuration:options:)``.
    /// - Complexity: O(n × d) to write the first snapshot.
    public static func create(
        at path: String, index: VectorIndex, options: OpenOptions = OpenOptions()
    ) throws(StoreError) -> DurableCollection {
        try create(at: path, index: index, identity: index.configuration, options: options)
    }

    private static func create(
        at path: String, index: VectorIndex, identity configuration: IndexConfiguration, options: OpenOptions
    ) throws(StoreError) -> DurableCollection {
        try options.validate()
        guard options.mode == .readWrite else {
            throw StoreError(.invalidArgument, "create opens the new collection for writing; use mode .readWrite")
        }
        let fileSystem = options.fileSystem
        let layout = CollectionLayout(root: path)
        if fileSystem.exists(layout.root) {
            guard fileSystem.isDirectory(layout.root), try fileSystem.list(layout.root).isEmpty else {
                throw StoreError(
                    .alreadyExists, "something is already there; choose a new path or remove it first", path: layout.root)
            }
        } else {
            try fileSystem.makeDirectory(layout.root)
        }
        try fileSystem.makeDirectory(layout.snapshots)
        try fileSystem.makeDirectory(layout.wal)
        let lock = try DirectoryLock(path: layout.lock, collection: layout.root)
        do {
            try index.write(to: layout.snapshot(0))
        } catch {
            throw StoreError(wrapping: error, context: "the first snapshot could not be written")
        }
        try fileSystem.syncDirectory(layout.snapshots)
        let log = try WriteAheadLog(
            fileSystem: fileSystem, layout: layout, dimension: index.dimension, metric: index.metric,
            segmentLimit: options.segmentBytes, segments: [], tail: nil, nextLSN: 1, pendingBytes: 0)
        let maintenance = options.maintenance ?? configuration.maintenance
        try writeAtomically(MaintenanceSettings.encoded(maintenance), to: layout.maintenance, layout: layout, fileSystem: fileSystem)
        // The identity goes last: a directory without it is not a collection yet.
        let identity = CollectionIdentity(configuration: configuration)
        try writeAtomically(identity.encoded(), to: layout.identity, layout: layout, fileSystem: fileSystem)
        let writer = CollectionWriter(
            lock: lock, log: log, index: index, appliedLSN: 0, snapshots: [0], layout: layout, options: options)
        return DurableCollection(
            layout: layout, identity: identity, options: options, index: index, writer: writer, snapshots: [0], lastLSN: 0)
    }

    /// Writes a small file atomically: a temporary file, fsync, rename over `path`, then fsync of
    /// the collection directory and of its parent.
    static func writeAtomically(
        _ bytes: [UInt8], to path: String, layout: CollectionLayout, fileSystem: FileSystem
    ) throws(StoreError) {
        let temporary = path + ".tmp"
        let fd = try fileSystem.open(temporary, flags: O_WRONLY | O_CREAT | O_TRUNC)
        do {
            try fileSystem.writeAll(fd, bytes, path: temporary)
            try fileSystem.sync(fd, path: temporary)
        } catch {
            fileSystem.close(fd)
            throw error
        }
        fileSystem.close(fd)
        try fileSystem.rename(temporary, to: path)
        try fileSystem.syncDirectory(layout.root)
        let parent = layout.root.contains("/") ? String(layout.root[..<(layout.root.lastIndex(of: "/") ?? layout.root.endIndex)]) : "."
        try fileSystem.syncDirectory(parent.isEmpty ? "/" : parent)
    }
}
