/// Growable scratch buffers owned by one worker for the duration of one search call.
final class ScanScratch {
    private(set) var distances = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    private(set) var distanceCapacity = 1
    private(set) var queries = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    private(set) var queryCapacity = 1
    private(set) var norms = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    private(set) var normCapacity = 1

    deinit {
        distances.deallocate()
        queries.deallocate()
        norms.deallocate()
    }

    /// Ensures room for `count` distances (contents are not kept).
    func reserveDistances(_ count: Int) {
        guard count > distanceCapacity else { return }
        distances.deallocate()
        distanceCapacity = max(count, distanceCapacity * 2)
        distances = .allocate(capacity: distanceCapacity)
    }

    /// Ensures room for `count` query floats (contents are not kept).
    func reserveQueries(_ count: Int) {
        guard count > queryCapacity else { return }
        queries.deallocate()
        queryCapacity = max(count, queryCapacity * 2)
        queries = .allocate(capacity: queryCapacity)
    }

    /// Ensures room for `count` norms (contents are not kept).
    func reserveNorms(_ count: Int) {
        guard count > normCapacity else { return }
        norms.deallocate()
        normCapacity = max(count, normCapacity * 2)
        norms = .allocate(capacity: normCapacity)
    }
}
