import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceLab
import ReferenceTestSupport

/// torch.nn.functional.pad: every mode on hand-worked 1-d and 2-d cases, the
/// hand-worked gradients (repeated positions add up), negative pads, -inf
/// constant padding before a max pool, and the bad inputs PyTorch rejects.
@Suite("pad")
struct PadTests {
    private func row(_ values: [Double]) -> Tensor { Tensor(shape: [1, values.count], scalars: values) }

    // MARK: Forward, one dimension

    @Test func reflectDoesNotRepeatTheEdge() throws {
        // [1 2 3 4] padded (2, 1): 3 2 | 1 2 3 4 | 3
        let y = try pad(row([1, 2, 3, 4]), [2, 1], mode: .reflect)
        #expect(y.shape == [1, 7])
        #expect(y.scalars == [3, 2, 1, 2, 3, 4, 3])
    }

    @Test func replicateRepeatsTheEdge() throws {
        let y = try pad(row([1, 2, 3, 4]), [2, 1], mode: .replicate)
        #expect(y.scalars == [1, 1, 1, 2, 3, 4, 4])
    }

    @Test func circularWrapsAround() throws {
        let y = try pad(row([1, 2, 3, 4]), [2, 1], mode: .circular)
        #expect(y.scalars == [3, 4, 1, 2, 3, 4, 1])
        // A pad equal to the size is allowed: one full period on each side.
        #expect(try pad(row([1, 2, 3]), [3, 0], mode: .circular).scalars == [1, 2, 3, 1, 2, 3])
    }

    @Test func constantFillsWithValueInAnyRank() throws {
        let x = Tensor(shape: [4], scalars: [1, 2, 3, 4])
        #expect(try pad(x, [1, 2], value: 9).scalars == [9, 1, 2, 3, 4, 9, 9])
        #expect(try pad(x, [1, 2]).scalars == [0, 1, 2, 3, 4, 0, 0])
        #expect(try pad(x, []).scalars == [1, 2, 3, 4])
    }

    @Test func negativeConstantPadsCrop() throws {
        let x = Tensor(shape: [4], scalars: [1, 2, 3, 4])
        #expect(try pad(x, [-1, 1]).scalars == [2, 3, 4, 0])
        #expect(try pad(x, [-1, -2]).scalars == [2])
        // Cropping everything leaves an empty dimension, as in PyTorch.
        #expect(try pad(x, [-2, -2]).shape == [0])
    }

    @Test func negativePadsInTheOtherModes() throws {
        // reflect (-1, 3): drop 1, then mirror about the last element 5.
        #expect(try pad(row([1, 2, 3, 4, 5]), [-1, 3], mode: .reflect).scalars == [2, 3, 4, 5, 4, 3, 2])
        // replicate (2, -1): two copies of 1, drop 4.
        #expect(try pad(row([1, 2, 3, 4]), [2, -1], mode: .replicate).scalars == [1, 1, 1, 2, 3])
        // circular (1, -1): drop 4, then wrap around what is left, [1 2 3].
        #expect(try pad(row([1, 2, 3, 4]), [1, -1], mode: .circular).scalars == [3, 1, 2, 3])
    }

    // MARK: Forward, two dimensions

    private let grid3x3 = Tensor(shape: [1, 3, 3], scalars: [1, 2, 3, 4, 5, 6, 7, 8, 9])
    private let grid2x3 = Tensor(shape: [1, 2, 3], scalars: [1, 2, 3, 4, 5, 6])

    @Test func reflect2d() throws {
        let y = try pad(grid3x3, [1, 1, 1, 1], mode: .reflect)
        #expect(y.shape == [1, 5, 5])
        #expect(y.scalars == [5, 4, 5, 6, 5,
                              2, 1, 2, 3, 2,
                              5, 4, 5, 6, 5,
                              8, 7, 8, 9, 8,
                              5, 4, 5, 6, 5])
    }

    @Test func replicate2dAsymmetric() throws {
        // (left 1, right 0, top 0, bottom 2)
        let y = try pad(grid2x3, [1, 0, 0, 2], mode: .replicate)
        #expect(y.shape == [1, 4, 4])
        #expect(y.scalars == [1, 1, 2, 3,
                              4, 4, 5, 6,
                              4, 4, 5, 6,
                              4, 4, 5, 6])
    }

    @Test func circular2d() throws {
        // (left 1, right 1, top 1, bottom 0): rows r1 r0 r1, columns c2 c0 c1 c2 c0.
        let y = try pad(grid2x3, [1, 1, 1, 0], mode: .circular)
        #expect(y.shape == [1, 3, 5])
        #expect(y.scalars == [6, 4, 5, 6, 4,
                              3, 1, 2, 3, 1,
                              6, 4, 5, 6, 4])
    }

    @Test func constant2dAndLeadingDimension() throws {
        let x = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        #expect(try pad(x, [1, 0, 0, 1], value: -1).scalars == [-1, 1, 2, -1, 3, 4, -1, -1, -1])
        // Four values on a 2-d tensor reach dimension 0 too.
        let y = try pad(x, [0, 0, 1, 0])
        #expect(y.shape == [3, 2])
        #expect(y.scalars == [0, 0, 1, 2, 3, 4])
    }

    @Test func reflect3dShape() throws {
        let x = Tensor(shape: [1, 2, 3, 4]) { Double($0) }
        let y = try pad(x, [1, 2, 2, 1, 1, 0], mode: .reflect)
        #expect(y.shape == [1, 3, 6, 7])
        // Output (0, 0, 0, 0) reads input (0, 1, 2, 1): front reflects channel 1,
        // top reflects row 2, left reflects column 1 → 12 + 8 + 1.
        #expect(y[0, 0, 0, 0] == 21)
    }

    // MARK: Gradients

    /// Cotangent entries 10^j make every sum readable digit by digit.
    private let powers: [Double] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000]

    @Test func reflectGradientAddsRepeatedPositions() throws {
        // Output reads x2 x1 x0 x1 x2 x3 x2.
        let g = try padBackward(row(powers), inputShape: [1, 4], [2, 1], mode: .reflect)
        #expect(g.scalars == [100, 1_010, 1_010_001, 100_000])
    }

    @Test func replicateGradientAddsRepeatedPositions() throws {
        // Output reads x0 x0 x0 x1 x2 x3 x3.
        let g = try padBackward(row(powers), inputShape: [1, 4], [2, 1], mode: .replicate)
        #expect(g.scalars == [111, 1_000, 10_000, 1_100_000])
    }

    @Test func circularGradientAddsRepeatedPositions() throws {
        // Output reads x2 x3 x0 x1 x2 x3 x0.
        let g = try padBackward(row(powers), inputShape: [1, 4], [2, 1], mode: .circular)
        #expect(g.scalars == [1_000_100, 1_000, 10_001, 100_010])
    }

    @Test func constantGradientDropsPaddingAndCroppedElements() throws {
        let g = try padBackward(Tensor(shape: [4], scalars: [1, 2, 3, 4]), inputShape: [4], [-1, 1])
        #expect(g.scalars == [0, 1, 2, 3])
    }

    @Test func reflect2dGradientCountsCopies() throws {
        // Rows are read 1, 3, 1 times and columns 1, 3, 1 times: the outer product.
        let g = try padBackward(Tensor(repeating: 1, shape: [1, 5, 5]), inputShape: [1, 3, 3], [1, 1, 1, 1], mode: .reflect)
        #expect(g.scalars == [1, 3, 1, 3, 9, 3, 1, 3, 1])
    }

    @Test func gradientRejectsWrongCotangentShape() {
        #expect(throws: RefvisError.self) {
            try padBackward(Tensor.zeros([1, 6]), inputShape: [1, 4], [2, 1], mode: .reflect)
        }
    }

    // MARK: -inf padding before a max pool

    @Test func negativeInfinityPaddingForward() throws {
        let x = Tensor(shape: [1, 1, 1, 2], scalars: [3, -2])
        let y = try pad(x, [1, 0, 1, 0], value: -.infinity)
        #expect(y.shape == [1, 1, 2, 3])
        let fill = -Double.infinity
        let expected: [Double] = [fill, fill, fill, fill, 3, -2]
        #expect(y.scalars == expected)
        // Its gradient ignores the fill entirely.
        let g = try padBackward(Tensor(repeating: 1, shape: [1, 1, 2, 3]), inputShape: [1, 1, 1, 2], [1, 0, 1, 0])
        #expect(g.scalars == [1, 1])
    }

    /// pad(value: -inf) then max_pool2d(kernel 3, stride 2) is max_pool2d with
    /// padding 1: the -inf border never wins a window, so outputs and
    /// gradients are finite.
    @Test func negativeInfinityPaddingThenMaxPool() throws {
        let xValue = Tensor(shape: [1, 1, 3, 3], scalars: [1, 5, 2,
                                                            7, 3, 9,
                                                            4, 8, 6])
        let tape = Tape()
        let x = tape.variable(xValue)
        let padded = try tape.apply1("pad", [x], ["pad": .ints([1, 1, 1, 1]), "value": .double(-.infinity)])
        let pooled = try tape.apply1("max_pool2d", [padded], ["kernel_size": .ints([3]), "stride": .ints([2])])
        // Windows over x: rows 0-1 × cols 0-1 → 7; rows 0-1 × cols 1-2 → 9;
        // rows 1-2 × cols 0-1 → 8; rows 1-2 × cols 1-2 → 9.
        let y = tape.value(pooled)
        #expect(y.shape == [1, 1, 2, 2])
        #expect(y.scalars == [7, 9, 8, 9])
        #expect(y.isFinite)

        // Loss = Σ w ⊙ y with w = [1 2; 3 4]: 7 gets 1, 8 gets 3, 9 gets 2 + 4.
        let weights = Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4])
        let gradient = try tape.gradients(seeds: [pooled: weights], withRespectTo: [x])[0]
        #expect(gradient.isFinite)
        #expect(gradient.scalars == [0, 0, 0,
                                     1, 0, 6,
                                     0, 3, 0])

        // The same as max_pool2d's own (implicit -inf) padding.
        let direct = try OpRegistry.op(named: "max_pool2d")(
            [xValue], ["kernel_size": .ints([3]), "stride": .ints([2]), "padding": .ints([1])])[0]
        #expect(direct.scalars == y.scalars)

        // And central differences of the (finite) loss agree away from ties.
        let h = 1e-6
        for i in 0..<xValue.count {
            var plus = xValue, minus = xValue
            plus.scalars[i] += h
            minus.scalars[i] -= h
            func loss(_ input: Tensor) throws -> Double {
                let p = try pad(input, [1, 1, 1, 1], value: -.infinity)
                return try OpRegistry.op(named: "max_pool2d")([p], ["kernel_size": .ints([3]), "stride": .ints([2])])[0].dot(weights)
            }
            let numeric = try (loss(plus) - loss(minus)) / (2 * h)
            #expect(abs(numeric - gradient.scalars[i]) <= 1e-6)
        }
    }

    // MARK: Bad inputs

    @Test func reflectPadMustBeLessThanTheSize() throws {
        #expect(throws: RefvisError.self) { try pad(row([1, 2, 3, 4]), [4, 0], mode: .reflect) }
        #expect(throws: RefvisError.self) { try pad(row([1, 2, 3, 4]), [0, 4], mode: .reflect) }
        #expect(throws: RefvisError.self) { try pad(grid2x3, [0, 0, 2, 0], mode: .reflect) }
        // 3 < 4 is fine.
        #expect(try pad(row([1, 2, 3, 4]), [3, 3], mode: .reflect).scalars == [4, 3, 2, 1, 2, 3, 4, 3, 2, 1])
    }

    @Test(arguments: [[1], [1, 2, 3], [1, 1, 1, 1, 1, 1]])
    func padListMustBeEvenAndAtMostTwiceTheRank(padList: [Int]) {
        // The input is 2-d: odd lengths and lengths above 4 are errors.
        #expect(throws: RefvisError.self) { try pad(Tensor.zeros([2, 3]), padList) }
    }

    @Test func nonConstantModesPadOnlyWhatPyTorchSupports() {
        let modes: [PadMode] = [.reflect, .replicate, .circular]
        for mode in modes {
            // 1-d padding needs a 2-d or 3-d input.
            #expect(throws: RefvisError.self) { try pad(Tensor.zeros([4]), [1, 1], mode: mode) }
            #expect(throws: RefvisError.self) { try pad(Tensor.zeros([1, 1, 1, 4]), [1, 1], mode: mode) }
            // 2-d padding needs a 3-d or 4-d input.
            #expect(throws: RefvisError.self) { try pad(Tensor.zeros([3, 4]), [1, 1, 1, 1], mode: mode) }
            // 3-d padding needs a 4-d or 5-d input.
            #expect(throws: RefvisError.self) { try pad(Tensor.zeros([3, 3, 3]), [1, 1, 1, 1, 1, 1], mode: mode) }
            // Nothing to pad, or 4 dimensions, is not supported.
            #expect(throws: RefvisError.self) { try pad(Tensor.zeros([3, 3]), [], mode: mode) }
            #expect(throws: RefvisError.self) { try pad(Tensor.zeros([2, 3, 3, 3, 3]), [1, 1, 1, 1, 1, 1, 1, 1], mode: mode) }
            // A fill value belongs to constant mode only.
            #expect(throws: RefvisError.self) { try pad(Tensor.zeros([1, 4]), [1, 1], mode: mode, value: 1) }
        }
        // The supported ranks work.
        #expect(throws: Never.self) { try pad(Tensor.zeros([2, 4]), [1, 1], mode: .replicate) }
        #expect(throws: Never.self) { try pad(Tensor.zeros([1, 2, 3, 3, 3]), [1, 1, 1, 1, 1, 1], mode: .replicate) }
    }

    @Test func cropsCannotRemoveMoreThanTheDimension() {
        let x = Tensor(shape: [4], scalars: [1, 2, 3, 4])
        #expect(throws: RefvisError.self) { try pad(x, [-5, 3]) }
        #expect(throws: RefvisError.self) { try pad(x, [-3, -2]) }
        #expect(throws: RefvisError.self) { try pad(row([1, 2, 3, 4]), [-2, -2], mode: .replicate) }
        #expect(throws: RefvisError.self) { try pad(row([1, 2, 3, 4]), [-4, 0], mode: .reflect) }
    }

    @Test func circularCannotWrapTwice() {
        #expect(throws: RefvisError.self) { try pad(row([1, 2, 3]), [4, 0], mode: .circular) }
        #expect(throws: RefvisError.self) { try pad(row([1, 2, 3]), [0, 4], mode: .circular) }
        // After cropping one of two elements, a wrap of 2 repeats.
        #expect(throws: RefvisError.self) { try pad(row([1, 2]), [-1, 2], mode: .circular) }
    }

    @Test func reflectAndReplicateNeedNonEmptyDimensions() throws {
        // (0, 4) unbatched: dimension 0 is channels and must be non-empty.
        #expect(throws: RefvisError.self) { try pad(Tensor.zeros([0, 4]), [1, 1], mode: .reflect) }
        #expect(throws: RefvisError.self) { try pad(Tensor.zeros([0, 4]), [1, 1], mode: .replicate) }
        // An empty batch is fine.
        #expect(try pad(Tensor.zeros([0, 1, 4]), [1, 1], mode: .reflect).shape == [0, 1, 6])
    }

    @Test func registryRejectsUnknownModeAndMissingPad() throws {
        let op = try OpRegistry.op(named: "pad")
        let x = Tensor.zeros([1, 4])
        #expect(throws: RefvisError.self) { try op([x], ["pad": .ints([1, 1]), "mode": .string("symmetric")]) }
        #expect(throws: RefvisError.self) { try op([x], [:]) }
        let y = try op([x], ["pad": .ints([1, 1]), "mode": .string("reflect")])[0]
        #expect(y.shape == [1, 6])
    }

    @Test func errorsNameTheDimensionAndPads() {
        do {
            _ = try pad(row([1, 2, 3, 4]), [4, 0], mode: .reflect)
            Issue.record("expected an error")
        } catch let error as RefvisError {
            #expect(error.message.contains("(4, 0)"))
            #expect(error.message.contains("dimension 1"))
            #expect(error.message.contains("(1, 4)"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
