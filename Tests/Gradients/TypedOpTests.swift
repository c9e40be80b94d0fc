import Testing
import ReferenceCore
import ReferenceTestSupport

/// One typed `Tape` wrapper and the string call it stands for: the same op,
/// inputs and attributes must give the same bits forward and backward.
private struct TypedCall {
    let op: String
    let inputs: [Tensor]
    /// The attributes of the string call; non-default values where the op has
    /// any, so that a wrapper dropping or misspelling one shows.
    let attributes: [String: AttributeValue]
    let typed: (Tape, [Variable]) throws -> Variable
}

/// Inputs the cases draw from: fixed seeds, so a failure reproduces.
private struct Inputs {
    var rng = RandomGenerator(seed: 20_240_611)
    /// `std` below 1 makes an epsilon attribute matter, so a wrong one shows.
    mutating func normal(_ shape: [Int], std: Double = 1) -> Tensor { rng.normalTensor(shape, std: std) }
    mutating func positive(_ shape: [Int]) -> Tensor { rng.uniformTensor(shape, 0.2, 3) }
    /// ±[0.5, 2]: divisors away from 0.
    mutating func awayFromZero(_ shape: [Int]) -> Tensor {
        var values = [Double]()
        for _ in 0..<Tensor.elementCount(shape) {
            let magnitude = rng.uniform(0.5, 2)
            values.append(rng.uniform() < 0.5 ? -magnitude : magnitude)
        }
        return Tensor(shape: shape, scalars: values)
    }
}

private func typedCalls() throws -> [TypedCall] {
    var x = Inputs()
    var calls: [TypedCall] = []
    func add(_ op: String, _ inputs: [Tensor], _ attributes: [String: AttributeValue] = [:],
             _ typed: @escaping (Tape, [Variable]) throws -> Variable) {
        calls.append(TypedCall(op: op, inputs: inputs, attributes: attributes, typed: typed))
    }
    // Pointwise.
    add("neg", [x.normal([2, 3])]) { try $0.neg($1[0]) }
    add("square", [x.normal([2, 3])]) { try $0.square($1[0]) }
    add("sqrt", [x.positive([2, 3])]) { try $0.sqrt($1[0]) }
    add("exp", [x.normal([2, 3])]) { try $0.exp($1[0]) }
    add("log", [x.positive([2, 3])]) { try $0.log($1[0]) }
    add("abs", [x.normal([2, 3])]) { try $0.abs($1[0]) }
    add("relu", [x.normal([2, 3])]) { try $0.relu($1[0]) }
    add("sigmoid", [x.normal([2, 3])]) { try $0.sigmoid($1[0]) }
    add("tanh", [x.normal([2, 3])]) { try $0.tanh($1[0]) }
    add("add", [x.normal([2, 3]), x.normal([3])], ["alpha": .double(2.5)]) { try $0.add($1[0], $1[1], alpha: 2.5) }
    add("add", [x.normal([2, 3]), x.normal([3])]) { try $0.add($1[0], $1[1]) }
    add("sub", [x.normal([2, 3]), x.normal([3])], ["alpha": .double(-0.75)]) { try $0.sub($1[0], $1[1], alpha: -0.75) }
    add("sub", [x.normal([2, 3]), x.normal([3])]) { try $0.sub($1[0], $1[1]) }
    add("mul", [x.normal([2, 3]), x.normal([2, 1])]) { try $0.mul($1[0], $1[1]) }
    add("div", [x.normal([2, 3]), x.awayFromZero([3])]) { try $0.div($1[0], $1[1]) }
    add("clamp", [x.normal([2, 3])], ["min": .double(-0.5), "max": .double(0.7)]) { try $0.clamp($1[0], min: -0.5, max: 0.7) }
    add("clamp", [x.normal([2, 3])], ["max": .double(0.2)]) { try $0.clamp($1[0], max: 0.2) }
    // Reduction.
    add("sum", [x.normal([2, 3, 4])], ["dim": .ints([1]), "keepdim": .bool(true)]) { try $0.sum($1[0], dim: [1], keepdim: true) }
    add("sum", [x.normal([2, 3, 4])]) { try $0.sum($1[0]) }
    add("mean", [x.normal([2, 3, 4])], ["dim": .ints([0, 2]), "keepdim": .bool(true)]) { try $0.mean($1[0], dim: [0, 2], keepdim: true) }
    add("mean", [x.normal([2, 3, 4])]) { try $0.mean($1[0]) }
    add("softmax", [x.normal([2, 3, 4])], ["dim": .int(-1)]) { try $0.softmax($1[0], dim: -1) }
    add("log_softmax", [x.normal([2, 3, 4])], ["dim": .int(1)]) { try $0.logSoftmax($1[0], dim: 1) }
    add("cosine_similarity", [x.normal([2, 3, 4], std: 1e-4), x.normal([2, 3, 4])], ["dim": .int(2), "eps": .double(1e-3)]) {
        try $0.cosineSimilarity($1[0], $1[1], dim: 2, eps: 1e-3)
    }
    add("cosine_similarity", [x.normal([2, 3, 4], std: 1e-9), x.normal([2, 3, 4])]) { try $0.cosineSimilarity($1[0], $1[1]) }
    // Linear algebra and convolution.
    add("matmul", [x.normal([2, 3]), x.normal([3, 4])]) { try $0.matmul($1[0], $1[1]) }
    add("linear", [x.normal([2, 3]), x.normal([4, 3]), x.normal([4])]) { try $0.linear($1[0], $1[1], bias: $1[2]) }
    add("linear", [x.normal([2, 3]), x.normal([4, 3])]) { try $0.linear($1[0], $1[1]) }
    add("conv2d", [x.normal([1, 2, 6, 6]), x.normal([4, 1, 3, 3]), x.normal([4])],
        ["stride": .ints([2, 1]), "padding": .ints([1]), "dilation": .ints([1, 2]), "groups": .int(2)]) {
        try $0.conv2d($1[0], $1[1], bias: $1[2], stride: [2, 1], padding: [1], dilation: [1, 2], groups: 2)
    }
    add("conv2d", [x.normal([1, 2, 5, 5]), x.normal([3, 2, 3, 3])]) { try $0.conv2d($1[0], $1[1]) }
    // Pooling and normalization.
    add("max_pool2d", [x.normal([1, 2, 7, 7])],
        ["kernel_size": .ints([3]), "stride": .ints([2]), "padding": .ints([1]), "dilation": .ints([1, 2]), "ceil_mode": .bool(true)]) {
        try $0.maxPool2d($1[0], kernelSize: [3], stride: [2], padding: [1], dilation: [1, 2], ceilMode: true)
    }
    add("max_pool2d", [x.normal([1, 2, 6, 6])], ["kernel_size": .ints([2])]) { try $0.maxPool2d($1[0], kernelSize: [2]) }
    add("avg_pool2d", [x.normal([1, 2, 6, 6])],
        ["kernel_size": .ints([3]), "stride": .ints([2]), "padding": .ints([1]), "ceil_mode": .bool(true),
         "count_include_pad": .bool(false)]) {
        try $0.avgPool2d($1[0], kernelSize: [3], stride: [2], padding: [1], ceilMode: true, countIncludePad: false)
    }
    add("avg_pool2d", [x.normal([1, 2, 6, 6])], ["kernel_size": .ints([2, 3]), "divisor_override": .int(5)]) {
        try $0.avgPool2d($1[0], kernelSize: [2, 3], divisorOverride: 5)
    }
    add("avg_pool2d", [x.normal([1, 2, 6, 6])], ["kernel_size": .ints([2])]) { try $0.avgPool2d($1[0], kernelSize: [2]) }
    add("adaptive_avg_pool2d", [x.normal([1, 2, 5, 7])], ["output_size": .ints([3, 2])]) {
        try $0.adaptiveAvgPool2d($1[0], outputSize: [3, 2])
    }
    add("local_response_norm", [x.normal([1, 5, 3, 3])],
        ["size": .int(3), "alpha": .double(2), "beta": .double(0.5), "k": .double(2)]) {
        try $0.localResponseNorm($1[0], size: 3, alpha: 2, beta: 0.5, k: 2)
    }
    add("local_response_norm", [x.normal([1, 5, 3, 3])], ["size": .int(2)]) { try $0.localResponseNorm($1[0], size: 2) }
    // Shape.
    add("pad", [x.normal([1, 2, 3, 4])], ["pad": .ints([1, 2, 2, 1]), "mode": .string("reflect")]) {
        try $0.pad($1[0], [1, 2, 2, 1], mode: .reflect)
    }
    add("pad", [x.normal([2, 3, 4])], ["pad": .ints([1, -1, 0, 2]), "value": .double(0.5)]) { try $0.pad($1[0], [1, -1, 0, 2], value: 0.5) }
    add("pad", [x.normal([2, 3, 4])], ["pad": .ints([2, 1]), "mode": .string("circular")]) { try $0.pad($1[0], [2, 1], mode: .circular) }
    add("cat", [x.normal([2, 3]), x.normal([2, 1]), x.normal([2, 2])], ["dim": .int(-1)]) { try $0.cat($1, dim: -1) }
    add("cat", [x.normal([1, 3]), x.normal([2, 3])]) { try $0.cat($1) }
    add("narrow", [x.normal([3, 4, 5])], ["dim": .int(1), "start": .int(1), "length": .int(2)]) {
        try $0.narrow($1[0], dim: 1, start: 1, length: 2)
    }
    add("permute", [x.normal([2, 3, 4])], ["dims": .ints([2, 0, 1])]) { try $0.permute($1[0], [2, 0, 1]) }
    add("reshape", [x.normal([2, 3, 4])], ["shape": .ints([4, -1])]) { try $0.reshape($1[0], [4, -1]) }
    add("roll", [x.normal([3, 4])], ["shifts": .ints([1, -2]), "dims": .ints([0, 1])]) { try $0.roll($1[0], shifts: [1, -2], dims: [0, 1]) }
    add("roll", [x.normal([3, 4])], ["shifts": .ints([5])]) { try $0.roll($1[0], shifts: [5]) }
    // Resampling.
    add("affine_grid", [x.normal([2, 2, 3])], ["size": .ints([2, 1, 4, 5]), "align_corners": .bool(true)]) {
        try $0.affineGrid($1[0], size: [2, 1, 4, 5], alignCorners: true)
    }
    add("affine_grid", [x.normal([2, 2, 3])], ["size": .ints([2, 1, 4, 5])]) { try $0.affineGrid($1[0], size: [2, 1, 4, 5]) }
    let image = x.normal([1, 2, 4, 5])
    let grid = x.rng.uniformTensor([1, 3, 3, 2], -1.3, 1.3)
    add("grid_sample", [image, grid], ["mode": .string("nearest"), "padding_mode": .string("border"), "align_corners": .bool(true)]) {
        try $0.gridSample($1[0], $1[1], mode: .nearest, paddingMode: .border, alignCorners: true)
    }
    add("grid_sample", [image, grid], ["padding_mode": .string("reflection"), "align_corners": .bool(false)]) {
        try $0.gridSample($1[0], $1[1], paddingMode: .reflection, alignCorners: false)
    }
    add("grid_sample", [image, grid]) { try $0.gridSample($1[0], $1[1]) }
    add("interpolate", [x.normal([1, 2, 3, 4])], ["size": .ints([5, 6]), "mode": .string("bilinear"), "align_corners": .bool(true)]) {
        try $0.interpolate($1[0], size: [5, 6], mode: .bilinear, alignCorners: true)
    }
    add("interpolate", [x.normal([1, 2, 4, 6])], ["scale_factor": .doubles([1.5, 0.7]), "recompute_scale_factor": .bool(true)]) {
        try $0.interpolate($1[0], scaleFactor: [1.5, 0.7], recomputeScaleFactor: true)
    }
    add("interpolate", [x.normal([1, 2, 3, 4])], ["scale_factor": .doubles([2])]) { try $0.interpolate($1[0], scaleFactor: [2]) }
    // Fourier.
    add("fft2", [x.normal([3, 4, 2])], ["s": .ints([4, 5]), "norm": .string("ortho")]) { try $0.fft2($1[0], s: [4, 5], norm: .ortho) }
    add("fft2", [x.normal([3, 4, 2])]) { try $0.fft2($1[0]) }
    add("ifft2", [x.normal([3, 4, 2])], ["s": .ints([2, 3]), "norm": .string("forward")]) { try $0.ifft2($1[0], s: [2, 3], norm: .forward) }
    add("ifft2", [x.normal([3, 4, 2])]) { try $0.ifft2($1[0]) }
    add("rfft2", [x.normal([3, 4])], ["s": .ints([3, 6]), "norm": .string("forward")]) { try $0.rfft2($1[0], s: [3, 6], norm: .forward) }
    add("rfft2", [x.normal([3, 4])]) { try $0.rfft2($1[0]) }
    add("irfft2", [x.normal([3, 3, 2])], ["s": .ints([3, 4]), "norm": .string("ortho")]) { try $0.irfft2($1[0], s: [3, 4], norm: .ortho) }
    add("irfft2", [x.normal([3, 3, 2])]) { try $0.irfft2($1[0]) }
    // Image.
    add("fourier_image", [x.normal([1, 2, 4, 4, 2])],
        ["height": .int(4), "width": .int(5), "decay_power": .double(1.5), "convention": .string("lucid")]) {
        try $0.fourierImage($1[0], height: 4, width: 5, decayPower: 1.5, convention: .lucid)
    }
    add("fourier_image", [x.normal([1, 1, 4, 3, 2])], ["height": .int(4), "width": .int(4)]) {
        try $0.fourierImage($1[0], height: 4, width: 4)
    }
    add("color_decorrelate", [x.normal([2, 3, 2, 2]), x.normal([3, 3])]) { try $0.colorDecorrelate($1[0], $1[1]) }
    add("resize_bilinear_nd", [x.normal([1, 2, 3, 4])], ["shape": .ints([1, 2, 5, 3])]) { try $0.resizeBilinearND($1[0], shape: [1, 2, 5, 3]) }
    add("symmetric_shift", [x.normal([1, 2, 4, 5])], ["offset": .ints([0, 0, 1, 2])]) { try $0.symmetricShift($1[0], offset: [0, 0, 1, 2]) }
    // Regularizers.
    add("total_variation", [x.normal([2, 2, 3, 4])], ["kind": .string("squared"), "reduction": .string("mean")]) {
        try $0.totalVariation($1[0], kind: .squared, reduction: .mean)
    }
    add("total_variation", [x.normal([2, 2, 3, 4])]) { try $0.totalVariation($1[0]) }
    add("l1_penalty", [x.normal([2, 3])], ["constant": .double(0.3)]) { try $0.l1Penalty($1[0], constant: 0.3) }
    add("l1_penalty", [x.normal([2, 3])]) { try $0.l1Penalty($1[0]) }
    add("l2_penalty", [x.normal([2, 3])], ["constant": .double(0.3), "epsilon": .double(1e-3)]) { try $0.l2Penalty($1[0], constant: 0.3, epsilon: 1e-3) }
    add("l2_penalty", [x.normal([2, 3])]) { try $0.l2Penalty($1[0]) }
    add("gaussian_blur", [x.normal([1, 2, 6, 7])], ["kernel_size": .ints([3, 5]), "sigma": .doubles([0.8, 1.3])]) {
        try $0.gaussianBlur($1[0], kernelSize: [3, 5], sigma: [0.8, 1.3])
    }
    add("gaussian_blur", [x.normal([1, 2, 6, 7])], ["kernel_size": .ints([3])]) { try $0.gaussianBlur($1[0], kernelSize: [3]) }
    add("lucid_blur", [x.normal([1, 2, 5, 5])], ["kernel_size": .int(5)]) { try $0.lucidBlur($1[0], kernelSize: 5) }
    add("lucid_blur", [x.normal([1, 2, 5, 5])]) { try $0.lucidBlur($1[0]) }
    add("gram_matrix", [x.normal([2, 3, 4, 5])], ["normalize": .string("hw")]) { try $0.gramMatrix($1[0], normalize: .hw) }
    add("gram_matrix", [x.normal([2, 3, 4, 5])]) { try $0.gramMatrix($1[0]) }
    add("normalize_image", [x.normal([2, 3, 2, 2])], ["mean": .doubles([0.1, 0.2, 0.3]), "std": .doubles([0.5, 2, 1])]) {
        try $0.normalizeImage($1[0], mean: [0.1, 0.2, 0.3], std: [0.5, 2, 1])
    }
    add("l2_normalize", [x.normal([2, 3, 2, 2], std: 1e-3)], ["epsilon": .double(1e-3)]) { try $0.l2Normalize($1[0], epsilon: 1e-3) }
    add("l2_normalize", [x.normal([2, 3, 2, 2], std: 1e-7)]) { try $0.l2Normalize($1[0]) }
    add("std_normalize", [x.normal([2, 3, 2, 2], std: 1e-3)], ["correction": .int(0), "epsilon": .double(1e-3)]) {
        try $0.stdNormalize($1[0], correction: 0, epsilon: 1e-3)
    }
    add("std_normalize", [x.normal([2, 3, 2, 2], std: 1e-9)]) { try $0.stdNormalize($1[0]) }
    add("mean_abs_normalize", [x.normal([2, 3, 2, 2], std: 1e-3)], ["epsilon": .double(1e-3)]) { try $0.meanAbsNormalize($1[0], epsilon: 1e-3) }
    add("mean_abs_normalize", [x.normal([2, 3, 2, 2], std: 1e-8)]) { try $0.meanAbsNormalize($1[0]) }
    // Pyramids.
    add("laplacian_pyramid_build", [x.normal([1, 2, 8, 8])], ["levels": .int(2)]) { try $0.laplacianPyramidBuild($1[0], levels: 2) }
    let packed = try laplacianPyramidBuild(x.normal([1, 2, 8, 7]), levels: 2)
    add("laplacian_pyramid_merge", [packed], ["levels": .int(2), "output_size": .ints([8, 7])]) {
        try $0.laplacianPyramidMerge($1[0], levels: 2, outputSize: [8, 7])
    }
    add("laplacian_pyramid_normalize", [x.normal([1, 2, 8, 8], std: 1e-4)], ["levels": .int(2), "epsilon": .double(1e-3)]) {
        try $0.laplacianPyramidNormalize($1[0], levels: 2, epsilon: 1e-3)
    }
    add("laplacian_pyramid_normalize", [x.normal([1, 1, 16, 16], std: 1e-10)]) { try $0.laplacianPyramidNormalize($1[0]) }
    return calls
}

@Suite("Typed tape wrappers")
struct TypedOpTests {
    /// A new op without a typed wrapper (and a case here) fails this test.
    @Test func everyRegisteredOpHasATypedWrapper() throws {
        let covered = Set(try typedCalls().map(\.op))
        #expect(Set(OpRegistry.names).subtracting(covered).sorted() == [])
        #expect(covered.subtracting(OpRegistry.names).sorted() == [])
    }

    /// Each wrapper is the string call it replaces: same output bits and same
    /// gradients, with non-default attributes and with every default (which
    /// checks the wrapper's defaults against the op's declared ones).
    @Test func typedCallIsTheStringCall() throws {
        for call in try typedCalls() {
            let typedTape = Tape(), stringTape = Tape()
            let typedInputs = call.inputs.map(typedTape.variable), stringInputs = call.inputs.map(stringTape.variable)
            let typed = try call.typed(typedTape, typedInputs)
            let string = try stringTape.apply1(call.op, stringInputs, call.attributes)
            let (a, b) = (typedTape.value(typed), stringTape.value(string))
            let sameOutput = a.shape == b.shape && sameBits(a.scalars, b.scalars)
            #expect(sameOutput, "\(call.op) \(call.attributes): outputs differ")
            let seed = Tensor(shape: a.shape, scalars: (0..<a.count).map { Double($0 % 7) - 3 })
            let typedGradients = try typedTape.gradients(seeds: [typed: seed], withRespectTo: typedInputs)
            let stringGradients = try stringTape.gradients(seeds: [string: seed], withRespectTo: stringInputs)
            for (g, h) in zip(typedGradients, stringGradients) {
                let sameGradient = sameBits(g.scalars, h.scalars)
                #expect(sameGradient, "\(call.op) \(call.attributes): gradients differ")
            }
        }
    }
}
