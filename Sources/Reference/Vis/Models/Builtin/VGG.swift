import ReferenceCore
import ReferenceIO
/// The two VGG depths refvis builds (torchvision's configurations "D" and "E").
public enum VGGDepth: Int, Sendable, CaseIterable {
    case vgg16 = 16
    case vgg19 = 19

    /// Convolutions per block; every block ends in a 2×2 max pool.
    var convolutionsPerBlock: [Int] {
        switch self {
        case .vgg16: return [2, 2, 3, 3, 3]
        case .vgg19: return [2, 2, 4, 4, 4]
        }
    }
}

/// VGG16 or VGG19 exactly as torchvision's `vgg16()` / `vgg19()` (without
/// batch norm) in eval mode, with torchvision's `state_dict()` keys, so its
/// ImageNet weights load unchanged.
///
/// **Nodes** are named after torchvision's modules: `features.N` for every
/// layer of the `features` Sequential, numbered as torchvision numbers them
/// (each 3×3 convolution (padding 1) and its ReLU take one index each, each
/// 2×2 stride-2 max pool one), then `avgpool` (adaptive average pooling to
/// 7×7), `flatten` (`torch.flatten(x, 1)`, a reshape to (−1, 25088)), and
/// `classifier.0` (linear 25088 → 4096), `classifier.1` (ReLU), `classifier.3`
/// (4096 → 4096), `classifier.4`, `classifier.6` (4096 → 1000, the logits).
/// The dropout layers `classifier.2` and `classifier.5` are the identity in
/// eval mode and are left out.
///
/// **Parameters**: `features.N.weight` (out, in, 3, 3) and `features.N.bias`
/// for each convolution N, `classifier.{0,3,6}.weight` and `.bias`.
///
/// **Aliases**, the names of the style-transfer literature: `convB_K` and
/// `reluB_K` for the K-th convolution of block B and its ReLU, `poolB` for
/// the pool ending block B. For VGG16: conv1_1 = features.0, relu1_1 =
/// features.1, conv1_2 = features.2, relu1_2 = features.3, pool1 = features.4,
/// …, relu4_2 = features.20, …, conv5_3 = features.28, relu5_3 = features.29,
/// pool5 = features.30. VGG19 has four convolutions in blocks 3–5
/// (relu4_2 = features.22, pool5 = features.36).
///
/// **Input**: RGB in [0, 1], normalized with ImageNet's mean (0.485, 0.456,
/// 0.406) and standard deviation (0.229, 0.224, 0.225), as torchvision's
/// weights expect. At 224×224, pool5 is 7×7 and `avgpool` is the identity;
/// other sizes of at least 32×32 work too, `avgpool` then averaging (or
/// repeating) pool5's positions to 7×7 as torchvision does.
public func vggDescription(_ depth: VGGDepth) -> ModelDescription {
    var g = GraphBuilder()
    var x = ModelDescription.inputNodeName
    var index = 0
    var channels = 3
    let widths = [64, 128, 256, 512, 512]
    for (block, count) in depth.convolutionsPerBlock.enumerated() {
        for k in 1...count {
            let conv = g.conv("features.\(index)", x, parameterKey: "features.\(index)",
                              in: channels, out: widths[block], kernel: 3, padding: 1)
            g.alias("conv\(block + 1)_\(k)", conv)
            x = g.relu("features.\(index + 1)", conv)
            g.alias("relu\(block + 1)_\(k)", x)
            channels = widths[block]
            index += 2
        }
        x = g.maxPool("features.\(index)", x, kernel: 2, stride: 2)
        g.alias("pool\(block + 1)", x)
        index += 1
    }
    x = g.node("avgpool", "adaptive_avg_pool2d", [x], ["output_size": .ints([7, 7])])
    x = g.node("flatten", "reshape", [x], ["shape": .ints([-1, 512 * 7 * 7])])
    x = g.linear("classifier.0", x, parameterKey: "classifier.0", in: 512 * 7 * 7, out: 4096)
    x = g.relu("classifier.1", x)
    x = g.linear("classifier.3", x, parameterKey: "classifier.3", in: 4096, out: 4096)
    x = g.relu("classifier.4", x)
    let logits = g.linear("classifier.6", x, parameterKey: "classifier.6", in: 4096, out: 1000)

    return ModelDescription(
        name: "vgg\(depth.rawValue)",
        summary: "VGG\(depth.rawValue) as torchvision's vgg\(depth.rawValue)() in eval mode (keys features.N / classifier.N, "
            + "aliases conv1_1 … pool5); ImageNet normalization; 1000 classes",
        input: InputDescription(channels: 3, size: [224, 224], minimumSize: 32),
        preprocessing: .normalize(mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225]),
        parameters: g.parameters, nodes: g.nodes, aliases: g.aliases,
        logits: logits)
}
