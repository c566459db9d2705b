/// Per-item results written by worker threads into preallocated storage: each slot is written
/// once, by one worker, and read after the join (``Parallel/forEach(count:threads:_:)`` returns
/// only when every worker has finished), so no lock is needed and no two threads touch one slot.
final class WorkerSlots<Element>: @unchecked Sendable {
    private let size: Int
    private let slots: UnsafeMutablePointer<Element?>

    init(count: Int) {
        size = count
        slots = .allocate(capacity: max(1, count))
        slots.initialize(repeating: nil, count: count)
    }

    deinit {
        slots.deinitialize(count: size)
        slots.deallocate()
    }

    func set(_ index: Int, _ value: Element) { slots[index] = value }

    /// The slots that were set, in order (all of them once every worker has finished).
    var all: [Element] { UnsafeBufferPointer(start: slots, count: size).compactMap { $0 } }
}
