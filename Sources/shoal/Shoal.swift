import ArgumentParser

/// The `shoal` command: build, search and evaluate Shoal vector indexes.
@main
struct ShoalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shoal",
        abstract: "Build, search and evaluate Shoal vector indexes.",
        discussion: """
            Vectors are read from .fvecs, .bvecs or .npy files (float32, float16, int32, int64, uint8), \
            ids and ground truth from .ivecs or .npy. Start with `shoal demo`, which needs no arguments.
            """,
        subcommands: [
            Demo.self, Build.self, Search.self, Eval.self, Workload.self, CollectionCreate.self, CollectionInsert.self,
            CollectionDelete.self, CollectionQuery.self, CollectionInfo.self, CollectionIDs.self, CollectionCheckpoint.self, CollectionVerify.self,
        ]
    )
}
