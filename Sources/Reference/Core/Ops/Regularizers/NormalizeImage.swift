// torchvision.transforms.functional.normalize on tensors: the per-channel
// standardization applied before an ImageNet model (Lucent's
// transform.normalize with ImageNet's mean and std).

/// The validated per-channel statistics, expanded to one value per channel.
private struct ChannelStatistics {
    let channels: Int
    /// Elements of one channel plane, H·W.
    let area: Int
    let mean: [Double]
    let std: [Double]

    init(_ shape: [Int], mean: [Double], std: [Double]) throws {
        guard shape.count >= 3 else {
            throw RefvisError("normalize_image: expected a tensor image of size (..., C, H, W), got shape \(formatShape(shape))")
        }
        let channels = shape[shape.count - 3]
        self.channels = channels
        area = shape[shape.count - 2] * shape[shape.count - 1]
        func expand(_ values: [Double], _ name: String) throws -> [Double] {
            // PyTorch broadcasts a (len, 1, 1) tensor: one value or one per channel.
            guard values.count == 1 || values.count == channels else {
                throw RefvisError("normalize_image: \(name) has \(values.count) values but the image has \(channels) channels (shape \(formatShape(shape))); give 1 or \(channels)")
            }
            return values.count == 1 ? Array(repeating: values[0], count: channels) : values
        }
        self.mean = try expand(mean, "mean")
        self.std = try expand(std, "std")
        if let zero = std.firstIndex(of: 0) {
            throw RefvisError("normalize_image: std[\(zero)] is zero, leading to division by zero")
        }
    }
}

/// yᶜ = (xᶜ − meanᶜ) / stdᶜ for every channel c of a tensor image, the
/// semantics of `torchvision.transforms.functional.normalize(tensor, mean,
/// std)`: the input is (..., C, H, W) (at least 3-d; channels are dimension
/// −3), and `mean` and `std` hold one value per channel or a single value for
/// all (PyTorch's broadcasting of a (len, 1, 1) tensor). A zero std is an
/// error, as in torchvision. Affine in the input.
public func normalizeImage(_ input: Tensor, mean: [Double], std: [Double]) throws -> Tensor {
    let s = try ChannelStatistics(input.shape, mean: mean, std: std)
    var y = input.scalars
    for k in 0..<y.count {
        let c = (k / max(s.area, 1)) % max(s.channels, 1)
        y[k] = (y[k] - s.mean[c]) / s.std[c]
    }
    return Tensor(shape: input.shape, scalars: y)
}

/// The VJP of `normalizeImage`: x̄ᶜ = ȳᶜ / stdᶜ.
public func normalizeImageBackward(_ gradOutput: Tensor, inputShape: [Int], mean: [Double], std: [Double]) throws -> Tensor {
    let s = try ChannelStatistics(inputShape, mean: mean, std: std)
    try gradOutput.requireShape(inputShape, "normalize_image backward: output gradient")
    var g = gradOutput.scalars
    for k in 0..<g.count { g[k] /= s.std[(k / max(s.area, 1)) % max(s.channels, 1)] }
    return Tensor(shape: inputShape, scalars: g)
}

extension OpRegistry {
    static let normalizeImageOp = OpDefinition(
        name: "normalize_image",
        summary: "per channel (x - mean[c]) / std[c] on (..., C, H, W) (torchvision.transforms.functional.normalize)",
        inputs: [OpInput("input")],
        attributes: [
            AttributeSpec("mean", .doubles, default: nil, "one value per channel, or one for all"),
            AttributeSpec("std", .doubles, default: nil, "one non-zero value per channel, or one for all"),
        ],
        linearIn: ["input"],
        forward: { inputs, attributes in
            [try normalizeImage(inputs[0], mean: attributes.optionalDoubles("mean") ?? [], std: attributes.optionalDoubles("std") ?? [])]
        },
        vjp: { inputs, _, cotangents, attributes in
            [try normalizeImageBackward(cotangents[0], inputShape: inputs[0].shape,
                                        mean: attributes.optionalDoubles("mean") ?? [], std: attributes.optionalDoubles("std") ?? [])]
        },
        samples: { rng in
            // ImageNet's statistics, a single value, a 5-d input and negative std.
            let configurations: [(shape: [Int], mean: [Double], std: [Double])] = [
                ([1, 3, 4, 5], [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
                ([3, 2, 2], [0.5], [0.25]),
                ([2, 2, 3, 3], [-1, 2], [0.5, -3]),
                ([2, 1, 3, 2, 2], [0.1, 0.2, 0.3], [1, 2, 4]),
            ]
            return configurations.map { c in
                OpSample("shape=\(formatShape(c.shape)) mean=\(AttributeValue.doubles(c.mean)) std=\(AttributeValue.doubles(c.std))",
                         inputs: [rng.normalTensor(c.shape)],
                         attributes: ["mean": .doubles(c.mean), "std": .doubles(c.std)])
            }
        })
}
