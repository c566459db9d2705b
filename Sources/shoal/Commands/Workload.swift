import ArgumentParser
import ShoalData

/// `shoal workload`: generate dynamic workloads (runbooks) and replay them against an index.
struct Workload: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate dynamic insert/delete/query workloads and replay them against an index.",
        discussion: """
            `shoal workload generate` turns a static data set into a runbook: an initial resident set and a \
            sequence of insert, delete and query operations (uniform or cluster-skewed, with a drifting hot spot), \
            with exact ground truth for every query operation over the vectors resident at that moment. \
            `shoal workload run` replays a runbook against a Shoal index and reports recall and time per operation. \
            The runbook format is described in docs/workload.md.
            """,
        subcommands: [WorkloadGenerateCommand.self, WorkloadRunCommand.self]
    )
}

extension ClusterSampling: ExpressibleByArgument {}
extension WorkloadMaintenance: ExpressibleByArgument {}
