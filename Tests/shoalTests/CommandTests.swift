import Foundation
import Testing

@Suite struct CommandTests {
    let data = CommandRunner.repositoryRoot.appendingPathComponent("Data/sift5k-ngt").path

    @Test func helpListsEverySubcommand() throws {
        let outcome = try CommandRunner.run(["--help"])
        #expect(outcome.status == 0)
        for name in ["demo", "build", "search", "eval"] {
            #expect(outcome.stdout.contains(name))
        }
    }

    @Test func evalJSONHasOneObjectPerNprobeAndNothingElse() throws {
        let outcome = try CommandRunner.run([
            "eval", "--base", "\(data)/base.fvecs", "--queries", "\(data)/query.fvecs", "--ground-truth",
            "\(data)/gt100.ivecs", "--nprobe", "1,1000", "--json", "--threads", "1", "--batch",
        ])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let lines = outcome.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        let keys = ["nprobe", "recall", "qps", "mean_ms", "p50_ms", "p99_ms", "threads", "batch", "partitions", "build_s"]
        var recalls: [Double] = []
        for line in lines {
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            for key in keys { #expect(object[key] != nil, "missing \(key)") }
            recalls.append(try #require(object["recall"] as? Double))
        }
        #expect(recalls[1] == 1.0)
        #expect(recalls[0] < recalls[1])
    }

    @Test func evalComputesGroundTruthWhenNoneIsGiven() throws {
        let outcome = try CommandRunner.run([
            "eval", "--base", "\(data)/base.fvecs", "--queries", "\(data)/query.fvecs", "--nprobe", "1000", "--json",
            "--query-limit", "20", "--metric", "cosine",
        ])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("\"recall\": 1.0"))
    }

    @Test func buildThenSearchWritesNeighbourFiles() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let index = folder.appendingPathComponent("sift.shoal").path
        let built = try CommandRunner.run(["build", "--vectors", "\(data)/base.fvecs", "-o", index, "--ids-from", "100"])
        #expect(built.status == 0, "\(built.stderr)")
        #expect(built.stdout.contains("5000 vectors"))
        let ids = folder.appendingPathComponent("ids.ivecs").path
        let scores = folder.appendingPathComponent("scores.fvecs").path
        let searched = try CommandRunner.run([
            "search", "--index", index, "--queries", "\(data)/query.fvecs", "-o", ids, "--scores", scores, "--k", "5",
            "--nprobe", "1000",
        ])
        #expect(searched.status == 0, "\(searched.stderr)")
        let idBytes = try Data(contentsOf: URL(fileURLWithPath: ids))
        #expect(idBytes.count == 100 * (4 + 5 * 4))
        let truth = try Data(contentsOf: URL(fileURLWithPath: "\(data)/gt100.ivecs"))
        // Query 0: the first id found is ground-truth row 0 shifted by --ids-from.
        let firstFound = idBytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 4, as: Int32.self) }
        let firstTrue = truth.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 4, as: Int32.self) }
        #expect(firstFound == firstTrue + 100)
    }

    @Test func aMissingFileIsOneClearLineAndAFailureStatus() throws {
        let outcome = try CommandRunner.run(["eval", "--base", "/nonexistent/base.fvecs", "--queries", "q.fvecs"])
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("/nonexistent/base.fvecs"))
        #expect(outcome.stderr.split(separator: "\n").count <= 2)
    }

    @Test(arguments: ["1.5", "0", "nan", "0.9,abc"])
    func aBadRecallTargetFailsBeforeAnyDataIsRead(target: String) throws {
        // The base file does not exist: the target must be rejected first, with eval's usage.
        let outcome = try CommandRunner.run([
            "eval", "--base", "/nonexistent/base.fvecs", "--queries", "q.fvecs", "--recall-target", target,
        ])
        #expect(outcome.status == 64)
        #expect(outcome.stdout.isEmpty)
        #expect(outcome.stderr.contains("invalid for '--recall-target <recall-target>': give numbers in (0, 1] separated by commas"))
        #expect(outcome.stderr.contains("shoal eval"))
        #expect(!outcome.stderr.contains("nonexistent"))
    }

    @Test func recallTargetsMayHaveSpacesAfterTheCommas() throws {
        let outcome = try CommandRunner.run([
            "eval", "--base", "\(data)/base.fvecs", "--queries", "\(data)/query.fvecs", "--ground-truth",
            "\(data)/gt100.ivecs", "--recall-target", "0.8, 0.9", "--json", "--query-limit", "20", "--threads", "1",
        ])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let targets = outcome.stdout.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["recall_target"] as? Double
        }
        #expect(targets == [0.8, 0.9])
    }

    @Test func aCorruptIndexFileIsReportedWithItsPath() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let index = folder.appendingPathComponent("bad.shoal").path
        try Data("not an index".utf8).write(to: URL(fileURLWithPath: index))
        let outcome = try CommandRunner.run([
            "search", "--index", index, "--queries", "\(data)/query.fvecs", "-o", folder.appendingPathComponent("o.ivecs").path,
        ])
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("bad.shoal"))
    }
}
