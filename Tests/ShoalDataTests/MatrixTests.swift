import ShoalData
import Testing

@Suite struct MatrixTests {
    @Test func storesValuesRowMajorAndExposesEachRowAsAContiguousSlice() {
        let matrix = Matrix(rows: 2, columns: 3, values: [1, 2, 3, 4, 5, 6] as [Float])
        #expect(Array(matrix[row: 0]) == [1, 2, 3])
        #expect(Array(matrix.row(1)) == [4, 5, 6])
        #expect(matrix[1, 0] == 4)
        #expect(matrix.values.count == matrix.rows * matrix.columns)
    }

    @Test func elementSubscriptWritesIntoTheRightRowAndColumn() {
        var matrix = Matrix(rows: 2, columns: 2, repeating: Int32(0))
        matrix[1, 0] = 7
        #expect(matrix.values == [0, 0, 7, 0])
    }

    @Test func equalityComparesShapeAndValues() {
        let a = Matrix(rows: 1, columns: 4, values: [1, 2, 3, 4] as [Int64])
        let b = Matrix(rows: 2, columns: 2, values: [1, 2, 3, 4] as [Int64])
        #expect(a != b)
        #expect(a == Matrix(rows: 1, columns: 4, values: [1, 2, 3, 4]))
    }

    @Test func emptyShapesAreAllowed() {
        let noRows = Matrix<Float>(rows: 0, columns: 128, values: [])
        let noColumns = Matrix<Float>(rows: 5, columns: 0, values: [])
        #expect(noRows.isEmpty && noColumns.isEmpty)
        #expect(noColumns[row: 4].isEmpty)
    }

    @Test func mapKeepsTheShapeAndPrefixKeepsLeadingRows() {
        let matrix = Matrix(rows: 3, columns: 2, values: [1, 2, 3, 4, 5, 6] as [Int32])
        let doubled = matrix.map { Float($0) * 2 }
        #expect(doubled == Matrix(rows: 3, columns: 2, values: [2, 4, 6, 8, 10, 12]))
        #expect(matrix.prefix(rows: 2) == Matrix(rows: 2, columns: 2, values: [1, 2, 3, 4]))
        #expect(matrix.prefix(rows: 10) == matrix)
        #expect(matrix.prefix(rows: 0).rows == 0)
    }

    @Test func unsafeBufferAccessSeesAndChangesTheRowMajorValues() {
        var matrix = Matrix(rows: 2, columns: 2, values: [1, 2, 3, 4] as [Float])
        let sum = matrix.withUnsafeBufferPointer { $0.reduce(0, +) }
        #expect(sum == 10)
        matrix.withUnsafeMutableBufferPointer { buffer in
            for index in buffer.indices { buffer[index] *= -1 }
        }
        #expect(matrix.values == [-1, -2, -3, -4])
    }

    @Test func descriptionNamesTheElementTypeAndShape() {
        #expect(Matrix<Float>(rows: 5000, columns: 128, repeating: 0).description == "Matrix<Float>(5000 × 128)")
    }
}
