#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Failures to inject into the store's system calls, for tests: "the 3rd `fsync` of a file whose
/// path contains `wal/` fails with `EIO`", "the next `write` writes 100 bytes and stops".
///
/// Each rule counts the calls that match it (operation and path substring); calls number
/// `skip + 1` through `skip + times` get its effect. When several rules fire on one call, the first
/// added wins.
///
/// Thread safety: every method may be called from any thread.
package final class FaultPlan: @unchecked Sendable {
    /// What a faulty call does.
    package enum Effect: Sendable, Equatable {
        /// The call fails with this `errno` and does nothing.
        case fail(errno: Int32)
        /// A `write` writes at most this many bytes and reports the short count (as a full disk
        /// does just before `ENOSPC`).
        case shortWrite(bytes: Int)
        /// A `write` writes at most this many bytes, then the thread sleeps: a slow disk, which
        /// lets a test kill the process in the middle of a group commit.
        case slowWrite(bytes: Int, microseconds: UInt32)
    }

    private struct Rule {
        var operation: FileSystem.Operation
        var pathContains: String
        var skip: Int
        var times: Int
        var effect: Effect
        var seen = 0
    }

    private let lock = ConditionLock()
    private var rules: [Rule] = []

    /// Makes an empty plan: no call fails.
    package init() {}

    /// Adds a rule. - Parameters: `skip` matching calls succeed first; then `times` calls get
    /// `effect`. - Complexity: O(1).
    package func inject(
        _ operation: FileSystem.Operation, pathContains: String = "", skip: Int = 0, times: Int = 1, effect: Effect
    ) {
        lock.withLock { rules.append(Rule(operation: operation, pathContains: pathContains, skip: skip, times: times, effect: effect)) }
    }

    /// Removes every rule. - Complexity: O(rules).
    package func clear() {
        lock.withLock { rules.removeAll() }
    }

    /// The effect for this call, if a rule fires.
    func effect(for operation: FileSystem.Operation, path: String) -> Effect? {
        lock.withLock {
            var chosen: Effect?
            for i in rules.indices where rules[i].operation == operation {
                guard rules[i].pathContains.isEmpty || path.contains(rules[i].pathContains) else { continue }
                rules[i].seen += 1
                let n = rules[i].seen
                if chosen == nil, n > rules[i].skip, n - rules[i].skip <= rules[i].times {
                    chosen = rules[i].effect
                }
            }
            return chosen
        }
    }
}
