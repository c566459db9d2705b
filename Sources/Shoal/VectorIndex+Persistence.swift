extension VectorIndex {
    /// Writes the index to one file (format version 1: a header and a body, each with a CRC-32C).
    ///
    /// The write is atomic: a temporary file is written and synced, then renamed over `path`.
    /// - Throws: ``ShoalError/Code/ioFailure`` naming the path and the system's reason.
    /// - Complexity: O(n × d) bytes written.
    public func write(to path: String) throws(ShoalError) {
        try lock.withReadLock { () throws(ShoalError) in
            let output = try FileOutput(path: path)
            let bodySize = levels.reduce(16) { total, level in
                total + 16 + level.partitions.values.reduce(0) { $0 + 16 + $1.count * (dimension * 4 + 8) }
            } - 16
            var header = [UInt8](repeating: 0, count: IndexFileFormat.headerSize)
            header.withUnsafeMutableBytes { h in
                h.copyBytes(from: IndexFileFormat.magic)
                h.storeBytes(of: IndexFileFormat.version.littleEndian, toByteOffset: 8, as: UInt32.self)
                h.storeBytes(of: UInt32(IndexFileFormat.headerSize).littleEndian, toByteOffset: 12, as: UInt32.self)
                h.storeBytes(of: UInt32(dimension).littleEndian, toByteOffset: 16, as: UInt32.self)
                h.storeBytes(of: IndexFileFormat.code(of: metric), toByteOffset: 20, as: UInt8.self)
                h.storeBytes(of: UInt32(levels.count).littleEndian, toByteOffset: 24, as: UInt32.self)
                h.storeBytes(of: UInt32(configuration.kMeansIterations).littleEndian, toByteOffset: 28, as: UInt32.self)
                h.storeBytes(of: UInt64(levels[0].count).littleEndian, toByteOffset: 32, as: UInt64.self)
                h.storeBytes(of: UInt64(bodySize).littleEndian, toByteOffset: 40, as: UInt64.self)
                h.storeBytes(of: configuration.seed.littleEndian, toByteOffset: 48, as: UInt64.self)
                h.storeBytes(
                    of: UInt32(configuration.maxTrainingPointsPerCentroid).littleEndian, toByteOffset: 56,
                    as: UInt32.self)
                let crc = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: h[0..<60]))
                h.storeBytes(of: crc.littleEndian, toByteOffset: 60, as: UInt32.self)
            }
            try header.withUnsafeBufferPointer { (buffer) throws(ShoalError) in try output.write(UnsafeRawBufferPointer(buffer)) }
            output.resetChecksum()
            for level in levels {
                try output.write(UInt64(level.partitions.count))
                try output.write(UInt64(level.nextPartitionID))
                for pid in level.partitionIDs {
                    guard let partition = level.partitions[pid] else { continue }
                    try output.write(UInt64(pid))
                    try output.write(UInt64(partition.count))
                    try output.write(
                        UnsafeRawBufferPointer(start: partition.vectors, count: partition.count * dimension * 4))
                    try output.write(UnsafeRawBufferPointer(start: partition.ids, count: partition.count * 8))
                }
            }
            let bodyChecksum = output.checksum.value
            try output.write(bodyChecksum)
            try IndexFileFormat.endMagic.withUnsafeBufferPointer { (buffer) throws(ShoalError) in try output.write(UnsafeRawBufferPointer(buffer)) }
            try output.commit()
        }
    }

    /// Reads an index written by ``write(to:)``.
    ///
    /// - Parameters:
    ///   - threads: worker threads for later calls; `nil` uses every core.
    ///   - maintenance: how the index maintains itself (not stored in the file).
    /// - Throws: ``ShoalError/Code/ioFailure`` when the file cannot be read,
    ///   ``ShoalError/Code/unsupportedVersion`` for a newer format, and
    ///   ``ShoalError/Code/corruptFile`` (with the path and byte offset) when it is not an index
    ///   file, is truncated, fails a checksum or breaks a structural rule.
    /// - Complexity: O(n × d).
    public convenience init(
        contentsOf path: String, threads: Int? = nil, maintenance: MaintenanceConfiguration = MaintenanceConfiguration()
    ) throws(ShoalError) {
        try maintenance.validate()
        if let threads, !(1...1024).contains(threads) {
            throw ShoalError(.invalidArgument, "threads is \(threads); it must be in 1...1024")
        }
        var input = try FileInput(path: path)
        guard input.count >= IndexFileFormat.headerSize + IndexFileFormat.trailerSize else {
            throw input.corrupt(
                "the file is \(input.count) bytes, too short for a Shoal index (at least 72); it is truncated or not an index",
                at: 0)
        }
        guard input.bytes(0..<8) == IndexFileFormat.magic else {
            throw input.corrupt("the file does not start with SHOALIDX; it is not a Shoal index file", at: 0)
        }
        _ = try input.read(UInt64.self, "magic")
        let version = try input.read(UInt32.self, "version")
        guard version <= IndexFileFormat.version else {
            throw ShoalError(
                .unsupportedVersion,
                "the file uses index format version \(version); this Shoal reads versions up to \(IndexFileFormat.version), upgrade Shoal",
                path: path, offset: 8)
        }
        let storedHeaderCRC = input.uint32(at: 60)
        guard input.checksum(0..<60) == storedHeaderCRC else {
            throw input.corrupt("the header checksum does not match; the file is damaged", at: 60)
        }
        let header = try IndexFileHeader(reading: &input)
        let bodyStart = IndexFileFormat.headerSize
        guard header.bodySize == input.count - bodyStart - IndexFileFormat.trailerSize else {
            throw input.corrupt(
                "the header announces a \(header.bodySize)-byte body but the file holds \(input.count - bodyStart - IndexFileFormat.trailerSize); it is truncated or damaged",
                at: 40)
        }
        let trailerStart = bodyStart + header.bodySize
        let storedBodyCRC = input.uint32(at: trailerStart)
        guard input.checksum(bodyStart..<trailerStart) == storedBodyCRC,
            input.bytes((trailerStart + 4)..<input.count) == IndexFileFormat.endMagic
        else {
            throw input.corrupt("the body checksum does not match; the file is damaged", at: trailerStart)
        }
        let levels = try IndexFileLevels.read(from: &input, header: header)
        var configuration = IndexConfiguration(
            dimension: header.dimension, metric: header.metric, kMeansIterations: header.kMeansIterations,
            maxTrainingPointsPerCentroid: header.maxTrainingPoints, seed: header.seed, threads: threads)
        configuration.partitionCount = levels[0].partitions.count
        configuration.maintenance = maintenance
        do {
            try configuration.validate()
        } catch {
            throw input.corrupt("the header holds an invalid setting: \(error.message)", at: 16)
        }
        self.init(configuration: configuration, levels: levels)
    }
}
