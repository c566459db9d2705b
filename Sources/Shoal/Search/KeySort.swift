/// Sorting of packed integer keys on hot paths. The standard library's sort is stable and calls
/// its comparison through a closure; for a few hundred `UInt64` keys that are unique anyway (a
/// row or pair index in the low bits) an unstable introsort with the comparison inlined is several
/// times faster.
enum KeySort {
    /// Sorts `keys` ascending: quicksort with median-of-three pivots, insertion sort below 16
    /// keys, heapsort when the recursion gets deeper than 2 log₂ n (so never worse than
    /// O(n log n)).
    static func sortAscending(_ keys: UnsafeMutableBufferPointer<UInt64>) {
        guard keys.count > 1 else { return }
        let depth = 2 * (Int.bitWidth - keys.count.leadingZeroBitCount)
        introsort(keys, 0, keys.count, depth)
    }

    private static func introsort(_ keys: UnsafeMutableBufferPointer<UInt64>, _ low: Int, _ high: Int, _ depth: Int) {
        var low = low
        var high = high
        var depth = depth
        while high &- low > 16 {
            if depth == 0 {
                heapsort(keys, low, high)
                return
            }
            depth &-= 1
            let pivot = medianOfThree(keys[low], keys[low &+ (high &- low) / 2], keys[high &- 1])
            var i = low
            var j = high &- 1
            while true {
                while keys[i] < pivot { i &+= 1 }
                while keys[j] > pivot { j &-= 1 }
                if i >= j { break }
                keys.swapAt(i, j)
                i &+= 1
                j &-= 1
            }
            // Recurse into the smaller side, loop on the larger (stack depth O(log n)).
            if j &+ 1 &- low < high &- (j &+ 1) {
                introsort(keys, low, j &+ 1, depth)
                low = j &+ 1
            } else {
                introsort(keys, j &+ 1, high, depth)
                high = j &+ 1
            }
        }
        insertionSort(keys, low, high)
    }

    private static func medianOfThree(_ a: UInt64, _ b: UInt64, _ c: UInt64) -> UInt64 {
        max(min(a, b), min(max(a, b), c))
    }

    private static func insertionSort(_ keys: UnsafeMutableBufferPointer<UInt64>, _ low: Int, _ high: Int) {
        guard high &- low > 1 else { return }
        for i in (low &+ 1)..<high {
            let value = keys[i]
            var j = i
            while j > low && keys[j &- 1] > value {
                keys[j] = keys[j &- 1]
                j &-= 1
            }
            keys[j] = value
        }
    }

    private static func heapsort(_ keys: UnsafeMutableBufferPointer<UInt64>, _ low: Int, _ high: Int) {
        let count = high &- low
        func siftDown(_ start: Int, _ end: Int) {
            var parent = start
            while true {
                var child = 2 &* parent &+ 1
                guard child < end else { return }
                if child &+ 1 < end && keys[low &+ child] < keys[low &+ child &+ 1] { child &+= 1 }
                guard keys[low &+ parent] < keys[low &+ child] else { return }
                keys.swapAt(low &+ parent, low &+ child)
                parent = child
            }
        }
        var start = count / 2 - 1
        while start >= 0 {
            siftDown(start, count)
            start -= 1
        }
        var end = count - 1
        while end > 0 {
            keys.swapAt(low, low &+ end)
            siftDown(0, end)
            end -= 1
        }
    }
}
