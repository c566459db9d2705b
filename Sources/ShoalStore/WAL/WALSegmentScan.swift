/// The parsed contents of one log segment: its valid records, where the last complete group
/// commit ends, and the first damage, if any.
///
/// Records must have consecutive LSNs starting at the header's first LSN, and the group fields
/// must chain (a record either continues its predecessor's group or starts the next one). When a
/// record is damaged, the rest of the segment is searched for records that still decode, and the
/// group each belongs to is kept: recovery uses it to tell a torn last group (never acknowledged:
/// cut off) from damage to earlier, acknowledged groups (an error).
///
/// - Complexity: O(segment bytes).
struct WALSegmentScan: Sendable {
    let path: String
    let header: WALSegmentHeader
    /// Every valid record, in order (including those of an incomplete last group).
    let records: [WALRecord]
    /// The byte offset just past the last record that completes its group commit (64, the header
    /// size, when no group is complete).
    let completeEnd: Int
    /// How many of `records` lie before `completeEnd`.
    let completeCount: Int
    /// The offset and kind of the first damage, when the segment does not end cleanly after a
    /// valid record.
    let damage: (offset: Int, reason: WALRecord.Damage)?
    /// The first LSN of the group of each record that still decodes after the damage.
    let laterGroupFirsts: Set<UInt64>
    /// The segment's size in bytes.
    let fileSize: Int

    /// The next LSN after the records of complete groups.
    var nextLSN: UInt64 { completeCount == 0 ? header.firstLSN : records[completeCount - 1].lsn + 1 }

    /// The first LSN of the group that is torn, if the segment ends with an incomplete group or
    /// damage: the group that was being written when the writer stopped.
    var tornGroupFirst: UInt64? {
        guard damage != nil || completeCount < records.count else { return nil }
        guard let last = records.last else { return header.firstLSN }
        return last.lsn < last.groupLast ? last.groupFirst : last.lsn + 1
    }

    /// Whether records of a later group decode after the damage: proof that the damaged group
    /// was followed by another commit, so it was synced and acknowledged, and the damage is not a
    /// torn write.
    var damageIsFollowedByLaterGroups: Bool {
        guard let torn = tornGroupFirst else { return false }
        return laterGroupFirsts.contains { $0 != torn }
    }

    /// Parses `bytes`, the contents of the segment file at `path`.
    /// - Throws: ``StoreError/Code/corruptFile`` or ``StoreError/Code/unsupportedVersion`` when
    ///   the header is unreadable, or names another dimension than `dimension`.
    init(bytes: [UInt8], path: String, dimension: Int) throws(StoreError) {
        self.path = path
        fileSize = bytes.count
        let header = try bytes.withUnsafeBufferPointer { (raw) throws(StoreError) in
            try WALSegmentHeader(decoding: UnsafeRawBufferPointer(raw), path: path)
        }
        guard header.dimension == dimension else {
            throw StoreError(
                .corruptFile, "the log segment holds \(header.dimension)-dimensional vectors; the collection stores \(dimension)",
                path: path, offset: 24)
        }
        self.header = header
        var records: [WALRecord] = []
        var offset = WALSegmentHeader.size
        var completeEnd = offset
        var completeCount = 0
        var damage: (Int, WALRecord.Damage)?
        var later = Set<UInt64>()
        bytes.withUnsafeBytes { raw in
            while offset < raw.count {
                switch WALRecord.decode(raw, at: offset, dimension: dimension) {
                case .failure(let reason):
                    damage = (offset, reason)
                case .success(let (record, next)):
                    if let problem = WALSegmentScan.chainProblem(record, after: records.last, first: header.firstLSN) {
                        damage = (offset, .inconsistent(problem))
                        break
                    }
                    records.append(record)
                    offset = next
                    if record.lsn == record.groupLast {
                        completeEnd = offset
                        completeCount = records.count
                    }
                    continue
                }
                break
            }
            if let (start, _) = damage {
                later = WALSegmentScan.groupsDecodable(in: raw, after: start, dimension: dimension)
            }
        }
        self.records = records
        self.completeEnd = completeEnd
        self.completeCount = completeCount
        self.damage = damage.map { (offset: $0.0, reason: $0.1) }
        laterGroupFirsts = later
    }

    /// Why `record` cannot follow `previous` (or start the segment), or `nil` if it can.
    private static func chainProblem(_ record: WALRecord, after previous: WALRecord?, first: UInt64) -> String? {
        guard let previous else {
            if record.lsn != first { return "the first record has LSN \(record.lsn); the segment starts at \(first)" }
            return record.groupFirst == record.lsn ? nil : "the first record continues a group from another segment"
        }
        guard record.lsn == previous.lsn &+ 1 else { return "LSN \(record.lsn) follows LSN \(previous.lsn)" }
        if previous.lsn < previous.groupLast {
            guard record.groupFirst == previous.groupFirst, record.groupLast == previous.groupLast else {
                return "record \(record.lsn) does not continue the group of record \(previous.lsn)"
            }
        } else if record.groupFirst != record.lsn {
            return "record \(record.lsn) should start a new group"
        }
        return nil
    }

    /// The group of every record that decodes at an 8-byte boundary after `start`.
    static func groupsDecodable(in raw: UnsafeRawBufferPointer, after start: Int, dimension: Int) -> Set<UInt64> {
        var found = Set<UInt64>()
        var offset = start + 8
        while offset + WALRecord.headerSize <= raw.count {
            if UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) == WALRecord.magic,
                case .success(let (record, next)) = WALRecord.decode(raw, at: offset, dimension: dimension)
            {
                found.insert(record.groupFirst)
                offset = next
                if found.count > 16 { break }
            } else {
                offset += 8
            }
        }
        return found
    }
}
