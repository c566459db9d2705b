import Shoal
import ShoalData

/// Loads what `eval` and `demo` need, with progress on a terminal.
enum DatasetLoader {
    static func vectors(_ path: String, what: String, limit: Int? = nil) throws -> Matrix<Float> {
        Terminal.progress("reading \(what) from \(path)…")
        let matrix = try VectorFile.readFloats(at: path, limit: limit)
        Terminal.endProgress()
        guard matrix.rows > 0 else { throw CLIError("\(path) holds no vectors") }
        return matrix
    }

    /// The ground truth from a file (first `k` columns), or computed exactly by brute force.
    static func truth(
        _ path: String?, base: Matrix<Float>, queries: Matrix<Float>, k: Int, metric: DistanceMetric, threads: Int?
    ) throws -> Matrix<Int64> {
        if let path {
            let truth = try VectorFile.readIntegers(at: path, limit: queries.rows)
            guard truth.rows >= queries.rows else {
                throw CLIError("\(path) has ground truth for \(truth.rows) queries but there are \(queries.rows)")
            }
            guard truth.columns >= k else {
                throw CLIError("\(path) holds \(truth.columns) neighbours per query; --k \(k) needs at least \(k)")
            }
            return truth
        }
        Terminal.progress("computing exact ground truth (\(queries.rows) queries × \(base.rows) vectors)…")
        let truth = GroundTruth.compute(base: base, queries: queries, k: k, metric: metric, threads: threads)
        Terminal.endProgress()
        return truth
    }
}

/// A one-line error for the command line.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
