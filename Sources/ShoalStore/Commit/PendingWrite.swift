/// A write that has an LSN but is not yet durable: queued for the next group commit.
struct PendingWrite: Sendable {
    let lsn: UInt64
    let payload: WALRecord.Payload
    /// The ids it inserts or deletes (empty for a maintenance marker).
    let ids: [Int64]
    /// The inserted vectors, row-major (empty otherwise).
    let vectors: [Float]
    let ticket: CommitTicket

    var kind: WALRecord.Kind { payload.kind }
    var encodedSize: Int { WALRecord.size(payload: payload.bytes.count) }
}
