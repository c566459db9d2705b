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

    /// `⟨q_i, x_r⟩` for a batch of queries and a block of rows, into `out[i * outStride + r]`.
    /// - Complexity: O(`queryCount * rowCount * dimension`).
    public static func dotBatch(
        queries: UnsafePointer<Float>, queryCount: Int, rows: UnsafePointer<Float>, rowCount: Int, dimension: Int,
        out: UnsafeMutablePointer<Float>, outStride: Int
    ) {
        guard queryCount >= 4 else {
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
