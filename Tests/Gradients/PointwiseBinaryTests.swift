import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceLab
import ReferenceTestSupport

@Suite("Pointwise binary ops and clamp")
struct PointwiseBinaryTests {
    // MARK: Forward values

    @Test func addOfEqualShapes() throws {
        let y = try add(Tensor(shape: [3], scalars: [1, 2, 3]), Tensor(shape: [3], scalars: [10, 20, 30]))
        #expect(y == Tensor(shape: [3], scalars: [11, 22, 33]))
    }

    @Test func addBroadcastsAColumn() throws {
        // (2, 3) + (2, 1): the column [10, 20] is repeated along the rows.
        let y = try add(Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]), Tensor(shape: [2, 1], scalars: [10, 20]))
        #expect(y == Tensor(shape: [2, 3], scalars: [11, 12, 13, 24, 25, 26]))
    }

    @Test func addWithAlphaScalesOther() throws {
        let y = try add(Tensor(shape: [2], scalars: [1, 2]), Tensor(shape: [2], scalars: [3, 4]), alpha: 2)
        #expect(y.scalars == [7, 10])
        let z = try sub(Tensor(shape: [2], scalars: [1, 2]), Tensor(shape: [2], scalars: [3, 4]), alpha: 0.5)
        #expect(z.scalars == [-0.5, 0])
    }

    @Test func subOfRankZeroAndMatrix() throws {
        // () − (2, 2): the scalar 2 broadcasts to every position.
        let y = try sub(Tensor(scalar: 2), Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]))
        #expect(y == Tensor(shape: [2, 2], scalars: [1, 0, -1, -2]))
    }

    @Test func mulBroadcastsBothSides() throws {
        // (3,) · (2, 1) → (2, 3): an outer product.
        let y = try mul(Tensor(shape: [3], scalars: [1, 2, 3]), Tensor(shape: [2, 1], scalars: [2, -1]))
        #expect(y == Tensor(shape: [2, 3], scalars: [2, 4, 6, -1, -2, -3]))
    }

    @Test func mulOfOneElementTensorBroadcasts() throws {
        let y = try mul(Tensor(shape: [1], scalars: [3]), Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]))
        #expect(y == Tensor(shape: [2, 3], scalars: [3, 6, 9, 12, 15, 18]))
    }

    @Test func divIsTrueDivisionWithIEEESpecialCases() throws {
        let y = try div(Tensor(shape: [3], scalars: [1, 2, 3]), Tensor(shape: [1], scalars: [2]))
        #expect(y.scalars == [0.5, 1, 1.5])
        let z = try div(Tensor(shape: [3], scalars: [1, -1, 0]), Tensor(scalar: 0))
        #expect(z.scalars[0] == .infinity)
        #expect(z.scalars[1] == -.infinity)
        #expect(z.scalars[2].isNaN)
    }

    // MARK: Gradients, worked by hand

    @Test func addGradientSumsOverBroadcastDimensions() throws {
        // y = a + 3b, a (2, 3), b (2, 1); ȳ = [[1, 2, 3], [4, 5, 6]].
        let g = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let (ga, gb) = try addBackward(g, inputShape: [2, 3], otherShape: [2, 1], alpha: 3)
        #expect(ga == g)
        #expect(gb == Tensor(shape: [2, 1], scalars: [18, 45]))  // 3·(1+2+3), 3·(4+5+6)
    }

    @Test func subGradientOfOtherIsNegated() throws {
        let g = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        let (ga, gb) = try subBackward(g, inputShape: [], otherShape: [2, 2])
        #expect(ga == Tensor(scalar: 10))
        #expect(gb == Tensor(shape: [2, 2], scalars: [-1, -2, -3, -4]))
    }

    @Test func mulGradientIsTheOtherFactor() throws {
        // a (2, 3), b (3,), ȳ all ones: ā = b on every row, b̄ = column sums of a.
        let a = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let b = Tensor(shape: [3], scalars: [-1, 0.5, 2])
        let (ga, gb) = try mulBackward(Tensor(repeating: 1, shape: [2, 3]), a, b)
        #expect(ga.scalars == [-1, 0.5, 2, -1, 0.5, 2])
        #expect(gb == Tensor(shape: [3], scalars: [5, 7, 9]))
    }

    @Test func divGradients() throws {
        // y = a / b with a = 6, b = 2: ∂y/∂a = 1/2, ∂y/∂b = −a/b² = −1.5.
        let (ga, gb) = try divBackward(Tensor(shape: [1], scalars: [1]), Tensor(shape: [1], scalars: [6]), Tensor(shape: [1], scalars: [2]))
        #expect(ga.scalars == [0.5])
        #expect(gb.scalars == [-1.5])
        // Broadcast divisor: a = [1, 2, 4], b = [2] (shape (1,)): b̄ = −Σ aᵢ/b² = −7/4.
        let (_, gb2) = try divBackward(Tensor(repeating: 1, shape: [3]), Tensor(shape: [3], scalars: [1, 2, 4]), Tensor(shape: [1], scalars: [2]))
        #expect(gb2 == Tensor(shape: [1], scalars: [-1.75]))
    }

    @Test func tapeThroughRegisteredBinaryOps() throws {
        // loss = Σ (x − 2y) / y with x = [1, 2], y = [4, 8]: ∂/∂x = 1/y, ∂/∂y = −x/y².
        let tape = Tape()
        let x = tape.variable(Tensor(shape: [2], scalars: [1, 2]))
        let y = tape.variable(Tensor(shape: [2], scalars: [4, 8]))
        let difference = try tape.apply1("sub", [x, y], ["alpha": .double(2)])
        let loss = try tape.apply1("sum", [try tape.apply1("div", [difference, y])])
        #expect(tape.value(loss).scalar == (1.0 - 8) / 4 + (2.0 - 16) / 8)
        let gradients = try tape.gradients(of: loss, withRespectTo: [x, y])
        #expect(close(gradients[0].scalars, [0.25, 0.125], 1e-14))
        #expect(close(gradients[1].scalars, [-1.0 / 16, -2.0 / 64], 1e-14))
    }

    // MARK: Bad inputs

    @Test(arguments: ["add", "sub", "mul", "div"])
    func incompatibleShapesNameBothShapes(opName: String) throws {
        let op = try OpRegistry.op(named: opName)
        let a = Tensor(repeating: 1, shape: [2, 3]), b = Tensor(repeating: 1, shape: [3, 2])
        do {
            _ = try op([a, b])
            Issue.record("\(opName) accepted shapes (2, 3) and (3, 2)")
        } catch let error as RefvisError {
            #expect(error.message.contains("(2, 3)") && error.message.contains("(3, 2)"), "\(error.message)")
            #expect(error.message.contains(opName))
        }
    }

    @Test func wrongGradientShapeThrows() {
        #expect(throws: RefvisError.self) {
            try mulBackward(Tensor.zeros([3]), Tensor.zeros([2, 3]), Tensor.zeros([3]))
        }
    }

    // MARK: clamp

    @Test func clampToBothBounds() throws {
        let x = Tensor(shape: [5], scalars: [-2, -0.5, 0, 0.5, 2])
        #expect(try clamp(x, min: -1, max: 1).scalars == [-1, -0.5, 0, 0.5, 1])
        #expect(try clamp(x, min: 0).scalars == [0, 0, 0, 0.5, 2])
        #expect(try clamp(x, max: -0.5).scalars == [-2, -0.5, -0.5, -0.5, -0.5])
    }

    @Test func clampWithMinAboveMaxGivesMaxEverywhere() throws {
        let x = Tensor(shape: [3], scalars: [-2, 0, 2])
        #expect(try clamp(x, min: 1, max: -1).scalars == [-1, -1, -1])
        #expect(try clampBackward(Tensor(shape: [3], scalars: [1, 2, 3]), x, min: 1, max: -1).scalars == [0, 0, 0])
    }

    @Test func clampKeepsNaN() throws {
        let y = try clamp(Tensor(shape: [2], scalars: [.nan, 5]), min: 0, max: 1)
        #expect(y.scalars[0].isNaN)
        #expect(y.scalars[1] == 1)
    }

    @Test func clampGradientIsOneOnTheClosedInterval() throws {
        // PyTorch: x̄ = ȳ where min ≤ x ≤ max, so the bounds themselves pass the gradient.
        let x = Tensor(shape: [5], scalars: [-2, -1, 0, 1, 2])
        let g = Tensor(shape: [5], scalars: [10, 20, 30, 40, 50])
        #expect(try clampBackward(g, x, min: -1, max: 1).scalars == [0, 20, 30, 40, 0])
        #expect(try clampBackward(g, x, min: 0).scalars == [0, 0, 30, 40, 50])
        #expect(try clampBackward(g, x, max: -1).scalars == [10, 20, 0, 0, 0])
    }

    @Test func clampGradientOutsideIsExactlyZeroEvenForInfiniteCotangents() throws {
        // A `where`, not a product: inf·0 would be nan.
        let x = Tensor(shape: [3], scalars: [5, .nan, 0])
        let g = Tensor(shape: [3], scalars: [.infinity, 1, 2])
        #expect(try clampBackward(g, x, min: -1, max: 1).scalars == [0, 0, 2])
    }

    @Test func clampNeedsABoundAndRefusesNaNBounds() throws {
        let x = Tensor(shape: [2], scalars: [1, 2])
        #expect(throws: RefvisError.self) { try clamp(x) }
        #expect(throws: RefvisError.self) { try clamp(x, min: .nan) }
        #expect(throws: RefvisError.self) { try clamp(x, min: 0, max: .nan) }
        let op = try OpRegistry.op(named: "clamp")
        #expect(throws: RefvisError.self) { try op([x]) }
        #expect(try op([x], ["min": .double(1.5), "max": .null])[0].scalars == [1.5, 2])
    }
}
