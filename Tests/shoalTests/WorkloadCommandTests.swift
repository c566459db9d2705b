import Foundation
import Testing

@Suite struct WorkloadCommandTests {
    let data = CommandRunner.repositoryRoot.appendingPathComponent("Data/sift5k-ngt").path

    @Test func generateThenRunReplaysTheRunbook() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let runbook = folder.appendingPathComponent("runbook").path
        let generate = try CommandRunner.run([
            "workload", "generate", "--base", "\(data)/base.fvecs", "--queries", "\(data)/query.fvecs", "--output", runbook,
            "--base-limit", "400", "--initial-size", "200", "--operations", "20", "--update-batch", "10",
            "--query-batch", "5", "--cluster-size", "20", "--sampling", "skewed", "--k", "10", "--threads", "1",
        ])
        #expect(generate.status == 0, "\(generate.stderr)")
        #expect(generate.stdout.contains("wrote \(runbook): 20 operations"))
        let output = folder.appendingPathComponent("out").path
        let run = try CommandRunner.run([
            "workload", "run", "--runbook", runbook, "--base", "\(data)/base.fvecs", "--queries", "\(data)/query.fvecs",
            "--output", output, "--k", "5", "--threads", "1", "--calibration-queries", "16", "--json",
            // A cache folder under .build, so that the test leaves nothing in the user's cache.
            "--cost-cache", ".build/workload-tests-cache",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        let object = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
        #expect(object?["final_ids_match"] as? Bool == true)
        #expect(object?["operations"] as? Int == 20)
        for name in ["results.csv", "summary.json", "recall.svg", "latency.svg", "structure.svg"] {
            #expect(FileManager.default.fileExists(atPath: "\(output)/\(name)"), "\(name)")
        }
    }

    @Test func ratiosThatDoNotSumToOneAreOneClearLine() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let outcome = try CommandRunner.run([
            "workload", "generate", "--base", "\(data)/base.fvecs", "--output", folder.path, "--insert-ratio", "0.5",
            "--delete-ratio", "0.3", "--query-ratio", "0.5",
        ])
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("must sum to 1"))
        #expect(outcome.stderr.split(separator: "\n").count == 1)
    }

    @Test func aBadRecallTargetFailsBeforeTheRunbookIsRead() throws {
        let outcome = try CommandRunner.run([
            "workload", "run", "--runbook", "/nonexistent/runbook", "--base", "\(data)/base.fvecs", "--output", "/nonexistent/out",
            "--recall-target", "1.5",
        ])
        #expect(outcome.status == 64)
        #expect(outcome.stderr.contains("The value '1.5' is invalid for '--recall-target <recall-target>': give a number in (0, 1]"))
        #expect(!outcome.stderr.contains("nonexistent"))
    }
}
