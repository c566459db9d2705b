import ShoalStore

/// Keeps up to `depth` submitted batches in flight and acknowledges them in order: waiting for the
/// oldest when the window is full, and printing `acked FIRST LAST` when asked to.
final class BatchWindow {
    private let depth: Int
    private let ack: Bool
    private var waiting: [(ticket: CommitTicket, first: Int64, last: Int64)] = []

    init(depth: Int, ack: Bool) {
        self.depth = depth
        self.ack = ack
    }

    /// Adds a submitted batch; waits for the oldest one if `depth` are in flight.
    func add(_ ticket: CommitTicket, first: Int64, last: Int64) throws {
        waiting.append((ticket, first, last))
        while waiting.count >= depth { try acknowledgeOldest() }
    }

    /// Waits for every batch in flight.
    func drain() throws {
        while !waiting.isEmpty { try acknowledgeOldest() }
    }

    private func acknowledgeOldest() throws {
        let oldest = waiting.removeFirst()
        try oldest.ticket.wait()
        if ack { StandardOutput.line("acked \(oldest.first) \(oldest.last)") }
    }
}
