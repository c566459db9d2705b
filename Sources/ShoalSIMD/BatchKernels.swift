// SIMD kernel: a batch of queries against a block of rows, register-tiled (up to 4 queries × 4 rows
// of accumulators), in dot-product form; squared L2 is ‖q‖² + ‖x‖² − 2⟨q, x⟩.

/// Four accumulators, one per row of a tile, for one query.
@usableFromInline @frozen
struct RowQuad<V: FloatLane> {
    @usableFromInline var a0: V
    @usableFromInline var a1: V
    @usableFromInline var a2: V
    @usableFromInline var a3: V

    @inlinable @inline(__always)
    init() {
        a0 = V()
        a1 = V()
        a2 = V()
        a3 = V()
    }

    @inlinable @inline(__always)
    mutating func add(_ q: V, _ x0: V, _ x1: V, _ x2: V, _ x3: V) {
        a0 = V.multiplyAdd(a0, q, x0)
        a1 = V.multiplyAdd(a1, q, x1)
        a2 = V.multiplyAdd(a2, q, x2)
        a3 = V.multiplyAdd(a3, q, x3)
    }

    @inlinable @inline(__always)
    var sums: SIMD4<Float> { SIMD4(a0.laneSum, a1.laneSum, a2.laneSum, a3.laneSum) }
}

/// Dot products of `qc` queries (1...4; a constant at every call site) with 4 rows; writes a
/// `qc × 4` block of `out` (row stride `outStride`).
@inlinable @inline(__always)
func dotTile<V: FloatLane>(
    _: V.Type, queryCount qc: Int, queries q: UnsafePointer<Float>, rows x: UnsafePointer<Float>, dimension d: Int,
    out: UnsafeMutablePointer<Float>, outStride: Int
) {
    let w = V.scalarCount
    let vectorEnd = d - d % w
    let quadEnd = d - d % 4
    let x0 = x
    let x1 = x0 + d
    let x2 = x1 + d
    let x3 = x2 + d
    let q0 = q
    let q1 = q0 + d
    let q2 = q1 + d
    let q3 = q2 + d
    var t0 = RowQuad<V>()
    var t1 = RowQuad<V>()
    var t2 = RowQuad<V>()
    var t3 = RowQuad<V>()
    var j = 0
    while j < vectorEnd {
        let v0 = loadLane(V.self, x0, j)
        let v1 = loadLane(V.self, x1, j)
        let v2 = loadLane(V.self, x2, j)
        let v3 = loadLane(V.self, x3, j)
        t0.add(loadLane(V.self, q0, j), v0, v1, v2, v3)
        if qc > 1 { t1.add(loadLane(V.self, q1, j), v0, v1, v2, v3) }
        if qc > 2 { t2.add(loadLane(V.self, q2, j), v0, v1, v2, v3) }
        if qc > 3 { t3.add(loadLane(V.self, q3, j), v0, v1, v2, v3) }
        j &+= w
    }
    var s0 = t0.sums
    var s1 = t1.sums
    var s2 = t2.sums
    var s3 = t3.sums
    if j < quadEnd {
        var u0 = RowQuad<SIMD4<Float>>()
        var u1 = RowQuad<SIMD4<Float>>()
        var u2 = RowQuad<SIMD4<Float>>()
        var u3 = RowQuad<SIMD4<Float>>()
        while j < quadEnd {
            let v0 = loadLane(SIMD4<Float>.self, x0, j)
            let v1 = loadLane(SIMD4<Float>.self, x1, j)
            let v2 = loadLane(SIMD4<Float>.self, x2, j)
            let v3 = loadLane(SIMD4<Float>.self, x3, j)
            u0.add(loadLane(SIMD4<Float>.self, q0, j), v0, v1, v2, v3)
            if qc > 1 { u1.add(loadLane(SIMD4<Float>.self, q1, j), v0, v1, v2, v3) }
            if qc > 2 { u2.add(loadLane(SIMD4<Float>.self, q2, j), v0, v1, v2, v3) }
            if qc > 3 { u3.add(loadLane(SIMD4<Float>.self, q3, j), v0, v1, v2, v3) }
            j &+= 4
        }
        s0 += u0.sums
        s1 += u1.sums
        s2 += u2.sums
        s3 += u3.sums
    }
    while j < d {
        let column = SIMD4<Float>(x0[j], x1[j], x2[j], x3[j])
        s0 += column * q0[j]
        if qc > 1 { s1 += column * q1[j] }
        if qc > 2 { s2 += column * q2[j] }
        if qc > 3 { s3 += column * q3[j] }
        j &+= 1
    }
    UnsafeMutableRawPointer(out).storeBytes(of: s0, as: SIMD4<Float>.self)
    if qc > 1 { UnsafeMutableRawPointer(out + outStride).storeBytes(of: s1, as: SIMD4<Float>.self) }
    if qc > 2 { UnsafeMutableRawPointer(out + 2 &* outStride).storeBytes(of: s2, as: SIMD4<Float>.self) }
    if qc > 3 { UnsafeMutableRawPointer(out + 3 &* outStride).storeBytes(of: s3, as: SIMD4<Float>.self) }
}

/// Rows per cache block in the batch kernel: a block of rows stays in L2 while every query tile
/// passes over it.
@inlinable @inline(__always)
func rowsPerCacheBlock(dimension d: Int) -> Int {
    let target = (192 * 1024) / max(1, d &* 4)
    return max(4, target - target % 4)
}

/// Dot products of `queryCount` queries with `rowCount` rows: `out[i * outStride + r] = ⟨q_i, x_r⟩`.
///
/// - Parameters:
///   - tileQueries: queries per register tile, 1...4 and a constant at the call site (4 when 32
///     vector registers are available, 2 with 16).
///   - queries: row-major, `queryCount * dimension` floats.
///   - rows: row-major, `rowCount * dimension` floats.
///   - out: `queryCount` rows of `outStride ≥ rowCount` floats.
/// - Complexity: O(`queryCount * rowCount * dimension`); rows are blocked to stay cache-resident.
@inlinable @inline(__always)
public func dotBatch<V: FloatLane>(
    _ lane: V.Type, tileQueries: Int, queries: UnsafePointer<Float>, queryCount: Int, rows: UnsafePointer<Float>,
    rowCount: Int, dimension d: Int, out: UnsafeMutablePointer<Float>, outStride: Int
) {
    let block = rowsPerCacheBlock(dimension: d)
    var rowStart = 0
    while rowStart < rowCount {
        let rowEnd = min(rowCount, rowStart &+ block)
        let tiledEnd = rowStart &+ (rowEnd &- rowStart) / 4 &* 4
        var qi = 0
        while qi &+ tileQueries <= queryCount {
            var r = rowStart
            while r < tiledEnd {
                dotTile(
                    V.self, queryCount: tileQueries, queries: queries + qi &* d, rows: rows + r &* d, dimension: d,
                    out: out + (qi &* outStride &+ r), outStride: outStride)
                r &+= 4
            }
            qi &+= tileQueries
        }
        while qi < queryCount {
            var r = rowStart
            while r < tiledEnd {
                dotTile(
                    V.self, queryCount: 1, queries: queries + qi &* d, rows: rows + r &* d, dimension: d,
                    out: out + (qi &* outStride &+ r), outStride: outStride)
                r &+= 4
            }
            qi &+= 1
        }
        if tiledEnd < rowEnd {
            for i in 0..<queryCount {
                for r in tiledEnd..<rowEnd {
                    out[i &* outStride &+ r] = dotRow(V.self, queries + i &* d, rows + r &* d, d)
                }
            }
        }
        rowStart = rowEnd
    }
}
