/// Whether an id will be stored once the writes queued before now are applied, and how many of
/// those writes touch it. Kept by ``GroupCommitter`` for ids with queued or unapplied writes, so
/// that a batch can be validated against the state it will be applied to.
struct PendingPresence: Sendable {
    var present: Bool
    var writes: Int

    /// Counts one more queued write, after which the id is stored exactly when `present`.
    mutating func queue(present: Bool) {
        self.present = present
        writes += 1
    }
}
