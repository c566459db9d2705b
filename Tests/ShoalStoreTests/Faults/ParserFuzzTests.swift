import Foundation
import Shoal
@testable import ShoalStore
import ShoalTestSupport
import Testing

/// Feeds seeded random mutations of real files to the parsers: the log segment scanner, the
/// identity file, the snapshot reader, and whole-collection recovery. Each must return a typed
/// error or a clean result, never crash. `SHOAL_FUZZ_ITERATIONS` scales the runs (default 1).
@Suite struct ParserFuzzTests {
    private static let scale = Int(ProcessInfo.processInfo.environment["SHOAL_FUZZ_ITERATIONS"] ?? "") ?? 1

    /// One random mutation: flipped bytes, a cut, an inserted run of garbage, or a copied range.
    private func mutate(_ bytes: [UInt8], _ random: inout SeededRandom) -> [UInt8] {
        var result = bytes
        guard !result.isEmpty else { return [UInt8.random(in: 0...255, using: &random)] }
        switch Int.random(in: 0..<5, using: &random) {
        case 0:
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                result[Int.random(in: 0..<result.count, using: &random)] ^= UInt8.random(in: 1...255, using: &random)
            }
        case 1:
            result.removeLast(Int.random(in: 1...result.count, using: &random))
        case 2:
            let at = Int.random(in: 0...result.count, using: &random)
            result.insert(contentsOf: (0..<Int.random(in: 1...64, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }, at: at)
        case 3:
            let from = Int.random(in: 0..<result.count, using: &random)
            let length = Int.random(in: 1...min(256, result.count - from), using: &random)
            let to = Int.random(in: 0..<result.count, using: &random)
            for i in 0..<length where to + i < result.count { result[to + i] = bytes[from + i] }
        default:
            let at = Int.random(in: 0..<result.count, using: &random)
            let choices: [UInt8] = [0, 0xFF, 0x7F, 0x80]
            let value = choices.randomElement(using: &random) ?? 0
            for i in at..<min(result.count, at + 8) { result[i] = value }
        }
        return result
    }

    private func sampleCollection(_ dir: TemporaryDirectory) throws -> String {
        let path = dir.file("c")
        let collection = try DurableCollection.create(
            at: path, configuration: TestData.configuration(dimension: 3), options: OpenOptions(segmentBytes: 4096))
        for b in 0..<30 {
            let ids = (0..<4).map { Int64(b * 4 + $0) }
            if b % 5 == 4 {
                try collection.remove(ids: [Int64((b - 1) * 4)])
            }
            try collection.insert(vectors: TestData.vectors(4, dimension: 3, seed: UInt64(b)), ids: ids)
            if b == 12 { try collection.checkpoint() }
        }
        collection.close()
        return path
    }

    @Test func theSegmentScannerNeverCrashes() throws {
        let dir = TemporaryDirectory()
        let path = try sampleCollection(dir)
        let segments = TestData.files(in: path + "/wal").map { path + "/wal/" + $0 }
        var random = SeededRandom(seed: 11)
        for i in 0..<(2000 * Self.scale) {
            let original = try TestData.bytes(segments[i % segments.count])
            let bytes = mutate(original, &random)
            if let scan = try? WALSegmentScan(bytes: bytes, path: "fuzz", dimension: 3) {
                #expect(scan.completeEnd <= bytes.count && scan.completeCount <= scan.records.count)
            }
        }
    }

    @Test func theIdentityAndSnapshotReadersNeverCrash() throws {
        let dir = TemporaryDirectory()
        let path = try sampleCollection(dir)
        let identity = try TestData.bytes(path + "/COLLECTION")
        let snapshotName = try #require(TestData.files(in: path + "/snapshots").first)
        let snapshot = try TestData.bytes(path + "/snapshots/" + snapshotName)
        var random = SeededRandom(seed: 12)
        for _ in 0..<(1000 * Self.scale) {
            _ = try? CollectionIdentity(decoding: mutate(identity, &random), path: "fuzz")
        }
        let target = dir.file("fuzz.shoal")
        for _ in 0..<(150 * Self.scale) {
            try TestData.write(mutate(snapshot, &random), to: target)
            _ = try? VectorIndex(contentsOf: target)
        }
    }

    @Test func recoveryGivesATypedErrorOrASoundCollection() throws {
        let dir = TemporaryDirectory()
        let pristine = try sampleCollection(dir)
        let (reference, _) = try DurableCollection.open(at: pristine, options: OpenOptions(mode: .readOnly))
        let expected = Set(reference.allIDs())
        reference.close()
        let files = (TestData.files(in: pristine + "/wal").map { "wal/" + $0 }
            + TestData.files(in: pristine + "/snapshots").map { "snapshots/" + $0 } + ["COLLECTION"])
        var random = SeededRandom(seed: 13)
        var opened = 0
        for i in 0..<(60 * Self.scale) {
            let copy = dir.file("m\(i)")
            try TestData.copy(pristine, to: copy)
            let victim = copy + "/" + files[Int.random(in: 0..<files.count, using: &random)]
            try TestData.write(mutate(try TestData.bytes(victim), &random), to: victim)
            let salvage = Bool.random(using: &random)
            do {
                let (collection, _) = try DurableCollection.open(at: copy, options: OpenOptions(recovery: salvage ? .salvage : .strict))
                opened += 1
                #expect(collection.allIDs().allSatisfy { (0..<120).contains($0) })
                if !salvage && victim.hasSuffix("COLLECTION") { #expect(Set(collection.allIDs()) == expected) }
                collection.index.checkInvariants()
                collection.close()
            } catch {
                #expect(!error.message.isEmpty)
            }
            try FileManager.default.removeItem(atPath: copy)
        }
        #expect(opened > 0)
    }
}
