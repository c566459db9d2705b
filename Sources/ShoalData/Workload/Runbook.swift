import Shoal

/// One operation of a workload.
public struct WorkloadOperation: Sendable, Equatable {
    /// The three kinds of operation.
    public enum Kind: String, Sendable, CaseIterable {
        case insert, delete, query
    }

    /// Position in the trace (0-based).
    public var index: Int
    /// Insert, delete or query.
    public var kind: Kind
    /// Insert and delete: the base row numbers (= ids) that become resident or leave. Query: the
    /// query indices (rows of the query file, or base rows when the queries come from the base
    /// set). Ascending.
    public var ids: [Int64]
    /// Vectors resident after the operation.
    public var residentCount: Int
    /// Query operations: the first row of this operation's queries in the ground-truth matrix
    /// (its queries follow in order of `ids`).
    public var groundTruthRow: Int?
    /// Skewed sampling: the root cluster the sample was drawn around.
    public var rootCluster: Int?

    /// Makes an operation.
    public init(
        index: Int, kind: Kind, ids: [Int64], residentCount: Int, groundTruthRow: Int? = nil, rootCluster: Int? = nil
    ) {
        self.index = index
        self.kind = kind
        self.ids = ids
        self.residentCount = residentCount
        self.groundTruthRow = groundTruthRow
        self.rootCluster = rootCluster
    }
}

/// A generated workload: its parameters, the initial resident set, the operations and the exact
/// ground truth of every query operation. Stored as a directory (see docs/workload.md):
/// `runbook.json` plus `groundtruth.ivecs`.
public struct Runbook: Sendable, Equatable {
    /// Format name in `runbook.json`.
    public static let formatName = "shoal-workload-runbook"
    /// Format version written (and the only one read).
    public static let formatVersion = 1
    /// File names inside a runbook directory.
    public static let runbookFile = "runbook.json"
    public static let groundTruthFile = "groundtruth.ivecs"
    public static let clustersFile = "clusters.ivecs"

    /// The parameters it was generated with.
    public var parameters: WorkloadParameters
    /// Rows and columns of the base set.
    public var baseCount: Int
    public var dimension: Int
    /// FNV-1a fingerprint of the base vectors (see docs/workload.md), hex.
    public var baseChecksum: UInt64
    /// Whether queries are base vectors (no query file was given): query ids are then base rows.
    public var queriesFromBase: Bool
    /// Rows of the query file (0 when the queries come from the base set).
    public var queryCount: Int
    /// Fingerprint of the query file (nil when the queries come from the base set).
    public var queryChecksum: UInt64?
    /// Number of sampling clusters.
    public var clusterCount: Int
    /// Base ids resident before the first operation, ascending.
    public var initialIDs: [Int64]
    /// The operations, in order.
    public var operations: [WorkloadOperation]
    /// For every query of every query operation, in order: its `k` exact nearest resident base
    /// ids (best first, −1 padding when fewer than `k` were resident).
    public var groundTruth: Matrix<Int64>
    /// Why the trace ended: `completed`, `empty-pool` or `resident-below-minimum`.
    public var stopReason: String

    /// Makes a runbook (the generator does this; tests may build one by hand).
    public init(
        parameters: WorkloadParameters, baseCount: Int, dimension: Int, baseChecksum: UInt64, queriesFromBase: Bool,
        queryCount: Int, queryChecksum: UInt64?, clusterCount: Int, initialIDs: [Int64], operations: [WorkloadOperation],
        groundTruth: Matrix<Int64>, stopReason: String
    ) {
        self.parameters = parameters
        self.baseCount = baseCount
        self.dimension = dimension
        self.baseChecksum = baseChecksum
        self.queriesFromBase = queriesFromBase
        self.queryCount = queryCount
        self.queryChecksum = queryChecksum
        self.clusterCount = clusterCount
        self.initialIDs = initialIDs
        self.operations = operations
        self.groundTruth = groundTruth
        self.stopReason = stopReason
    }

    /// Counts per kind of operation.
    public var insertCount: Int { operations.count { $0.kind == .insert } }
    public var deleteCount: Int { operations.count { $0.kind == .delete } }
    public var queryOperationCount: Int { operations.count { $0.kind == .query } }

    /// The resident set after every operation has been applied, ascending.
    public var finalResidentIDs: [Int64] {
        var resident = Set(initialIDs)
        for operation in operations {
            switch operation.kind {
            case .insert: resident.formUnion(operation.ids)
            case .delete: resident.subtract(operation.ids)
            case .query: break
            }
        }
        return resident.sorted()
    }

    /// The ground-truth rows of query operation `operation` (its queries in order).
    public func groundTruth(of operation: WorkloadOperation) -> Matrix<Int64> {
        guard let first = operation.groundTruthRow else { return Matrix(rows: 0, columns: groundTruth.columns, values: []) }
        let k = groundTruth.columns
        let rows = operation.ids.count
        return Matrix(rows: rows, columns: k, values: Array(groundTruth.values[(first * k)..<((first + rows) * k)]))
    }
}

// MARK: - Reading and writing

extension Runbook {
    /// Writes `runbook.json` and `groundtruth.ivecs` into `directory` (created if missing).
    public func write(to directory: String) throws(WorkloadError) {
        try WorkloadFiles.makeDirectory(directory)
        do throws(DataFileError) {
            try VectorFile.writeIntegers(groundTruth, to: WorkloadFiles.join(directory, Self.groundTruthFile))
        } catch {
            throw WorkloadError(.io, error.description)
        }
        try WorkloadFiles.write(json(), to: WorkloadFiles.join(directory, Self.runbookFile))
    }

    /// The text of `runbook.json`.
    public func json() -> String {
        let p = parameters
        var lines: [String] = []
        lines.append("{")
        lines.append("  \"format\": \(JSONText.quoted(Self.formatName)),")
        lines.append("  \"version\": \(Self.formatVersion),")
        lines.append("  \"parameters\": {")
        let fields: [(String, String)] = [
            ("insert_ratio", JSONText.number(p.insertRatio)), ("delete_ratio", JSONText.number(p.deleteRatio)),
            ("query_ratio", JSONText.number(p.queryRatio)), ("update_batch_size", "\(p.updateBatchSize)"),
            ("query_batch_size", "\(p.queryBatchSize)"), ("initial_size", "\(p.initialSize)"),
            ("number_of_operations", "\(p.operationCount)"), ("cluster_size", "\(p.clusterSize)"),
            ("cluster_sample_distribution", JSONText.quoted(p.sampling.rawValue)),
            ("query_cluster_sample_distribution", JSONText.quoted(p.querySampling.rawValue)),
            ("seed", "\(p.seed)"), ("k", "\(p.k)"), ("metric", JSONText.quoted(p.metric.rawValue)),
            ("clustering_iterations", "\(p.clusteringIterations)"),
        ]
        lines.append(fields.map { "    \(JSONText.quoted($0.0)): \($0.1)" }.joined(separator: ",\n"))
        lines.append("  },")
        lines.append("  \"data\": {")
        var data: [(String, String)] = [
            ("n_base_vectors", "\(baseCount)"), ("vector_dimension", "\(dimension)"),
            ("base_checksum", JSONText.quoted(hex(baseChecksum))),
            ("sample_queries", queriesFromBase ? "true" : "false"), ("n_query_vectors", "\(queryCount)"),
        ]
        if let queryChecksum { data.append(("query_checksum", JSONText.quoted(hex(queryChecksum)))) }
        data.append(("n_clusters", "\(clusterCount)"))
        lines.append(data.map { "    \(JSONText.quoted($0.0)): \($0.1)" }.joined(separator: ",\n"))
        lines.append("  },")
        lines.append("  \"initialize\": {\"size\": \(initialIDs.count), \"ids\": \(JSONText.integers(initialIDs))},")
        lines.append(
            "  \"ground_truth\": {\"file\": \(JSONText.quoted(Self.groundTruthFile)), \"k\": \(groundTruth.columns), "
                + "\"rows\": \(groundTruth.rows), \"ids\": \"base row numbers\"},")
        lines.append("  \"operations\": [")
        let entries = operations.map { operation -> String in
            var entry = "    {\"index\": \(operation.index), \"type\": \(JSONText.quoted(operation.kind.rawValue)), "
            entry += "\"sample_size\": \(operation.ids.count), \"n_resident\": \(operation.residentCount)"
            if let root = operation.rootCluster { entry += ", \"root_cluster\": \(root)" }
            if let row = operation.groundTruthRow { entry += ", \"gt_row\": \(row)" }
            entry += operation.kind == .query ? ", \"queries\": " : ", \"ids\": "
            return entry + JSONText.integers(operation.ids) + "}"
        }
        lines.append(entries.joined(separator: ",\n"))
        lines.append("  ],")
        lines.append(
            "  \"summary\": {\"n_inserts\": \(insertCount), \"n_deletes\": \(deleteCount), \"n_queries\": \(queryOperationCount), "
                + "\"n_operations\": \(operations.count), \"final_resident\": \(finalResidentIDs.count), "
                + "\"stop_reason\": \(JSONText.quoted(stopReason))}")
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Reads a runbook directory written by ``write(to:)`` (or by `shoal workload generate`).
    /// - Throws: ``WorkloadError/Code/invalidRunbook`` naming the missing or malformed field.
    public static func read(from directory: String) throws(WorkloadError) -> Runbook {
        let path = WorkloadFiles.join(directory, runbookFile)
        let root = try JSONParser.parse(try WorkloadFiles.read(path))
        func bad(_ what: String) -> WorkloadError { WorkloadError(.invalidRunbook, "\(path): \(what)") }
        guard root["format"]?.string == formatName else { throw bad("\"format\" is not \"\(formatName)\"") }
        guard root["version"]?.int == formatVersion else {
            throw bad("\"version\" is \(root["version"]?.int.map(String.init) ?? "missing"); this build reads version \(formatVersion)")
        }
        guard let parameters = root["parameters"], let data = root["data"] else { throw bad("\"parameters\" or \"data\" is missing") }
        func int(_ object: JSONValue, _ key: String) throws(WorkloadError) -> Int {
            guard let value = object[key]?.int else { throw bad("\"\(key)\" is missing or not an integer") }
            return value
        }
        func double(_ object: JSONValue, _ key: String) throws(WorkloadError) -> Double {
            guard let value = object[key]?.double else { throw bad("\"\(key)\" is missing or not a number") }
            return value
        }
        func string(_ object: JSONValue, _ key: String) throws(WorkloadError) -> String {
            guard let value = object[key]?.string else { throw bad("\"\(key)\" is missing or not a string") }
            return value
        }
        func ids(_ value: JSONValue?, _ key: String) throws(WorkloadError) -> [Int64] {
            guard let items = value?.array else { throw bad("\"\(key)\" is missing or not an array") }
            var result: [Int64] = []
            result.reserveCapacity(items.count)
            for item in items {
                guard case .integer(let id) = item else { throw bad("\"\(key)\" holds a value that is not an integer") }
                result.append(id)
            }
            return result
        }
        func sampling(_ key: String) throws(WorkloadError) -> ClusterSampling {
            let text = try string(parameters, key)
            guard let value = ClusterSampling(rawValue: text) else { throw bad("\"\(key)\" is \(text); expected uniform or skewed") }
            return value
        }
        let metricName = try string(parameters, "metric")
        guard let metric = DistanceMetric(rawValue: metricName) else { throw bad("unknown metric \(metricName)") }
        let seed: UInt64
        switch parameters["seed"] {
        case .integer(let value)? where value >= 0: seed = UInt64(value)
        case .unsigned(let value)?: seed = value
        default: throw bad("\"seed\" is missing or not a non-negative integer")
        }
        let workload = WorkloadParameters(
            insertRatio: try double(parameters, "insert_ratio"), deleteRatio: try double(parameters, "delete_ratio"),
            queryRatio: try double(parameters, "query_ratio"), updateBatchSize: try int(parameters, "update_batch_size"),
            queryBatchSize: try int(parameters, "query_batch_size"), initialSize: try int(parameters, "initial_size"),
            operationCount: try int(parameters, "number_of_operations"), clusterSize: try int(parameters, "cluster_size"),
            sampling: try sampling("cluster_sample_distribution"),
            querySampling: try sampling("query_cluster_sample_distribution"), seed: seed,
            k: try int(parameters, "k"), metric: metric, clusteringIterations: try int(parameters, "clustering_iterations"))
        func checksum(_ key: String) throws(WorkloadError) -> UInt64? {
            guard let value = data[key] else { return nil }
            guard let text = value.string, let parsed = UInt64(text, radix: 16) else { throw bad("\"\(key)\" is not a hex string") }
            return parsed
        }
        guard let baseChecksum = try checksum("base_checksum") else { throw bad("\"base_checksum\" is missing") }
        guard let queriesFromBase = data["sample_queries"]?.bool else { throw bad("\"sample_queries\" is missing") }
        guard let initialize = root["initialize"] else { throw bad("\"initialize\" is missing") }
        let initialIDs = try ids(initialize["ids"], "initialize.ids")
        guard let operationValues = root["operations"]?.array else { throw bad("\"operations\" is missing") }
        var operations: [WorkloadOperation] = []
        operations.reserveCapacity(operationValues.count)
        for value in operationValues {
            let typeName = try string(value, "type")
            guard let kind = WorkloadOperation.Kind(rawValue: typeName) else { throw bad("unknown operation type \(typeName)") }
            let members = try ids(kind == .query ? value["queries"] : value["ids"], kind == .query ? "queries" : "ids")
            operations.append(
                WorkloadOperation(
                    index: try int(value, "index"), kind: kind, ids: members, residentCount: try int(value, "n_resident"),
                    groundTruthRow: value["gt_row"]?.int, rootCluster: value["root_cluster"]?.int))
        }
        guard let truthInfo = root["ground_truth"] else { throw bad("\"ground_truth\" is missing") }
        let k = try int(truthInfo, "k")
        let truthRows = try int(truthInfo, "rows")
        let truthPath = WorkloadFiles.join(directory, try string(truthInfo, "file"))
        var truth = Matrix<Int64>(rows: 0, columns: k, values: [])
        if truthRows > 0 {
            do throws(DataFileError) {
                truth = try VectorFile.readIntegers(at: truthPath)
            } catch {
                throw WorkloadError(.invalidRunbook, error.description)
            }
        }
        guard truth.rows == truthRows, truth.columns == k else {
            throw WorkloadError(
                .invalidRunbook, "\(truthPath) holds \(truth.rows) × \(truth.columns) ids; runbook.json expects \(truthRows) × \(k)")
        }
        let runbook = Runbook(
            parameters: workload, baseCount: try int(data, "n_base_vectors"), dimension: try int(data, "vector_dimension"),
            baseChecksum: baseChecksum, queriesFromBase: queriesFromBase, queryCount: try int(data, "n_query_vectors"),
            queryChecksum: try checksum("query_checksum"), clusterCount: try int(data, "n_clusters"),
            initialIDs: initialIDs, operations: operations, groundTruth: truth,
            stopReason: root["summary"]?["stop_reason"]?.string ?? "completed")
        try runbook.checkConsistency(path: path)
        return runbook
    }

    /// Checks that the operations replay cleanly: inserts add non-resident ids, deletes remove
    /// resident ones, counts match, query indices and ground-truth rows are in range.
    func checkConsistency(path: String) throws(WorkloadError) {
        func bad(_ what: String) -> WorkloadError { WorkloadError(.invalidRunbook, "\(path): \(what)") }
        var resident = [Bool](repeating: false, count: baseCount)
        var count = 0
        for id in initialIDs {
            guard id >= 0, id < Int64(baseCount), !resident[Int(id)] else { throw bad("initial id \(id) is out of range or repeated") }
            resident[Int(id)] = true
            count += 1
        }
        let queryLimit = queriesFromBase ? baseCount : queryCount
        for operation in operations {
            switch operation.kind {
            case .insert, .delete:
                for id in operation.ids {
                    guard id >= 0, id < Int64(baseCount) else { throw bad("operation \(operation.index) names id \(id), outside 0..<\(baseCount)") }
                    let wanted = operation.kind == .delete
                    guard resident[Int(id)] == wanted else {
                        throw bad("operation \(operation.index) \(operation.kind.rawValue)s id \(id), which is \(wanted ? "not " : "")resident then")
                    }
                    resident[Int(id)] = !wanted
                    count += wanted ? -1 : 1
                }
            case .query:
                guard let row = operation.groundTruthRow, row >= 0, row + operation.ids.count <= groundTruth.rows else {
                    throw bad("query operation \(operation.index) has no ground-truth rows in range")
                }
                for id in operation.ids where id < 0 || id >= Int64(queryLimit) {
                    throw bad("query operation \(operation.index) names query \(id), outside 0..<\(queryLimit)")
                }
            }
            guard count == operation.residentCount else {
                throw bad("operation \(operation.index) says \(operation.residentCount) vectors are resident, replaying gives \(count)")
            }
        }
    }
}

func hex(_ value: UInt64) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
}
