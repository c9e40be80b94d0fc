import ReferenceCore
import ReferenceIO
import ReferenceVis
/// Timings of the resampling ops on the sizes of a 224-pixel visualisation
/// batch: grid_sample bilinear (zeros padding, align_corners false) of
/// (4, 3, 224, 224) at a (4, 224, 224, 2) grid of a random small affine
/// jitter — forward, and backward for both input and grid — plus bilinear
/// interpolate 224 → 448. No flop counts: these kernels are memory- and
/// index-bound.
extension Benchmarks {
    /// The resampling cases, ready to be appended to `cases`.
    static var resamplingCases: [Case] {
        let inputShape = [4, 3, 224, 224]
        let name = inputShape.map(String.init).joined(separator: "x")
        func inputs() throws -> (input: Tensor, grid: Tensor, gradient: Tensor) {
            var rng = RandomGenerator(seed: 21)
            let input = rng.normalTensor(inputShape)
            // Identity plus a jitter of a few percent: mostly inside, some points past the border.
            var theta = [Double]()
            for _ in 0..<inputShape[0] {
                theta += [1 + rng.uniform(-0.1, 0.1), rng.uniform(-0.1, 0.1), rng.uniform(-0.05, 0.05),
                          rng.uniform(-0.1, 0.1), 1 + rng.uniform(-0.1, 0.1), rng.uniform(-0.05, 0.05)]
            }
            let grid = try affineGrid(Tensor(shape: [inputShape[0], 2, 3], scalars: theta), size: inputShape)
            return (input, grid, rng.normalTensor(inputShape))
        }
        return [
            Case(name: "grid_sample bilinear forward \(name)", flops: nil) {
                let (input, grid, _) = try inputs()
                return { _ = try gridSample(input, grid) }
            },
            Case(name: "grid_sample bilinear backward (input+grid) \(name)", flops: nil) {
                let (input, grid, gradient) = try inputs()
                return { _ = try gridSampleBackward(gradient, input: input, grid: grid) }
            },
            Case(name: "interpolate bilinear forward \(name) -> 448x448", flops: nil) {
                let (input, _, _) = try inputs()
                return { _ = try interpolate(input, size: [448, 448], mode: .bilinear) }
            },
            Case(name: "interpolate bilinear backward \(name) -> 448x448", flops: nil) {
                let (input, _, _) = try inputs()
                var rng = RandomGenerator(seed: 22)
                let gradient = rng.normalTensor([4, 3, 448, 448])
                return { _ = try interpolateBackward(gradient, inputShape: input.shape, size: [448, 448], mode: .bilinear) }
            },
        ]
    }

}
