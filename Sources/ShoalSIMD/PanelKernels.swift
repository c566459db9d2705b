// SIMD kernel: a batch of queries against a block of rows in the GEMM style. The rows are first
// packed into panels of `w` rows laid out dimension-major (`[d][w]`), so one vector load holds one
// component of `w` rows; each query component is broadcast and multiplied into it. The register
// tile is 4 queries × 2 panels (8 accumulators), there are no horizontal sums, and any dimension
// works without a tail loop. Packing costs one pass over the rows, which the queries amortise.

/// Packs `count` rows (row-major, `dimension` floats each) into `ceil(count / w)` panels of
/// `dimension × w` floats, dimension-major; rows past `count` in the last panel are zero.
/// - Complexity: O(`count × dimension`).
@inlinable @inline(__always)
public func packPanels<V: FloatLane>(
    _: V.Type, rows: UnsafePointer<Float>, count: Int, dimension d: Int, into panels: UnsafeMutablePointer<Float>
) {
    let w = V.scalarCount
    let panelCount = (count &+ w &- 1) / w
    panels.update(repeating: 0, count: panelCount &* d &* w)
    var r = 0
    while r < count {
        let panelStart: Int = (r / w) &* d &* w
        let lane: Int = r % w
        let panel = panels + (panelStart &+ lane)
        let row = rows + r &* d
        var j = 0
        while j < d {
            panel[j &* w] = row[j]
            j &+= 1
        }
        r &+= 1
    }
}

/// Floats needed by `packPanels` for `count` rows.
@inlinable @inline(__always)
public func panelFloats<V: FloatLane>(_: V.Type, count: Int, dimension d: Int) -> Int {
    let w = V.scalarCount
    return (count &+ w &- 1) / w &* d &* w
}

/// Dot products of `qc` queries (1...4, a constant at the call site) with the rows of two panels
/// (the second may be absent: `hasSecond`), written to `out` (query stride `outStride`), storing
/// only the first `valid` of the `2w` columns.
@inlinable @inline(__always)
func panelTile<V: FloatLane>(
    _: V.Type, queryCount qc: Int, queries q: UnsafePointer<Float>, dimension d: Int,
    panel p0: UnsafePointer<Float>, hasSecond: Bool, valid: Int, out: UnsafeMutablePointer<Float>, outStride: Int
) {
    let w = V.scalarCount
    let p1 = p0 + d &* w
    var a00 = V(), a01 = V(), a10 = V(), a11 = V()
    var a20 = V(), a21 = V(), a30 = V(), a31 = V()
    let q0 = q
    let q1 = q0 + d
    let q2 = q1 + d
    let q3 = q2 + d
    var j = 0
    if hasSecond {
        while j < d {
            let x0 = loadLane(V.self, p0, j &* w)
            let x1 = loadLane(V.self, p1, j &* w)
            let b0 = V(repeating: q0[j])
            a00 = V.multiplyAdd(a00, b0, x0)
            a01 = V.multiplyAdd(a01, b0, x1)
            if qc > 1 {
                let b1 = V(repeating: q1[j])
                a10 = V.multiplyAdd(a10, b1, x0)
                a11 = V.multiplyAdd(a11, b1, x1)
            }
            if qc > 2 {
                let b2 = V(repeating: q2[j])
                a20 = V.multiplyAdd(a20, b2, x0)
                a21 = V.multiplyAdd(a21, b2, x1)
            }
            if qc > 3 {
                let b3 = V(repeating: q3[j])
                a30 = V.multiplyAdd(a30, b3, x0)
                a31 = V.multiplyAdd(a31, b3, x1)
            }
            j &+= 1
        }
    } else {
        while j < d {
            let x0 = loadLane(V.self, p0, j &* w)
            a00 = V.multiplyAdd(a00, V(repeating: q0[j]), x0)
            if qc > 1 { a10 = V.multiplyAdd(a10, V(repeating: q1[j]), x0) }
            if qc > 2 { a20 = V.multiplyAdd(a20, V(repeating: q2[j]), x0) }
            if qc > 3 { a30 = V.multiplyAdd(a30, V(repeating: q3[j]), x0) }
            j &+= 1
        }
    }
    storeTile(a00, a01, valid: valid, to: out)
    if qc > 1 { storeTile(a10, a11, valid: valid, to: out + outStride) }
    if qc > 2 { storeTile(a20, a21, valid: valid, to: out + 2 &* outStride) }
    if qc > 3 { storeTile(a30, a31, valid: valid, to: out + 3 &* outStride) }
}

/// Stores the first `valid` (≤ 2w) lanes of two accumulators.
@inlinable @inline(__always)
func storeTile<V: FloatLane>(_ first: V, _ second: V, valid: Int, to out: UnsafeMutablePointer<Float>) {
    let w = V.scalarCount
    if valid >= 2 &* w {
        UnsafeMutableRawPointer(out).storeBytes(of: first, as: V.self)
        UnsafeMutableRawPointer(out + w).storeBytes(of: second, as: V.self)
        return
    }
    var i = 0
    while i < valid {
        out[i] = i < w ? first[i] : second[i &- w]
        i &+= 1
    }
}

/// Dot products of `queryCount` queries with `rowCount` packed rows (`packPanels`):
/// `out[i * outStride + r] = ⟨q_i, x_r⟩`.
/// - Complexity: O(`queryCount × rowCount × dimension`).
@inlinable @inline(__always)
public func dotPanels<V: FloatLane>(
    _: V.Type, queries: UnsafePointer<Float>, queryCount: Int, panels: UnsafePointer<Float>, rowCount: Int,
    dimension d: Int, out: UnsafeMutablePointer<Float>, outStride: Int
) {
    let w = V.scalarCount
    let panelCount = (rowCount &+ w &- 1) / w
    var panel = 0
    while panel < panelCount {
        let hasSecond = panel &+ 1 < panelCount
        let firstRow = panel &* w
        let valid = min(rowCount &- firstRow, hasSecond ? 2 &* w : w)
        let p0 = panels + panel &* d &* w
        var qi = 0
        while qi &+ 4 <= queryCount {
            panelTile(
                V.self, queryCount: 4, queries: queries + qi &* d, dimension: d, panel: p0, hasSecond: hasSecond,
                valid: valid, out: out + (qi &* outStride &+ firstRow), outStride: outStride)
            qi &+= 4
        }
        while qi < queryCount {
            panelTile(
                V.self, queryCount: 1, queries: queries + qi &* d, dimension: d, panel: p0, hasSecond: hasSecond,
                valid: valid, out: out + (qi &* outStride &+ firstRow), outStride: outStride)
            qi &+= 1
        }
        panel &+= hasSecond ? 2 : 1
    }
}
