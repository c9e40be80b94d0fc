import ReferenceCore
import ReferenceIO
/// Which local response normalization an InceptionV1 description uses.
///
/// The original graph (Lucid's "inception5h", a TensorFlow GraphDef) normalizes
/// with `tf.nn.local_response_normalization(depth_radius=5, bias=2,
/// alpha=1e-4, beta=0.5)`; Lucent's PyTorch port calls
/// `F.local_response_norm(size=9, alpha=9.99999974738e-05, beta=0.5, k=1)`,
/// which is a different function. The weights are the same; the activations
/// after `localresponsenorm0` differ.
///
/// Converting TensorFlow's parameters to PyTorch's:
///
///     TF:       b_c = a_c / (bias + alpha_tf · Σ_{c'=c−r}^{c+r} a_{c'}²)^beta
///     PyTorch:  b_c = a_c / (k + (alpha_pt / size) · Σ_{c'=c−⌊size/2⌋}^{c+⌊(size−1)/2⌋} a_{c'}²)^beta
///
/// The windows agree when `size = 2r + 1` (for odd sizes PyTorch's window is
/// symmetric, `c − size/2 … c + size/2`), and the sums' factors agree when
/// `alpha_pt / size = alpha_tf`. With r = 5: **size = 11, alpha = 11 · 1e-4,
/// beta = 0.5, k = 2**. (The graph stores alpha as the float32 nearest 1e-4,
/// 9.999999747378752e-05 — the number Lucent's code spells 9.99999974738e-05 —
/// so refvis uses 11 × that.) Lucent's variant instead sums 9 channels
/// (r = 4), weights the sum by 1e-4/9 rather than 1e-4, and adds 1 rather than
/// 2: its normalizer is much closer to 1, so its `localresponsenorm0` is about
/// √2 larger than TensorFlow's wherever the sum is small.
public enum InceptionV1LRN: Sendable, Equatable {
    /// TensorFlow's normalization, converted exactly (the default).
    case tensorflow
    /// Lucent's `F.local_response_norm(size=9, alpha=9.99999974738e-05, beta=0.5, k=1)`.
    case lucent

    /// The attributes of refvis's (PyTorch's) `local_response_norm`.
    var attributes: [String: AttributeValue] {
        switch self {
        case .tensorflow:
            let alphaTF = Double(Float(1e-4))
            return ["size": .int(11), "alpha": .double(11 * alphaTF), "beta": .double(0.5), "k": .double(2)]
        case .lucent:
            return ["size": .int(9), "alpha": .double(9.99999974738e-05), "beta": .double(0.5), "k": .double(1)]
        }
    }
}

/// InceptionV1 (GoogLeNet) as Lucid's "inception5h" graph and Lucent's
/// `InceptionV1` module: 224×224 RGB input scaled as x·255 − 117, nine
/// inception blocks, a 7×7 average pool and a 1024 → 1008 linear layer.
///
/// **Parameters** have the keys of Lucent's `state_dict()`:
/// `conv2d0_pre_relu_conv.weight` (64, 3, 7, 7), `….bias`,
/// `mixed3a_1x1_pre_relu_conv.weight`, …, `softmax2_pre_activation_matmul.weight`
/// (1008, 1024) and `.bias` — so Lucent's weights load unchanged.
///
/// **Nodes** carry Lucid's names: each convolution is the node
/// `X_pre_relu` (Lucent's module `X_pre_relu_conv` is an alias for it) and
/// `X = relu(X_pre_relu)`; the pools are `maxpool0`, `maxpool1`, `maxpool4`,
/// `maxpool10` and `mixedNx_pool`; `localresponsenorm0/1`; `avgpool0`;
/// `softmax2_pre_activation_matmul` (alias `softmax2_pre_activation`, Lucid's
/// name) holds the logits and `softmax2` the probabilities.
///
/// Each block `mixedNx` is built as in the TensorFlow graph:
/// `mixedNx_pre_relu = cat(1x1_pre_relu, 3x3_pre_relu, 5x5_pre_relu,
/// pool_reduce_pre_relu)` along channels, and `mixedNx = relu(mixedNx_pre_relu)`.
/// Lucent concatenates the branch ReLUs instead; since relu acts element by
/// element, relu(cat(…)) and cat(relu(…), …) are the same numbers, and their
/// gradients (exact, or either redirected rule, which act element by element
/// within an example) agree as well — except Lucid's redirected rule, whose
/// per-example "all gradients zero" test then looks at the whole block, as
/// TensorFlow does. The branch ReLUs (`mixed3a_1x1`, …) are nodes too.
///
/// **Padding** follows the TensorFlow graph's "SAME" padding, spelled out as
/// Lucent does: `conv2d0` pads (2, 3, 2, 3) — 2 left/top, 3 right/bottom — in
/// a `pad` node; the stride-2 max pools pad (0, 1, 0, 1) and the stride-1
/// branch pools (1, 1, 1, 1), both with −inf, in `pad` nodes; the symmetric
/// paddings of the 3×3 (1) and 5×5 (2) convolutions use conv2d's `padding`.
/// These fixed paddings are TensorFlow's size-dependent "SAME" paddings
/// whenever conv2d0 and the four stride-2 pools see even sizes, that is for
/// heights and widths that are multiples of 32 (224, 128, …). At other sizes
/// they differ from TensorFlow's (an odd size gets (1, 1) there, not (0, 1),
/// and one more output row or column) — as Lucent's do.
///
/// **Sizes**: at 224×224, conv2d0 is 112×112, maxpool0 56, maxpool1 and the
/// mixed3 blocks 28, the mixed4 blocks 14, the mixed5 blocks 7, avgpool0 1×1.
/// Every convolutional layer works from 32×32 (`minimum_size`); `avgpool0` and
/// the classifier need at least 224×224, and above 224 the reshape to
/// (−1, 1024) mixes positions into the batch, as Lucent's does.
public func inceptionV1Description(lrn: InceptionV1LRN = .tensorflow) -> ModelDescription {
    var g = GraphBuilder()

    /// A convolution named `X_pre_relu` (parameters `X_pre_relu_conv.*`,
    /// alias `X_pre_relu_conv`) followed by `X = relu(…)`; returns `X`.
    func convRelu(_ name: String, _ input: String, in inChannels: Int, out outChannels: Int,
                  kernel: Int, stride: Int = 1, padding: Int = 0) -> String {
        let preRelu = g.conv("\(name)_pre_relu", input, parameterKey: "\(name)_pre_relu_conv",
                             in: inChannels, out: outChannels, kernel: kernel, stride: stride, padding: padding)
        g.alias("\(name)_pre_relu_conv", preRelu)
        return g.relu(name, preRelu)
    }

    /// TensorFlow's 3×3 stride-2 "SAME" max pool: pad right and bottom with −inf.
    func reducingPool(_ name: String, _ input: String) -> String {
        g.maxPool(name, g.pad("\(name)_pad", input, [0, 1, 0, 1], value: -.infinity), kernel: 3, stride: 2)
    }

    let stem = g.pad("conv2d0_pre_relu_conv_pad", ModelDescription.inputNodeName, [2, 3, 2, 3])
    let conv2d0 = convRelu("conv2d0", stem, in: 3, out: 64, kernel: 7, stride: 2)
    let maxpool0 = reducingPool("maxpool0", conv2d0)
    let lrn0 = g.node("localresponsenorm0", "local_response_norm", [maxpool0], lrn.attributes)
    let conv2d1 = convRelu("conv2d1", lrn0, in: 64, out: 64, kernel: 1)
    let conv2d2 = convRelu("conv2d2", conv2d1, in: 64, out: 192, kernel: 3, padding: 1)
    let lrn1 = g.node("localresponsenorm1", "local_response_norm", [conv2d2], lrn.attributes)
    var x = reducingPool("maxpool1", lrn1)
    var channels = 192

    for block in InceptionBlock.all {
        if block.name == "mixed4a" { x = reducingPool("maxpool4", x) }
        if block.name == "mixed5a" { x = reducingPool("maxpool10", x) }
        let n = block.name
        _ = convRelu("\(n)_1x1", x, in: channels, out: block.c1x1, kernel: 1)
        let bottleneck3 = convRelu("\(n)_3x3_bottleneck", x, in: channels, out: block.c3x3Bottleneck, kernel: 1)
        _ = convRelu("\(n)_3x3", bottleneck3, in: block.c3x3Bottleneck, out: block.c3x3, kernel: 3, padding: 1)
        let bottleneck5 = convRelu("\(n)_5x5_bottleneck", x, in: channels, out: block.c5x5Bottleneck, kernel: 1)
        _ = convRelu("\(n)_5x5", bottleneck5, in: block.c5x5Bottleneck, out: block.c5x5, kernel: 5, padding: 2)
        let pool = g.maxPool("\(n)_pool", g.pad("\(n)_pool_pad", x, [1, 1, 1, 1], value: -.infinity), kernel: 3, stride: 1)
        _ = convRelu("\(n)_pool_reduce", pool, in: channels, out: block.cPoolReduce, kernel: 1)
        let branches = ["1x1", "3x3", "5x5", "pool_reduce"].map { "\(n)_\($0)_pre_relu" }
        let preRelu = g.node("\(n)_pre_relu", "cat", branches, ["dim": .int(1)])
        x = g.relu(n, preRelu)
        channels = block.outputChannels
    }

    let avgpool = g.node("avgpool0", "avg_pool2d", [x], ["kernel_size": .ints([7]), "stride": .ints([1]),
                                                         "count_include_pad": .bool(false)])
    let flat = g.node("avgpool0_reshape", "reshape", [avgpool], ["shape": .ints([-1, 1024])])
    let logits = g.linear("softmax2_pre_activation_matmul", flat, parameterKey: "softmax2_pre_activation_matmul",
                          in: 1024, out: 1008)
    g.alias("softmax2_pre_activation", logits)
    g.node("softmax2", "softmax", [logits], ["dim": .int(1)])

    let variant = lrn == .tensorflow ? "TensorFlow's LRN (size 11, alpha 11e-4, beta 0.5, k 2)"
                                     : "Lucent's LRN (size 9, alpha 1e-4, beta 0.5, k 1)"
    return ModelDescription(
        name: lrn == .tensorflow ? "inceptionv1" : "inceptionv1_lucent",
        summary: "InceptionV1 (GoogLeNet), Lucid's inception5h / Lucent's InceptionV1 graph and keys, \(variant); 1008 classes",
        input: InputDescription(channels: 3, size: [224, 224], minimumSize: 32),
        preprocessing: .scaleShift(scale: 255, shift: -117),
        parameters: g.parameters, nodes: g.nodes, aliases: g.aliases,
        logits: logits)
}

/// The widths of one inception block: the four branches' output channels and
/// the two bottlenecks (values of the inception5h graph, which differ from the
/// GoogLeNet paper in mixed4a: 204 and 508 instead of 208 and 512).
struct InceptionBlock {
    let name: String
    let c1x1: Int
    let c3x3Bottleneck: Int
    let c3x3: Int
    let c5x5Bottleneck: Int
    let c5x5: Int
    let cPoolReduce: Int

    var outputChannels: Int { c1x1 + c3x3 + c5x5 + cPoolReduce }

    static let all: [InceptionBlock] = [
        InceptionBlock(name: "mixed3a", c1x1: 64, c3x3Bottleneck: 96, c3x3: 128, c5x5Bottleneck: 16, c5x5: 32, cPoolReduce: 32),
        InceptionBlock(name: "mixed3b", c1x1: 128, c3x3Bottleneck: 128, c3x3: 192, c5x5Bottleneck: 32, c5x5: 96, cPoolReduce: 64),
        InceptionBlock(name: "mixed4a", c1x1: 192, c3x3Bottleneck: 96, c3x3: 204, c5x5Bottleneck: 16, c5x5: 48, cPoolReduce: 64),
        InceptionBlock(name: "mixed4b", c1x1: 160, c3x3Bottleneck: 112, c3x3: 224, c5x5Bottleneck: 24, c5x5: 64, cPoolReduce: 64),
        InceptionBlock(name: "mixed4c", c1x1: 128, c3x3Bottleneck: 128, c3x3: 256, c5x5Bottleneck: 24, c5x5: 64, cPoolReduce: 64),
        InceptionBlock(name: "mixed4d", c1x1: 112, c3x3Bottleneck: 144, c3x3: 288, c5x5Bottleneck: 32, c5x5: 64, cPoolReduce: 64),
        InceptionBlock(name: "mixed4e", c1x1: 256, c3x3Bottleneck: 160, c3x3: 320, c5x5Bottleneck: 32, c5x5: 128, cPoolReduce: 128),
        InceptionBlock(name: "mixed5a", c1x1: 256, c3x3Bottleneck: 160, c3x3: 320, c5x5Bottleneck: 48, c5x5: 128, cPoolReduce: 128),
        InceptionBlock(name: "mixed5b", c1x1: 384, c3x3Bottleneck: 192, c3x3: 384, c5x5Bottleneck: 48, c5x5: 128, cPoolReduce: 128),
    ]
}
