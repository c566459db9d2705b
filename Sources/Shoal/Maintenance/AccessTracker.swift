/// A sliding window over the last `windowSize` queries of which base partitions each scanned, with
/// per-partition hit counts kept current as the window slides.
///
/// The access frequency of partition `p` is `A_p = hits(p) / min(recorded, windowSize)` — the
/// share of recent queries that scanned it. After a split, each child is seeded with a share `α` of
/// the parent's hits ("inherited" hits), which expire once the window has moved past the split, so
/// a fresh partition is not mistaken for a cold one.
///
/// Thread safety: every method may be called from any thread (an internal mutex); searches record
/// concurrently.
final class AccessTracker: Sendable {
    let windowSize: Int
    private let state: Locked<State>

    private struct State {
        var window: [[Int32]]
        var next = 0
        var recorded = 0
        var hits: [Int32: Int] = [:]
        var inherited: [Int32: (amount: Double, expiresAt: Int)] = [:]
    }

    init(windowSize: Int) {
        precondition(windowSize >= 1)
        self.windowSize = windowSize
        state = Locked(State(window: Array(repeating: [], count: windowSize)))
    }

    /// Records the partitions scanned by each of several queries. - Complexity: O(total pids).
    func record<S: Sequence>(_ queries: S) where S.Element == [Int32] {
        state.withLock { state in
            for scanned in queries {
                for pid in state.window[state.next] {
                    if let count = state.hits[pid] {
                        if count <= 1 { state.hits.removeValue(forKey: pid) } else { state.hits[pid] = count - 1 }
                    }
                }
                for pid in scanned { state.hits[pid, default: 0] += 1 }
                state.window[state.next] = scanned
                state.next = (state.next + 1) % windowSize
                state.recorded += 1
            }
        }
    }

    /// Queries recorded since creation (or the last reset).
    var recordedQueries: Int { state.withLock { $0.recorded } }

    /// Access frequencies `A_p` of every partition seen in the window (with inherited hits).
    func frequencies() -> [Int: Double] {
        state.withLock { state in
            let denominator = Double(max(1, min(state.recorded, windowSize)))
            var result: [Int: Double] = [:]
            for (pid, count) in state.hits { result[Int(pid)] = Double(count) / denominator }
            for (pid, entry) in state.inherited where entry.expiresAt > state.recorded {
                result[Int(pid), default: 0] += entry.amount / denominator
            }
            return result
        }
    }

    /// Seeds each child with `share` of the parent's current hits; the parent's history is dropped
    /// as its window entries slide out (its id is never reused).
    func inherit(from parent: Int, to children: [Int], share: Double) {
        state.withLock { state in
            let parentHits = Double(state.hits[Int32(parent)] ?? 0)
                + (state.inherited[Int32(parent)].map { $0.expiresAt > state.recorded ? $0.amount : 0 } ?? 0)
            for child in children {
                state.inherited[Int32(child)] = (parentHits * share, state.recorded + windowSize)
            }
            state.inherited.removeValue(forKey: Int32(parent))
        }
    }

    /// Whether `pid` still carries hits inherited from a split (its own history is younger than
    /// one window, so its frequency is partly a guess).
    func isInheriting(_ pid: Int) -> Bool {
        state.withLock { state in (state.inherited[Int32(pid)]?.expiresAt ?? 0) > state.recorded }
    }
}
