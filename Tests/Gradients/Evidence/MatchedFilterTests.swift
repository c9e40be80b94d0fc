import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceLab
import ReferenceTestSupport

/// Evidence that the render loop finds what it should: for a single linear
/// convolution unit the maximizer of its centre neuron under a squared L2
/// penalty is the filter itself (MatchedFilterExperiment derives it).
@Suite("Evidence: matched filter")
struct MatchedFilterTests {
    /// 16×16 image, 3×5×5 filter, Adam lr 0.05, 96 steps (r passes 0.99 after
    /// about 16 steps and is 0.9999 by 64 in a release run).
    static var experiment: MatchedFilterExperiment {
        var experiment = MatchedFilterExperiment()
        experiment.steps = 96
        return experiment
    }

    @Test func renderedPatchIsTheFilter() throws {
        let experiment = Self.experiment
        let outcome = try experiment.run()
        #expect(outcome.correlation >= 0.99, "Pearson r \(outcome.correlation)")
        // The closed-form maximizer, element by element: x − ½ = amplitude·w / max|w|.
        let filter = experiment.filter()
        let largest = filter.scalars.map(abs).max()!
        let worst = zip(outcome.patch.scalars, filter.scalars).map { abs($0 - experiment.amplitude * $1 / largest) }.max()!
        #expect(worst <= 0.01, "largest difference from the maximizer \(worst)")
        // Outside the receptive field the objective only penalizes: the image stays grey.
        #expect(outcome.outsideShare <= 0.05, "outside/inside \(outcome.outsideShare)")
    }

    /// The measure can fail: the same render against the filter flipped in
    /// both spatial axes (what a convolution, rather than PyTorch's
    /// cross-correlation, would have produced) correlates poorly.
    @Test func flippedFilterDoesNotMatch() throws {
        let experiment = Self.experiment
        let outcome = try experiment.run()
        let k = experiment.kernelSize
        let filter = experiment.filter()
        var flipped = filter
        for c in 0..<3 {
            for i in 0..<k {
                for j in 0..<k { flipped.scalars[(c * k + i) * k + j] = filter.scalars[(c * k + k - 1 - i) * k + k - 1 - j] }
            }
        }
        let r = try pearsonCorrelation(outcome.patch, flipped)
        #expect(abs(r) < 0.5, "r with the flipped filter \(r)")
    }
}
