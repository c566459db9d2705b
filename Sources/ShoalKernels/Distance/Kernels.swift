import ShoalKernelsAVX2
import ShoalKernelsAVX512
import ShoalKernelsBaseline

/// Distance kernels over raw float32 buffers, dispatched to the best instruction set of this CPU.
///
/// All buffers are row-major without padding (`count * dimension` floats) and need no particular
/// alignment. The functions are block-level: one call covers a whole block, so the dispatch costs
/// nothing measurable.
///
/// Thread safety: stateless; call from any number of threads at once.
public enum Kernels {
    /// One query against `count` rows: `out[r] = metric(query, row r)`.
    ///
    /// - Parameters:
    ///   - metric: squared L2 or negated dot product.
    ///   - query: `dimension` floats.
    ///   - rows: `count * dimension` floats.
    ///   - out: receives `count` floats.
    ///   - instructionSet: the kernels to use; defaults to ``InstructionSet/active``. A level the
    ///     CPU lacks is a programming error (precondition).
    /// - Complexity: O(`count * dimension`).
    public static func distances(
        _ metric: KernelMetric, query: UnsafePointer<Float>, rows: UnsafePointer<Float>, count: Int, dimension: Int,
        out: UnsafeMutablePointer<Float>, instructionSet: InstructionSet = .active
    ) {
        precondition(instructionSet.isSupported, "instruction set \(instructionSet) is not supported by this CPU")
        switch (metric, instructionSet) {
        case (.squaredL2, .avx512):
            ShoalKernelsAVX512.ISAKernels.squaredL2(query: query, rows: rows, count: count, dimension: dimension, out: out)
        case (.squaredL2, .avx2):
            ShoalKernelsAVX2.ISAKernels.squaredL2(query: query, rows: rows, count: count, dimension: dimension, out: out)
        case (.squaredL2, .baseline):
            ShoalKernelsBaseline.ISAKernels.squaredL2(
                query: query, rows: rows, count: count, dimension: dimension, out: out)
        case (.negatedDot, .avx512):
            ShoalKernelsAVX512.ISAKernels.negatedDot(query: query, rows: rows, count: count, dimension: dimension, out: out)
        case (.negatedDot, .avx2):
            ShoalKernelsAVX2.ISAKernels.negatedDot(query: query, rows: rows, count: count, dimension: dimension, out: out)
        case (.negatedDot, .baseline):
            ShoalKernelsBaseline.ISAKernels.negatedDot(
                query: query, rows: rows, count: count, dimension: dimension, out: out)
        }
    }

    /// Squared norms `‖x‖²` of `count` rows into `out`.
    /// - Complexity: O(`count * dimension`).
    public static func squaredNorms(
        rows: UnsafePointer<Float>, count: Int, dimension: Int, out: UnsafeMutablePointer<Float>,
        instructionSet: InstructionSet = .active
    ) {
        precondition(instructionSet.isSupported, "instruction set \(instructionSet) is not supported by this CPU")
        switch instructionSet {
        case .avx512: ShoalKernelsAVX512.ISAKernels.squaredNorms(rows: rows, count: count, dimension: dimension, out: out)
        case .avx2: ShoalKernelsAVX2.ISAKernels.squaredNorms(rows: rows, count: count, dimension: dimension, out: out)
        case .baseline:
            ShoalKernelsBaseline.ISAKernels.squaredNorms(rows: rows, count: count, dimension: dimension, out: out)
        }
    }

    /// Many queries against a block of rows, register-tiled: `out[i * outStride + r] = metric(q_i, x_r)`.
    ///
    /// Squared L2 uses the dot-product form `‖q‖² + ‖x‖² − 2⟨q, x⟩` (clamped at 0), so it needs
    /// the squared norms of the queries and of the rows (``squaredNorms(rows:count:dimension:out:instructionSet:)``);
    /// they are ignored for `.negatedDot` and may be `nil` there.
    ///
    /// - Parameters:
    ///   - queries: `queryCount * dimension` floats.
    ///   - rows: `rowCount * dimension` floats.
    ///   - out: `queryCount` lines of `outStride ≥ rowCount` floats.
    /// - Complexity: O(`queryCount * rowCount * dimension`).
    public static func batchDistances(
        _ metric: KernelMetric, queries: UnsafePointer<Float>, queryNorms: UnsafePointer<Float>?, queryCount: Int,
        rows: UnsafePointer<Float>, rowNorms: UnsafePointer<Float>?, rowCount: Int, dimension: Int,
        out: UnsafeMutablePointer<Float>, outStride: Int, instructionSet: InstructionSet = .active
    ) {
        precondition(instructionSet.isSupported, "instruction set \(instructionSet) is not supported by this CPU")
        precondition(outStride >= rowCount, "outStride \(outStride) is smaller than rowCount \(rowCount)")
        switch instructionSet {
        case .avx512:
            ShoalKernelsAVX512.ISAKernels.dotBatch(
                queries: queries, queryCount: queryCount, rows: rows, rowCount: rowCount, dimension: dimension,
                out: out, outStride: outStride)
        case .avx2:
            ShoalKernelsAVX2.ISAKernels.dotBatch(
                queries: queries, queryCount: queryCount, rows: rows, rowCount: rowCount, dimension: dimension,
                out: out, outStride: outStride)
        case .baseline:
            ShoalKernelsBaseline.ISAKernels.dotBatch(
                queries: queries, queryCount: queryCount, rows: rows, rowCount: rowCount, dimension: dimension,
                out: out, outStride: outStride)
        }
        switch metric {
        case .squaredL2:
            guard let queryNorms, let rowNorms else {
                preconditionFailure("batch squared L2 needs query and row norms")
            }
            switch instructionSet {
            case .avx512:
                ShoalKernelsAVX512.ISAKernels.finishSquaredL2(
                    queryNorms: queryNorms, queryCount: queryCount, rowNorms: rowNorms, rowCount: rowCount, out: out,
                    outStride: outStride)
            case .avx2:
                ShoalKernelsAVX2.ISAKernels.finishSquaredL2(
                    queryNorms: queryNorms, queryCount: queryCount, rowNorms: rowNorms, rowCount: rowCount, out: out,
                    outStride: outStride)
            case .baseline:
                ShoalKernelsBaseline.ISAKernels.finishSquaredL2(
                    queryNorms: queryNorms, queryCount: queryCount, rowNorms: rowNorms, rowCount: rowCount, out: out,
                    outStride: outStride)
            }
        case .negatedDot:
            for i in 0..<queryCount {
                let line = out + i &* outStride
                for r in 0..<rowCount { line[r] = -line[r] }
            }
        }
    }
}
