// Entry points compiled for one instruction set. This file is identical in ShoalKernelsAVX2 and
// ShoalKernelsAVX512 (a symlink); `ISALane.swift` beside it names the lane type and tile height.
// The entry points are deliberately not `@inlinable`: the kernels must be compiled here, with this
// module's target CPU, not in the caller.
import ShoalSIMD

/// The distance kernels of this module's instruction set. Every pointer argument must be valid for
/// the counts given; rows are row-major with no padding.
public enum ISAKernels {
    /// Squared L2 from one query to `count` rows. - Complexity: O(`count * dimension`).
    public static func squaredL2(
        query: UnsafePointer<Float>, rows: UnsafePointer<Float>, count: Int, dimension: Int,
        out: UnsafeMutablePointer<Float>
    ) {
        squaredL2Rows(ISALane.self, query: query, rows: rows, count: count, dimension: dimension, out: out)
    }

    /// `-⟨q, x⟩` from one query to `count` rows. - Complexity: O(`count * dimension`).
    public static func negatedDot(
        query: UnsafePointer<Float>, rows: UnsafePointer<Float>, count: Int, dimension: Int,
        out: UnsafeMutablePointer<Float>
    ) {
        negatedDotRows(ISALane.self, query: query, rows: rows, count: count, dimension: dimension, out: out)
    }

    /// `‖x‖²` of `count` rows. - Complexity: O(`count * dimension`).
    public static func squaredNorms(
        rows: UnsafePointer<Float>, count: Int, dimension: Int, out: UnsafeMutablePointer<Float>
    ) {
        squaredNormRows(ISALane.self, rows: rows, count: count, dimension: dimension, out: out)
    }

    /// Turns the dot products in `out` into squared L2 distances, `max(0, ‖q‖² + ‖x‖² − 2⟨q, x⟩)`.
    /// - Complexity: O(`queryCount * rowCount`).
    public static func finishSquaredL2(
        queryNorms: UnsafePointer<Float>, queryCount: Int, rowNorms: UnsafePointer<Float>, rowCount: Int,
        out: UnsafeMutablePointer<Float>, outStride: Int
    ) {
        for i in 0..<queryCount {
            let line = out + i * outStride
            let qn = queryNorms[i]
            for r in 0..<rowCount {
                line[r] = max(0, qn + rowNorms[r] - 2 * line[r])
            }
        }
    }

    /// `⟨q_i, x_r⟩` for a batch of queries and a block of rows, into `out[i * outStride + r]`.
    /// - Complexity: O(`queryCount * rowCount * dimension`).
    public static func dotBatch(
        queries: UnsafePointer<Float>, queryCount: Int, rows: UnsafePointer<Float>, rowCount: Int, dimension: Int,
        out: UnsafeMutablePointer<Float>, outStride: Int
    ) {
        // Packing pays once enough queries share it (measured with Benchmarks/kernels.sh: panels
        // win from about 32 queries at d ≤ 128 and 64 above; tiles are faster below).
        guard queryCount >= (dimension <= 128 ? 32 : 64) else {
            ShoalSIMD.dotBatch(
                ISALane.self, tileQueries: isaTileQueries, queries: queries, queryCount: queryCount, rows: rows,
                rowCount: rowCount, dimension: dimension, out: out, outStride: outStride)
            return
        }
        // Pack the rows into panels (in blocks that stay cache-resident) and run the GEMM-style tile.
        let block = max(2 * ISALane.scalarCount, (64 * 1024) / max(1, dimension * 4))
        let blockRows = block - block % (2 * ISALane.scalarCount)
        let panels = UnsafeMutablePointer<Float>.allocate(
            capacity: panelFloats(ISALane.self, count: min(rowCount, blockRows), dimension: dimension))
        defer { panels.deallocate() }
        var start = 0
        while start < rowCount {
            let count = min(blockRows, rowCount - start)
            packPanels(ISALane.self, rows: rows + start * dimension, count: count, dimension: dimension, into: panels)
            dotPanels(
                ISALane.self, queries: queries, queryCount: queryCount, panels: panels, rowCount: count,
                dimension: dimension, out: out + start, outStride: outStride)
            start += count
        }
    }
}
