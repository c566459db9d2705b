import Foundation
import Shoal
@testable import ShoalStore
import ShoalTestSupport
import Testing

/// Crash tests: the built `shoal` executable inserts or deletes in acknowledged batches and is
/// killed with SIGKILL at a random moment (seeded); after each kill the reopened collection must
/// hold every acknowledged write, each unacknowledged batch entirely or not at all, nothing else
/// changed, and pass verification. `SHOAL_KILL_TRIALS` sets the number of trials (default 50);
/// `Benchmarks/durability/kill-trials.sh` runs 500.
@Suite struct KillTrialTests {
    private static let trials = Int(ProcessInfo.processInfo.environment["SHOAL_KILL_TRIALS"] ?? "") ?? 50
    private static let dimension = 8

    private struct Tally {
        var acknowledgedBatches = 0
        var unacknowledgedApplied = 0
        var unacknowledgedDropped = 0
        var tornTails = 0
        var deleteTrials = 0
        var finished = 0
    }

    @Test func acknowledgedWritesSurviveSIGKILL() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("c")
        let create = try ChildProcess(["create", path, "--dimension", "\(Self.dimension)"])
        create.waitForExit()
        #expect(create.exitStatus == 0)
        let rows = 400
        let vectorsFile = dir.file("v.fvecs")
        try TestData.writeFVecs(TestData.vectors(rows, dimension: Self.dimension, seed: 5), dimension: Self.dimension, to: vectorsFile)
        var random = SeededRandom(seed: 2024)
        var model = Set<Int64>()
        var nextID: Int64 = 0
        var tally = Tally()
        for trial in 0..<Self.trials {
            let deleting = model.count > 300 && Int.random(in: 0..<3, using: &random) == 0
            let size = [5, 10, 25, 40].randomElement(using: &random) ?? 10
            var common = ["--batch-size", "\(size)", "--ack", "--in-flight", "\(Int.random(in: 1...4, using: &random))", "--checkpoint-bytes", "8192"]
            if Bool.random(using: &random) {
                // Writes the log in small pieces, so that the kill can land inside a group commit.
                common += ["--write-chunk-bytes", "\([16, 64, 256].randomElement(using: &random) ?? 64)"]
            }
            let ids: [Int64]
            let child: ChildProcess
            if deleting {
                ids = Array(model.sorted().shuffled(using: &random).prefix(Int.random(in: 40...200, using: &random)))
                let idsFile = dir.file("ids-\(trial).txt")
                try TestData.write(Array(ids.map(String.init).joined(separator: "\n").utf8), to: idsFile)
                child = try ChildProcess(["delete", path, "--ids-file", idsFile] + common)
                tally.deleteTrials += 1
            } else {
                ids = (0..<Int64(rows)).map { nextID + $0 }
                child = try ChildProcess(["insert", path, "--vectors", vectorsFile, "--ids-from", "\(nextID)"] + common)
                nextID += Int64(rows)
            }
            let batches = stride(from: 0, to: ids.count, by: size).map { Array(ids[$0..<min(ids.count, $0 + size)]) }
            if Bool.random(using: &random) {
                let target = Int.random(in: 0...batches.count, using: &random)
                child.wait(until: { $0.acknowledged.count >= target })
                usleep(UInt32.random(in: 0..<4000, using: &random))
            } else {
                usleep(UInt32.random(in: 0..<200_000, using: &random))
            }
            child.kill()
            if child.lines.contains(where: { $0.hasPrefix("inserted") || $0.hasPrefix("deleted") }) { tally.finished += 1 }
            let acknowledged = child.acknowledged
            #expect(acknowledged.map(\.0) == batches.prefix(acknowledged.count).map { $0[0] }, "trial \(trial): acks out of order")

            let (collection, report) = try DurableCollection.open(at: path)
            let stored = Set(collection.allIDs())
            if report.tornTail != nil { tally.tornTails += 1 }
            for (i, batch) in batches.enumerated() {
                let present = batch.filter(stored.contains).count
                let done = deleting ? present == 0 : present == batch.count
                if i < acknowledged.count {
                    #expect(done, "trial \(trial): acknowledged batch \(i) lost (\(present) of \(batch.count) present)")
                    tally.acknowledgedBatches += 1
                } else {
                    #expect(present == 0 || present == batch.count, "trial \(trial): batch \(i) half applied (\(present) of \(batch.count))")
                    if done { tally.unacknowledgedApplied += 1 } else { tally.unacknowledgedDropped += 1 }
                }
            }
            let touched = Set(ids)
            #expect(stored.subtracting(touched) == model.subtracting(touched), "trial \(trial): other ids changed")
            model = stored
            let verification = collection.verify()
            #expect(verification.isValid, "trial \(trial): \(verification.problems)")
            collection.close()
        }
        print(
            "kill trials: \(Self.trials) (\(tally.deleteTrials) deleting, \(tally.finished) finished before the kill); "
                + "\(tally.acknowledgedBatches) acknowledged batches, all kept; unacknowledged batches: "
                + "\(tally.unacknowledgedApplied) applied whole, \(tally.unacknowledgedDropped) dropped whole, none half; "
                + "\(tally.tornTails) torn tails cut off")
        #expect(tally.acknowledgedBatches > 0)
    }
}
