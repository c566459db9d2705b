/// The fields of an index file header, checked as they are read.
struct IndexFileHeader {
    var dimension: Int
    var metric: DistanceMetric
    var levelCount: Int
    var kMeansIterations: Int
    var baseCount: Int
    var bodySize: Int
    var seed: UInt64
    var maxTrainingPoints: Int

    /// Reads from offset 12 (after magic and version) to the end of the header.
    init(reading input: inout FileInput) throws(ShoalError) {
        let headerSize = try input.read(UInt32.self, "header size")
        guard headerSize == UInt32(IndexFileFormat.headerSize) else {
            throw input.corrupt("header size is \(headerSize), expected \(IndexFileFormat.headerSize)", at: 12)
        }
        dimension = Int(try input.read(UInt32.self, "dimension"))
        guard (1...65_536).contains(dimension) else {
            throw input.corrupt("dimension \(dimension) is outside 1...65536", at: 16)
        }
        let metricCode = try input.read(UInt8.self, "metric")
        guard let metric = IndexFileFormat.metric(code: metricCode) else {
            throw input.corrupt("unknown metric code \(metricCode)", at: 20)
        }
        self.metric = metric
        _ = try input.read(UInt8.self, "padding")
        _ = try input.read(UInt16.self, "padding")
        levelCount = Int(try input.read(UInt32.self, "level count"))
        guard (1...64).contains(levelCount) else {
            throw input.corrupt("level count \(levelCount) is outside 1...64", at: 24)
        }
        kMeansIterations = Int(try input.read(UInt32.self, "k-means iterations"))
        let base = try input.read(UInt64.self, "vector count")
        let body = try input.read(UInt64.self, "body size")
        guard base <= UInt64(Int.max), body <= UInt64(Int.max) else {
            throw input.corrupt("vector count or body size is impossibly large", at: 32)
        }
        baseCount = Int(base)
        bodySize = Int(body)
        seed = try input.read(UInt64.self, "seed")
        maxTrainingPoints = Int(try input.read(UInt32.self, "max training points"))
        _ = try input.read(UInt32.self, "header checksum")
    }
}

/// Reads and validates the levels of an index file body.
enum IndexFileLevels {
    static func read(from input: inout FileInput, header: IndexFileHeader) throws(ShoalError) -> [PartitionStore] {
        let d = header.dimension
        var levels: [PartitionStore] = []
        for l in 0..<header.levelCount {
            let store = PartitionStore(dimension: d)
            let levelOffset = input.offset
            let partitionCount = try input.read(UInt64.self, "partition count of level \(l)")
            let nextID = try input.read(UInt64.self, "next partition id of level \(l)")
            guard nextID <= UInt64(UInt32.max), partitionCount <= nextID || (partitionCount == 0 && nextID == 0) else {
                throw input.corrupt("level \(l) has \(partitionCount) partitions but next id \(nextID)", at: levelOffset)
            }
            store.reserveIDs(below: Int(nextID))
            // Level 0 holds the header's vector count (bounded by what the file can hold, since the
            // count is not trusted yet); each level above one centroid per partition below.
            store.reserveLocations(
                l == 0 ? min(header.baseCount, input.remaining / (d * 4 + 8)) : levels[l - 1].partitions.count)
            for _ in 0..<partitionCount {
                let at = input.offset
                let pid = try input.read(UInt64.self, "partition id")
                let count = try input.read(UInt64.self, "partition size")
                guard pid < nextID, store.partitions[Int(pid)] == nil else {
                    throw input.corrupt("level \(l): partition id \(pid) is repeated or not below \(nextID)", at: at)
                }
                guard count <= UInt64(input.remaining / (d * 4 + 8)) else {
                    throw input.corrupt("level \(l): partition \(pid) claims \(count) vectors, more than the file holds", at: at)
                }
                let n = Int(count)
                let vectorBytes = try input.take(n * d * 4, "vectors of partition \(pid)")
                let idBytes = try input.take(n * 8, "ids of partition \(pid)")
                store.insertPartition(id: Int(pid), capacity: n)
                if let (id, earlier) = store.appendLoaded(
                    to: Int(pid), vectorBytes: vectorBytes, idBytes: idBytes, count: n)
                {
                    let message =
                        earlier.partition == UInt32(pid)
                        ? "level \(l): partition \(pid) holds an id twice (\(id))"
                        : "level \(l): id \(id) is stored twice (partitions \(earlier.partition) and \(pid))"
                    throw input.corrupt(message, at: at)
                }
            }
            levels.append(store)
        }
        try validateLinks(levels, input: input, header: header)
        return levels
    }

    /// The top level is one partition, each level holds one centroid per partition below, and the
    /// base count matches the header.
    private static func validateLinks(
        _ levels: [PartitionStore], input: FileInput, header: IndexFileHeader
    ) throws(ShoalError) {
        guard let top = levels.last, top.partitions.count == 1 else {
            throw input.corrupt("the top level must hold exactly one partition", at: IndexFileFormat.headerSize)
        }
        guard levels[0].count == header.baseCount else {
            throw input.corrupt("the header counts \(header.baseCount) vectors, the body \(levels[0].count)", at: 32)
        }
        for l in 0..<(levels.count - 1) {
            let partitionIDs = Set(levels[l].partitions.keys.map(Int64.init))
            guard partitionIDs == Set(levels[l + 1].locations.keys) else {
                throw input.corrupt(
                    "level \(l + 1) does not hold exactly one centroid per partition of level \(l)",
                    at: IndexFileFormat.headerSize)
            }
        }
    }
}
