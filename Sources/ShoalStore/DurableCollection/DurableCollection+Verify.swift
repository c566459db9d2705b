import Shoal

extension DurableCollection {
    /// Checks a collection on disk without changing it: the identity and maintenance settings
    /// files, every snapshot's
    /// checksums and structure, every log record's checksum and the log's continuity, that the
    /// log replays cleanly onto the newest snapshot, and the index's invariants (every snapshot's,
    /// and the index's after the replay; see `VectorIndex.validateStructure()`). A broken
    /// invariant is reported as a problem, never a crash.
    ///
    /// Safe to run while another process has the collection open for writing. A torn log tail is
    /// reported as a note, not a problem: it holds only unacknowledged writes, and the next open
    /// for writing cuts it off.
    /// - Returns: the findings; ``VerificationReport/isValid`` is true only if every check holds.
    /// - Complexity: O(n × d) per snapshot plus O(log bytes); holds every snapshot in memory in
    ///   turn.
    public static func verify(at path: String) -> VerificationReport {
        verify(at: path, fileSystem: .live)
    }

    /// Checks the collection's files as ``verify(at:)`` does, and the in-memory index's invariants.
    /// - Complexity: as ``verify(at:)``.
    public func verify() -> VerificationReport {
        var report = DurableCollection.verify(at: path, fileSystem: options.fileSystem)
        let violations = index.invariantViolations()
        report.problems += violations.map { "the open index: \($0)" }
        if violations.isEmpty {
            report.notes.append("the open index holds \(index.count) vectors and its invariants hold")
        }
        return report
    }

    static func verify(at path: String, fileSystem: FileSystem) -> VerificationReport {
        var report = VerificationReport()
        let layout = CollectionLayout(root: path)
        let identity: CollectionIdentity
        do {
            identity = try readIdentity(layout, fileSystem)
            let configuration = identity.configuration
            report.notes.append(
                "identity: collection format \(CollectionIdentity.version), \(configuration.dimension)-dimensional, \(configuration.metric.rawValue)")
        } catch {
            report.problems.append(error.description)
            return report
        }
        if fileSystem.exists(layout.maintenance) {
            do {
                let settings = try MaintenanceSettings.decode(try fileSystem.readFile(layout.maintenance), path: layout.maintenance)
                let interval = settings.automaticInterval.map { "automatic after every \($0) writes" } ?? "only when asked"
                report.notes.append("maintenance settings: checksum holds; maintenance \(interval)")
            } catch {
                report.problems.append(error.description)
            }
        }
        let catalog = SnapshotCatalog(layout: layout, fileSystem: fileSystem)
        do {
            let lsns = try catalog.lsns()
            if lsns.isEmpty { report.problems.append("\(layout.snapshots): there is no snapshot") }
            for lsn in lsns {
                do {
                    let index = try catalog.load(lsn, configuration: identity.configuration, threads: nil)
                    let violations = index.invariantViolations()
                    report.problems += violations.map { "snapshot \(layout.snapshot(lsn)): \($0)" }
                    if violations.isEmpty {
                        report.notes.append(
                            "snapshot \(layout.snapshot(lsn)): checksums and invariants hold, \(index.count) vectors in \(index.partitionCount) partitions")
                    }
                } catch {
                    report.problems.append(error.description)
                }
            }
            let names = try fileSystem.list(layout.snapshots)
            for name in names.sorted() where name.hasSuffix(".damaged") {
                report.notes.append("\(layout.snapshots)/\(name) was set aside by an earlier recovery (damaged)")
            }
        } catch {
            report.problems.append(error.description)
        }
        do {
            var options = OpenOptions(mode: .readOnly, recovery: .strict)
            options.fileSystem = fileSystem
            let (collection, recovery) = try open(at: path, options: options)
            defer { collection.close() }
            report.notes.append(
                "log: \(recovery.segmentsScanned) segments, every record's checksum holds; \(recovery.recordsReplayed) records after LSN \(recovery.snapshotLSN) replay cleanly (last LSN \(recovery.lastLSN))")
            if let torn = recovery.tornTail {
                report.notes.append(
                    "\(torn.path) ends with a torn group commit at byte \(torn.offset) (\(torn.discardedBytes) bytes, never acknowledged; \(torn.reason)); the next open for writing cuts it off")
            }
            let violations = collection.index.invariantViolations()
            report.problems += violations.map { "after replay: \($0)" }
            if violations.isEmpty {
                report.notes.append("after replay: \(collection.index.count) vectors, index invariants hold")
            }
        } catch {
            report.problems.append(error.description)
        }
        return report
    }
}
