import ReferenceCore
import ReferenceIO
/// The bundled model: a small fully convolutional classifier of the
/// procedural patterns (`ProceduralPatterns`), trained by `refvis train` and
/// committed as `Fixtures/models/bundled.safetensors`, so that refvis can
/// visualize features on a fresh machine with nothing downloaded.
///
///     input (N, 3, H, W) in [0, 1], normalized (x − 0.5)/0.25 per channel
///     conv1  3×3,  3 → 16, padding 1, ReLU        receptive field  3 px
///     pool1  max 2×2, stride 2                                    4 px
///     conv2  3×3, 16 → 32, padding 1, ReLU                        8 px
///     pool2  max 2×2, stride 2                                   10 px
///     conv3  3×3, 32 → 64, padding 1, ReLU                       18 px
///     conv4  3×3, 64 → 64, padding 1, ReLU                       26 px
///     class_map  1×1, 64 → 9 (a class score per position)
///     logits     mean of class_map over H and W
///
/// Global average pooling makes it accept any input of at least 4×4 pixels
/// (the two pools need it). Trained at 32×32; since every pattern's scale is
/// in pixels, it classifies larger images of the same patterns as well, and
/// feature visualizations at 128 px or more show a unit's pattern repeated.
/// conv1 learns colour edges and blobs, conv2 and conv3 oriented gratings,
/// corners and curves, conv4 the pattern classes' textures.
///
/// The description is built here, in Swift, and is the one source of truth:
/// `Fixtures/models/bundled.json` is this value encoded, and loading checks
/// that the two are equal.
public enum BundledModel {
    /// The classes in label order: the procedural pattern dataset's
    /// (`ProceduralPatterns.classNames`, which a test keeps equal to this list).
    public static let classNames = ["horizontal_stripes", "vertical_stripes", "diagonal_stripes", "antidiagonal_stripes",
                                    "checkerboard", "rings", "dots", "blobs", "waves"]

    public static let name = "bundled"
    /// The image size the model is trained at.
    public static let trainingSize = 32
    /// Output channels of the 3×3 convolutions, in order.
    public static let widths = [16, 32, 64, 64]
    /// The per-channel normalization applied to images in [0, 1].
    public static let preprocessing = Preprocessing.normalize(mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25])

    /// The node that holds the class scores.
    public static let logitsNode = "logits"

    /// The model's description (graph, parameter shapes, classes).
    public static var description: ModelDescription {
        var parameters = [ParameterDescription]()
        var nodes = [NodeDescription]()
        var previous = ModelDescription.inputNodeName
        var channels = 3
        let padded: [String: AttributeValue] = ["padding": .ints([1])]
        for (position, width) in widths.enumerated() {
            let layer = "conv\(position + 1)"
            parameters.append(ParameterDescription("\(layer).weight", [width, channels, 3, 3]))
            parameters.append(ParameterDescription("\(layer).bias", [width]))
            nodes.append(NodeDescription("\(layer)_pre_relu", op: "conv2d", inputs: [previous],
                                         parameters: ["weight": "\(layer).weight", "bias": "\(layer).bias"],
                                         attributes: padded))
            nodes.append(NodeDescription(layer, op: "relu", inputs: ["\(layer)_pre_relu"]))
            previous = layer
            channels = width
            // Halve the resolution after the first two blocks.
            if position < 2 {
                let pool = "pool\(position + 1)"
                nodes.append(NodeDescription(pool, op: "max_pool2d", inputs: [previous],
                                             attributes: ["kernel_size": .ints([2]), "stride": .ints([2])]))
                previous = pool
            }
        }
        let classCount = classNames.count
        parameters.append(ParameterDescription("classifier.weight", [classCount, channels, 1, 1]))
        parameters.append(ParameterDescription("classifier.bias", [classCount]))
        nodes.append(NodeDescription("class_map", op: "conv2d", inputs: [previous],
                                     parameters: ["weight": "classifier.weight", "bias": "classifier.bias"]))
        nodes.append(NodeDescription(logitsNode, op: "mean", inputs: ["class_map"], attributes: ["dim": .ints([2, 3])]))
        return ModelDescription(
            name: name,
            summary: "A small fully convolutional classifier of refvis's procedural patterns (stripes, checkerboards, rings, dots, blobs, waves), trained by 'refvis train'",
            input: InputDescription(channels: 3, size: [trainingSize, trainingSize], minimumSize: 4),
            preprocessing: preprocessing,
            parameters: parameters,
            nodes: nodes,
            logits: logitsNode,
            classes: classNames)
    }
}
