/// Reads the log segments in order and hands every record after the snapshot's LSN to `apply`,
/// checking the log's continuity, and decides what recovery must cut off or delete.
///
/// Rules: segments must chain (each starts at the LSN after the previous one's last record) and
/// the first must start no later than the LSN after the snapshot. Only the last segment may end
/// with damage or an incomplete group commit, and only when no record of a later group decodes
/// after the damage: that is a torn tail, never acknowledged, and it is cut off. A last segment
/// whose header is unreadable and that holds no record is a segment whose creation was
/// interrupted, and it is deleted. Anything else is damage to acknowledged data: under
/// ``OpenOptions/Recovery/strict`` it throws ``StoreError/Code/corruptFile``; under `.salvage`
/// everything before it is kept and everything after it dropped.
///
/// Reads nothing but the log and changes no file. - Complexity: O(log bytes).
struct LogReplay {
    /// What recovery found, and the state the writer continues from.
    struct Outcome {
        /// First LSNs of the segments that stay, ascending.
        var segments: [UInt64] = []
        /// The segment appends continue in, and its valid length; `nil` to start a new segment.
        var tail: (firstLSN: UInt64, size: Int)?
        /// The LSN the next write gets.
        var nextLSN: UInt64 = 1
        /// Segment files to delete (interrupted creations, also listed in the report's
        /// `removedFiles`) or, under `.salvage`, to set aside (everything after damage).
        var removals: [String] = []
        /// Bytes of the records replayed.
        var replayedBytes = 0
    }

    let layout: CollectionLayout
    let fileSystem: FileSystem
    let dimension: Int
    let recovery: OpenOptions.Recovery

    /// Replays the records after `snapshotLSN`. `apply` gets each record with its segment path.
    func run(
        after snapshotLSN: UInt64, report: inout RecoveryReport,
        apply: (WALRecord, String) throws(StoreError) -> Void
    ) throws(StoreError) -> Outcome {
        let firsts = try fileSystem.list(layout.wal).compactMap { CollectionLayout.number(in: $0, suffix: ".log") }.sorted()
        var outcome = Outcome()
        var expected: UInt64?
        var stopped = false
        report.lastLSN = snapshotLSN
        for (i, first) in firsts.enumerated() {
            let path = layout.segment(first)
            if stopped {
                outcome.removals.append(path)
                continue
            }
            let isLast = i == firsts.count - 1
            let bytes = try fileSystem.readFile(path)
            report.segmentsScanned += 1
            let scan: WALSegmentScan
            do {
                scan = try WALSegmentScan(bytes: bytes, path: path, dimension: dimension)
            } catch {
                if error.code == .unsupportedVersion { throw error }
                let holdsRecords = bytes.withUnsafeBytes {
                    !WALSegmentScan.groupsDecodable(in: $0, after: WALSegmentHeader.size - 8, dimension: dimension).isEmpty
                }
                if isLast && !holdsRecords {
                    outcome.removals.append(path)
                    report.removedFiles.append(path)
                } else {
                    try damaged(error.message, path: path, offset: error.offset, report: &report)
                    outcome.removals.append(path)
                    stopped = true
                }
                continue
            }
            if scan.header.firstLSN != first {
                try damaged("the segment is named \(first) but its header says it starts at LSN \(scan.header.firstLSN)", path: path, offset: 16, report: &report)
                outcome.removals.append(path)
                stopped = true
                continue
            }
            let start = expected ?? snapshotLSN + 1
            if first > start {
                try damaged(
                    "log records \(start)...\(first - 1) are missing (a segment was deleted or lost)", path: path, offset: nil,
                    report: &report)
                outcome.removals.append(path)
                stopped = true
                continue
            }
            let torn = scan.damage != nil || scan.completeCount < scan.records.count
            if torn && (!isLast || scan.damageIsFollowedByLaterGroups) {
                let reason = scan.damage?.reason.explanation ?? "the segment ends inside a group commit"
                try damaged(
                    "acknowledged log records are damaged: \(reason)" + (isLast ? ", and later group commits follow" : ""),
                    path: path, offset: scan.damage?.offset ?? scan.completeEnd, report: &report)
                stopped = true
            } else if torn {
                report.tornTail = RecoveryReport.TornTail(
                    path: path, offset: scan.completeEnd, discardedBytes: scan.fileSize - scan.completeEnd,
                    discardedRecords: scan.records.count - scan.completeCount,
                    reason: scan.damage?.reason.explanation ?? "the last group commit is incomplete")
            }
            for record in scan.records.prefix(scan.completeCount) where record.lsn > snapshotLSN {
                try apply(record, path)
                report.recordsReplayed += 1
                report.lastLSN = record.lsn
                outcome.replayedBytes += WALRecord.size(payload: 8 + record.ids.count * 8 + record.vectors.count * 4)
                switch record.kind {
                case .insert: report.vectorsInserted += record.ids.count
                case .delete: report.idsDeleted += record.ids.count
                case .maintenance: report.maintenanceMarkers += 1
                }
            }
            outcome.segments.append(first)
            outcome.tail = (first, scan.completeEnd)
            expected = scan.nextLSN
        }
        outcome.nextLSN = max(expected ?? 0, snapshotLSN + 1)
        if expected != outcome.nextLSN { outcome.tail = nil }
        return outcome
    }

    /// Throws under `.strict`; records the loss under `.salvage`.
    private func damaged(_ message: String, path: String, offset: Int?, report: inout RecoveryReport) throws(StoreError) {
        guard recovery == .salvage else {
            throw StoreError(
                .corruptFile,
                "\(message); acknowledged writes may be lost, so the collection was not opened (restore it from a backup, or open it with recovery: .salvage to keep what precedes the damage)",
                path: path, offset: offset)
        }
        report.salvaged.append("\(path)\(offset.map { " at byte \($0)" } ?? ""): \(message); everything after it was dropped")
    }
}
