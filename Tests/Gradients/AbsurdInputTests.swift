import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceLab
import ReferenceTestSupport

/// Absurd sizes and nesting are refused with a one-line error (or, where the
/// answer does not depend on them, computed without allocating for them),
/// never a trap or an allocation the machine cannot make.
@Suite("Absurd input")
struct AbsurdInputTests {
    /// An empty batch does not let the other dimensions overflow or exceed 2^31.
    @Test func emptyDimensionDoesNotHideHugeOnes() throws {
        #expect(try Tensor.checkedElementCount([0, 3, 4], context: "t") == 0)
        #expect(throws: RefvisError.self) { try Tensor.checkedElementCount([0, 1 << 40, 1 << 40], context: "t") }
        #expect(throws: RefvisError.self) { try Tensor.checkedElementCount([1 << 62, 4, 0], context: "t") }
        let empty = Tensor.zeros([0, 1, 2, 2])
        expectError(["more than 2^31"]) { _ = try adaptiveAvgPool2d(empty, outputSize: [100_000_000_000_000, 100_000_000_000_000]) }
    }

    /// With r = k/2 ≥ max(H, W) the 0.5 ring of Lucid's kernel never touches
    /// the image and every tap inside weighs 1: each output is the plane's
    /// mean, for any larger k alike — so a huge k costs nothing extra.
    @Test func hugeLucidBlurKernelGivesThePlaneMean() throws {
        let x = Tensor(shape: [1, 1, 3, 4], scalars: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
        let huge = try lucidBlur(x, kernelSize: 1_000_000_001)
        #expect(huge.scalars.allSatisfy { abs($0 - 6.5) < 1e-14 }, "\(huge.scalars)")
        #expect(try lucidBlur(x, kernelSize: 9) == huge)
        let g = Tensor(shape: [1, 1, 3, 4], scalars: (0..<12).map { Double($0) * 0.25 })
        #expect(try lucidBlurBackward(g, inputShape: x.shape, kernelSize: 1_000_000_001)
                == lucidBlurBackward(g, inputShape: x.shape, kernelSize: 9))
    }

    @Test func emptyInputToGaussianBlurNeedsNoKernel() throws {
        let empty = Tensor.zeros([0, 1, 5, 5])
        #expect(try gaussianBlur(empty, kernelSize: [1_000_000_001]).shape == [0, 1, 5, 5])
    }

    @Test func transformWidthsAreBounded() {
        expectError(["roll_jitter", "max_jitter"]) { _ = try RollJitter(maxJitter: Int.max) }
        expectError(["reflect_jitter", "tau"]) { _ = try ReflectJitter(tau: Int.max) }
        expectError(["pad", "width"]) { _ = try PadTransform(1 << 62) }
    }

    /// 10^20 is read as an integer-looking number that fits no Int: the error
    /// names it instead of trapping while formatting it.
    @Test func hugeIntegerArgumentIsReported() {
        expectError(["objective"]) { _ = try ObjectiveParser.parse("channel(conv1, 100000000000000000000)") }
        expectError(["objective"]) { _ = try ObjectiveParser.parse("neuron(conv1, 1, x=100000000000000000000)") }
    }

    @Test func deepOrLongExpressionsAreRefused() {
        let deep = String(repeating: "(", count: 300) + "conv1:0" + String(repeating: ")", count: 300)
        expectError(["nests more than 200"]) { _ = try ObjectiveParser.parse(deep) }
        expectError(["nests more than 200"]) { _ = try ObjectiveParser.parse(String(repeating: "-", count: 300) + "conv1:0") }
        expectError(["tokens"]) { _ = try ObjectiveParser.parse(String(repeating: "(", count: 100_000) + "conv1:0") }
        let long = Array(repeating: "conv1:0", count: 2000).joined(separator: " + ")
        expectError(["tokens"]) { _ = try ObjectiveParser.parse(long) }
        // Within the limits an expression still parses.
        #expect(throws: Never.self) { _ = try ObjectiveParser.parse(Array(repeating: "conv1:0", count: 100).joined(separator: " + ")) }
    }
}
