import Foundation
@testable import Shoal
import ShoalTestSupport
import Testing

@Suite struct VectorIndexPersistenceTests {
    private func build(
        n: Int, d: Int, metric: DistanceMetric = .l2, partitions: Int? = nil, maxTop: Int = 4096, seed: UInt64 = 1
    ) throws -> (VectorIndex, [Float]) {
        var random = SeededRandom(seed: seed)
        let vectors = random.clusteredRows(n, dimension: d, clusters: 5)
        let ids = (0..<Int64(n)).map { $0 * 11 - 40 }
        let index = try VectorIndex.build(
            vectors: vectors, ids: ids,
            configuration: IndexConfiguration(
                dimension: d, metric: metric, partitionCount: partitions, kMeansIterations: 7,
                maxTrainingPointsPerCentroid: 100, maxTopLevelCentroids: maxTop, seed: 99, threads: 2))
        return (index, random.gaussianRows(6, dimension: d).map { $0 * 10 })
    }

    private func expectSame(_ a: VectorIndex, _ b: VectorIndex, queries: [Float], sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(a.count == b.count, sourceLocation: sourceLocation)
        #expect(a.dimension == b.dimension, sourceLocation: sourceLocation)
        #expect(a.metric == b.metric, sourceLocation: sourceLocation)
        #expect(a.levelCount == b.levelCount, sourceLocation: sourceLocation)
        #expect(a.partitionCountsPerLevel == b.partitionCountsPerLevel, sourceLocation: sourceLocation)
        #expect(a.partitionSizes == b.partitionSizes, sourceLocation: sourceLocation)
        #expect(a.allIDs() == b.allIDs(), sourceLocation: sourceLocation)
        #expect(try a.vectors(for: a.allIDs()) == b.vectors(for: b.allIDs()), sourceLocation: sourceLocation)
        if a.count > 0 {
            for nprobe in [1, 3, a.partitionCount] {
                let options = SearchOptions(k: 5, nprobe: nprobe, threads: 1)
                #expect(try a.search(batch: queries, options: options) == b.search(batch: queries, options: options), sourceLocation: sourceLocation)
                #expect(
                    try a.search(row(queries, 0, dimension: a.dimension), options: options)
                        == b.search(row(queries, 0, dimension: b.dimension), options: options),
                    sourceLocation: sourceLocation)
            }
        }
        b.checkInvariants()
    }

    @Test(arguments: DistanceMetric.allCases)
    func writeThenReadRoundTrips(metric: DistanceMetric) throws {
        let (index, queries) = try build(n: 500, d: 10, metric: metric)
        try withTemporaryDirectory { dir in
            let path = dir + "/index.shoal"
            try index.write(to: path)
            let loaded = try VectorIndex(contentsOf: path)
            try expectSame(index, loaded, queries: queries)
            #expect(loaded.configuration.kMeansIterations == 7)
            #expect(loaded.configuration.maxTrainingPointsPerCentroid == 100)
            #expect(loaded.configuration.seed == 99)
            #expect(loaded.configuration.metric == metric)
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["index.shoal"], "no temporary file is left")
        }
    }

    @Test func multiLevelIndexRoundTrips() throws {
        let (index, queries) = try build(n: 1200, d: 6, partitions: 40, maxTop: 6)
        #expect(index.levelCount >= 3)
        try withTemporaryDirectory { dir in
            try index.write(to: dir + "/multi.shoal")
            try expectSame(index, try VectorIndex(contentsOf: dir + "/multi.shoal"), queries: queries)
        }
    }

    @Test func updatedIndexRoundTripsAndKeepsWorking() throws {
        let (index, queries) = try build(n: 400, d: 5, partitions: 8)
        var random = SeededRandom(seed: 3)
        try index.add(vectors: random.gaussianRows(30, dimension: 5), ids: (0..<Int64(30)).map { 100_000 + $0 })
        try index.remove(ids: index.allIDs().filter { $0 % 3 == 0 })
        try withTemporaryDirectory { dir in
            let path = dir + "/updated.shoal"
            try index.write(to: path)
            let loaded = try VectorIndex(contentsOf: path, threads: 1)
            try expectSame(index, loaded, queries: queries)
            #expect(loaded.configuration.threads == 1)
            // The loaded index accepts updates like the original.
            let extra = random.gaussianRows(3, dimension: 5)
            try loaded.add(vectors: extra, ids: [-1, -2, -3])
            try index.add(vectors: extra, ids: [-1, -2, -3])
            try loaded.remove(ids: [-2])
            try index.remove(ids: [-2])
            try expectSame(index, loaded, queries: queries)
            // Writing over an existing file replaces it.
            try loaded.write(to: path)
            try expectSame(loaded, try VectorIndex(contentsOf: path), queries: queries)
        }
    }

    @Test func emptyIndexRoundTrips() throws {
        let index = try VectorIndex(configuration: IndexConfiguration(dimension: 4, metric: .innerProduct))
        try withTemporaryDirectory { dir in
            try index.write(to: dir + "/empty.shoal")
            let loaded = try VectorIndex(contentsOf: dir + "/empty.shoal")
            try expectSame(index, loaded, queries: [])
            try loaded.add(vectors: [1, 2, 3, 4], ids: [1])
            #expect(try loaded.search([1, 0, 0, 0], options: SearchOptions(k: 1))[0] == Neighbor(id: 1, score: 1))
        }
    }

    @Test func indexWithAnEmptiedPartitionRoundTrips() throws {
        let (index, queries) = try build(n: 200, d: 4, partitions: 4)
        let smallest = index.levels[0].partitions.min { $0.value.count < $1.value.count }!
        let members = Array(UnsafeBufferPointer(start: smallest.value.ids, count: smallest.value.count))
        try index.remove(ids: members)
        #expect(index.partitionSizes.last == 0)
        try withTemporaryDirectory { dir in
            try index.write(to: dir + "/hole.shoal")
            try expectSame(index, try VectorIndex(contentsOf: dir + "/hole.shoal"), queries: queries)
        }
    }

    // MARK: Failures

    @Test func missingFileIsIOFailure() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/absent.shoal"
            let error = expectShoalError(.ioFailure, containing: ["cannot open"]) { _ = try VectorIndex(contentsOf: path) }
            #expect(error?.path == path)
        }
    }

    @Test func writingIntoAMissingDirectoryIsIOFailure() throws {
        let (index, _) = try build(n: 20, d: 2)
        try withTemporaryDirectory { dir in
            expectShoalError(.ioFailure, containing: ["cannot create"]) {
                try index.write(to: dir + "/no/such/dir/index.shoal")
            }
        }
    }

    @Test func aFileThatIsNotAnIndexIsCorrupt() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/text.shoal"
            try Data(String(repeating: "not a shoal index\n", count: 10).utf8).write(to: URL(fileURLWithPath: path))
            let error = expectShoalError(.corruptFile, containing: ["SHOALIDX"]) { _ = try VectorIndex(contentsOf: path) }
            #expect(error?.path == path)
            #expect(error?.offset == 0)
        }
    }

    @Test func truncatedFilesAreCorrupt() throws {
        let (index, _) = try build(n: 40, d: 3, partitions: 3)
        try withTemporaryDirectory { dir in
            let path = dir + "/small.shoal"
            try index.write(to: path)
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            let cuts = Array(stride(from: 0, to: bytes.count, by: 7)) + [bytes.count - 1, 71, 72]
            for cut in cuts {
                let damaged = dir + "/cut.shoal"
                try Data(bytes.prefix(cut)).write(to: URL(fileURLWithPath: damaged))
                let error = expectShoalError(.corruptFile) { _ = try VectorIndex(contentsOf: damaged) }
                #expect(error?.path == damaged, "cut at \(cut)")
                #expect(error?.offset != nil, "cut at \(cut)")
            }
        }
    }

    @Test func trailingBytesAreCorrupt() throws {
        let (index, _) = try build(n: 30, d: 3, partitions: 2)
        try withTemporaryDirectory { dir in
            let path = dir + "/small.shoal"
            try index.write(to: path)
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            try Data(bytes + [0]).write(to: URL(fileURLWithPath: path))
            expectShoalError(.corruptFile, containing: ["body"]) { _ = try VectorIndex(contentsOf: path) }
        }
    }

    @Test func everyFlippedByteIsDetected() throws {
        let (index, _) = try build(n: 24, d: 3, partitions: 3)
        try withTemporaryDirectory { dir in
            let path = dir + "/small.shoal"
            try index.write(to: path)
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            #expect(bytes.count < 2000)
            var random = SeededRandom(seed: 17)
            // Every byte with all bits flipped, then a seeded sample with random masks.
            var flips = bytes.indices.map { ($0, UInt8(0xFF)) }
            for _ in 0..<200 {
                flips.append((Int.random(in: bytes.indices, using: &random), UInt8.random(in: 1...255, using: &random)))
            }
            let damaged = dir + "/flipped.shoal"
            for (position, mask) in flips {
                var copy = bytes
                copy[position] ^= mask
                try Data(copy).write(to: URL(fileURLWithPath: damaged))
                do {
                    let loaded = try VectorIndex(contentsOf: damaged)
                    Issue.record("flipping byte \(position) with \(mask) was not detected (count \(loaded.count))")
                } catch let error as ShoalError {
                    if (8..<12).contains(position) {
                        #expect(error.code == .corruptFile || error.code == .unsupportedVersion, "byte \(position): \(error)")
                    } else {
                        #expect(error.code == .corruptFile, "byte \(position): \(error)")
                    }
                } catch {
                    Issue.record("byte \(position): not a ShoalError: \(error)")
                }
            }
        }
    }

    @Test func aNewerVersionIsUnsupportedVersion() throws {
        let (index, _) = try build(n: 20, d: 2)
        try withTemporaryDirectory { dir in
            let path = dir + "/v.shoal"
            try index.write(to: path)
            var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            #expect(bytes[8] == 1, "format version 1")
            bytes[8] = 99
            resealHeader(&bytes)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let error = expectShoalError(.unsupportedVersion, containing: ["version 99", "upgrade"]) {
                _ = try VectorIndex(contentsOf: path)
            }
            #expect(error?.offset == 8)
        }
    }

    /// Header fields that pass the checksum but break a rule are still rejected.
    @Test(arguments: [
        (16, UInt8(0), "dimension 0"),
        (20, UInt8(7), "unknown metric code 7"),
        (24, UInt8(0), "level count 0"),
        (12, UInt8(65), "header size is 65"),
        (28, UInt8(0), "invalid setting"),
    ])
    func checksummedHeaderWithAnInvalidFieldIsCorrupt(offset: Int, value: UInt8, fragment: String) throws {
        let (index, _) = try build(n: 20, d: 2)
        try withTemporaryDirectory { dir in
            let path = dir + "/h.shoal"
            try index.write(to: path)
            var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            writeUInt32(&bytes, offset, 0)
            bytes[offset] = value
            resealHeader(&bytes)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            expectShoalError(.corruptFile, containing: [fragment]) { _ = try VectorIndex(contentsOf: path) }
        }
    }

    @Test func checksummedHeaderWithTheWrongVectorCountIsCorrupt() throws {
        let (index, _) = try build(n: 20, d: 2)
        try withTemporaryDirectory { dir in
            let path = dir + "/count.shoal"
            try index.write(to: path)
            var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            bytes[32] &+= 1
            resealHeader(&bytes)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            expectShoalError(.corruptFile, containing: ["the header counts 21 vectors, the body 20"]) {
                _ = try VectorIndex(contentsOf: path)
            }
        }
    }

    /// Body damage that passes the checksum (a buggy writer) is caught by the structural checks.
    @Test func checksummedBodyThatBreaksAStructuralRuleIsCorrupt() throws {
        let d = 2
        let (index, _) = try build(n: 20, d: d, partitions: 2)
        try withTemporaryDirectory { dir in
            let path = dir + "/body.shoal"
            try index.write(to: path)
            let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            // Level 0 starts at 64: partition count, next id, then partition id and size at 80 and 88.
            let firstSize = Int(readUInt64(original, 88))
            #expect(firstSize > 1)
            let idsStart = 96 + firstSize * d * 4
            let cases: [(String, (inout [UInt8]) -> Void)] = [
                ("repeated or not below", { writeUInt64(&$0, 80, 2) }),
                ("more than the file holds", { writeUInt64(&$0, 88, 1 << 40) }),
                ("holds an id twice", { bytes in
                    for i in 0..<8 { bytes[idsStart + 8 + i] = bytes[idsStart + i] }
                }),
                ("partitions but next id", { writeUInt64(&$0, 72, 1) }),
            ]
            for (fragment, damage) in cases {
                var bytes = original
                damage(&bytes)
                resealBody(&bytes)
                try Data(bytes).write(to: URL(fileURLWithPath: path))
                expectShoalError(.corruptFile, containing: [fragment]) { _ = try VectorIndex(contentsOf: path) }
            }
        }
    }

    @Test func readingWithAnInvalidThreadCountIsAnInvalidArgument() throws {
        let (index, _) = try build(n: 20, d: 2)
        try withTemporaryDirectory { dir in
            let path = dir + "/t.shoal"
            try index.write(to: path)
            // The file is fine; the caller's argument is not.
            expectShoalError(.invalidArgument, containing: ["threads is 0"]) {
                _ = try VectorIndex(contentsOf: path, threads: 0)
            }
        }
    }
}

// MARK: - File surgery

private func readUInt64(_ bytes: [UInt8], _ offset: Int) -> UInt64 {
    (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << (8 * UInt64($1)) }
}

private func writeUInt64(_ bytes: inout [UInt8], _ offset: Int, _ value: UInt64) {
    for i in 0..<8 { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
}

private func writeUInt32(_ bytes: inout [UInt8], _ offset: Int, _ value: UInt32) {
    for i in 0..<4 { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(i))) }
}

/// Recomputes the header checksum (bytes 60..<64).
private func resealHeader(_ bytes: inout [UInt8]) {
    let crc = bytes.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<60])) }
    writeUInt32(&bytes, 60, crc)
}

/// Recomputes the body checksum (the 4 bytes before the end magic).
private func resealBody(_ bytes: inout [UInt8]) {
    let trailer = bytes.count - 8
    let crc = bytes.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[64..<trailer])) }
    writeUInt32(&bytes, trailer, crc)
}
