import Foundation
import ArgumentParser
import Shoal

extension DistanceMetric: ExpressibleByArgument {
    public init?(argument: String) {
        switch argument.lowercased() {
        case "l2", "euclidean": self = .l2
        case "ip", "inner-product", "dot": self = .innerProduct
        case "cosine", "cos": self = .cosine
        default: return nil
        }
    }

    public static var allValueStrings: [String] { ["l2", "ip", "cosine"] }
}

/// Options shared by the commands that build an index.
struct BuildOptions: ParsableArguments {
    @Option(help: "Distance metric: l2, ip or cosine.")
    var metric: DistanceMetric = .l2

    @Option(help: "Base-level partitions (default: round(√n), at most n/4).")
    var partitions: Int?

    @Option(help: "k-means iterations.")
    var iterations: Int = 10

    @Option(help: "Seed for the build's random choices.")
    var seed: UInt64 = 1234

    @Option(name: .customLong("build-threads"), help: "Threads for building (default: every core).")
    var buildThreads: Int?

    func configuration(dimension: Int, threads: Int?) -> IndexConfiguration {
        IndexConfiguration(
            dimension: dimension, metric: metric, partitionCount: partitions, kMeansIterations: iterations, seed: seed,
            threads: buildThreads ?? threads)
    }
}

/// Parses `--recall-target` values, for `@Option(transform:)`: each must be a number in (0, 1], the
/// range ``SearchOptions`` accepts. A bad value fails while the arguments are parsed, before a
/// command reads any data, with the command's usage.
enum RecallTargetArgument {
    /// One target, such as `0.9`.
    static func single(_ text: String) throws -> Double {
        guard let target = Double(text.trimmingCharacters(in: .whitespaces)), target > 0, target <= 1 else {
            throw ValidationError("give a number in (0, 1], such as 0.9")
        }
        return target
    }

    /// Comma-separated targets, such as `0.8, 0.9,0.95`.
    static func list(_ text: String) throws -> [Double] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard let targets = try? parts.map({ try single(String($0)) }), !targets.isEmpty else {
            throw ValidationError("give numbers in (0, 1] separated by commas, such as 0.8,0.9,0.95")
        }
        return targets
    }
}

/// Parses a comma-separated list of positive integers such as `1,2,4,8`.
struct IntegerList: ExpressibleByArgument {
    var values: [Int]

    init?(argument: String) {
        let parts = argument.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ $0 != nil }) else { return nil }
        values = parts.compactMap { $0 }
    }

    init(_ values: [Int]) { self.values = values }

    var defaultValueDescription: String { values.map(String.init).joined(separator: ",") }
}
