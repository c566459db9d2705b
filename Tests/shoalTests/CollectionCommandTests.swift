import Foundation
import Testing

/// End-to-end tests of the collection commands: create, insert, delete, query, info, ids,
/// checkpoint, verify.
@Suite struct CollectionCommandTests {
    let data = CommandRunner.repositoryRoot.appendingPathComponent("Data/sift5k-ngt").path

    private func succeed(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let outcome = try CommandRunner.run(arguments)
        #expect(outcome.status == 0, "\(arguments): \(outcome.stderr)", sourceLocation: sourceLocation)
        return outcome.stdout
    }

    @Test func theCollectionCommandsWorkTogether() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let dir = folder.appendingPathComponent("sift").path
        let created = try succeed(["create", dir, "--dimension", "128", "--metric", "l2", "--partitions", "16"])
        #expect(created.contains("0 vectors, dimension 128"))
        let inserted = try succeed(["insert", dir, "--vectors", "\(data)/base.fvecs", "--batch-size", "2000", "--ack"])
        let acks = inserted.split(separator: "\n").filter { $0.hasPrefix("acked ") }
        #expect(acks == ["acked 0 1999", "acked 2000 3999", "acked 4000 4999"])
        let ids = try succeed(["ids", dir]).split(separator: "\n")
        #expect(ids.count == 5000 && ids.first == "0" && ids.last == "4999")
        #expect(try succeed(["delete", dir, "--ids", "1,2,3", "--ack"]).contains("acked 1 3"))
        let info = try succeed(["info", dir, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(info.utf8)) as? [String: Any])
        #expect(object["count"] as? Int == 4997)
        #expect(object["dimension"] as? Int == 128)
        #expect(object["metric"] as? String == "l2")
        #expect(object["partitions"] as? Int == 1)
        #expect(object["configuredPartitions"] as? Int == 16)
        let query = try succeed(["query", dir, "--queries", "\(data)/query.fvecs", "--k", "3", "--nprobe", "1"])
        #expect(query.split(separator: "\n").count == 100)
        #expect(query.split(separator: "\n").allSatisfy { $0.split(separator: " ").count == 3 })
        #expect(try succeed(["checkpoint", dir]).contains("checkpoint at LSN 4"))
        #expect(try succeed(["verify", dir]).contains("every checksum and invariant holds"))
        let out = folder.appendingPathComponent("n.ivecs").path
        #expect(try succeed(["query", dir, "--queries", "\(data)/query.fvecs", "-o", out, "--recall-target", "0.9"]).contains("wrote"))
    }

    @Test func createFromAFileKeepsTheBuiltPartitions() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let dir = folder.appendingPathComponent("built").path
        #expect(try succeed(["create", dir, "--from", "\(data)/base.fvecs", "--partitions", "20"]).contains("5000 vectors"))
        let info = try succeed(["info", dir])
        #expect(info.contains("partitions  20 in the base level"))
        #expect(info.contains("maintenance only when asked"))
        #expect(try succeed(["insert", dir, "--vectors", "\(data)/query.fvecs"]).contains("ids 5000...5099"))
    }

    @Test func automaticMaintenanceIsStoredWithTheCollection() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let dir = folder.appendingPathComponent("auto").path
        _ = try succeed(["create", dir, "--dimension", "128", "--auto-maintenance", "5"])
        #expect(try succeed(["info", dir]).contains("maintenance automatic, after every 5 insert/delete batches"))
        let info = try succeed(["info", dir, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(info.utf8)) as? [String: Any])
        #expect(object["automaticMaintenanceInterval"] as? Int == 5)
    }

    @Test func errorsAreOneLineAndAFailureStatus() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let dir = folder.appendingPathComponent("c").path
        _ = try succeed(["create", dir, "--dimension", "4"])
        let cases: [([String], String)] = [
            (["insert", dir, "--vectors", "\(data)/base.fvecs"], "128-dimensional vectors; the collection stores 4"),
            (["delete", dir, "--ids", "7"], "1 of 1 ids are not stored (7)"),
            (["info", folder.path], "not a Shoal collection"),
            (["create", dir, "--dimension", "4"], "something is already there"),
            (["create", folder.appendingPathComponent("x").path], "give --dimension D"),
        ]
        for (arguments, text) in cases {
            let outcome = try CommandRunner.run(arguments)
            #expect(outcome.status != 0, "\(arguments)")
            #expect(outcome.stderr.contains(text), "\(arguments): \(outcome.stderr)")
        }
        let verify = try CommandRunner.run(["verify", folder.path])
        #expect(verify.status != 0)
        #expect(verify.stderr.contains("failed verification"))
    }

    @Test func aSecondWriterProcessIsRefusedWithTheHoldersPid() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let dir = folder.appendingPathComponent("c").path
        _ = try succeed(["create", dir, "--dimension", "4"])
        // Hold the lock the way a writer does: flock on DIR/LOCK, with this process's pid in it.
        let fd = open(dir + "/LOCK", O_RDWR)
        #expect(fd >= 0)
        defer { close(fd) }
        #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)
        let pid = Array("\(getpid())\n".utf8)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        let outcome = try CommandRunner.run(["checkpoint", dir])
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("is open for writing by process \(getpid())"), "\(outcome.stderr)")
        #expect(try succeed(["info", dir]).contains("vectors     0"))
    }

    @Test func everyCollectionCommandHasHelp() throws {
        for name in ["create", "insert", "delete", "query", "info", "ids", "checkpoint", "verify"] {
            let outcome = try CommandRunner.run([name, "--help"])
            #expect(outcome.status == 0)
            #expect(outcome.stdout.contains("USAGE: shoal \(name)"))
            #expect(!outcome.stdout.contains("write-chunk-bytes"))
        }
        #expect(try succeed(["--help"]).contains("checkpoint"))
    }

    @Test func aBadRecallTargetFailsBeforeTheCollectionIsOpened() throws {
        let outcome = try CommandRunner.run([
            "query", "/nonexistent/collection", "--queries", "\(data)/query.fvecs", "--recall-target", "1.5",
        ])
        #expect(outcome.status == 64)
        #expect(outcome.stderr.contains("The value '1.5' is invalid for '--recall-target <recall-target>': give a number in (0, 1]"))
        #expect(!outcome.stderr.contains("nonexistent"))
    }
}
