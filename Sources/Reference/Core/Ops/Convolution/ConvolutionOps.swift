extension OpRegistry {
    /// The ops of this family, in the order `refvis ops` lists them.
    static let convolutionOps: [OpDefinition] = [conv2dOp]

    /// `conv2d(input, weight, bias?; stride, padding, dilation, groups)`, torch.nn.functional.conv2d.
    static let conv2dOp = OpDefinition(
        name: "conv2d",
        summary: "out[n,o] = bias[o] + sum_{c,kh,kw} weight[o,c,kh,kw] * x[n, group(o)*C/g + c, oh*s - p + kh*d, ow*s - p + kw*d] (torch.nn.functional.conv2d; zero padding)",
        inputs: [OpInput("input"), OpInput("weight"), OpInput("bias", optional: true)],
        attributes: [
            AttributeSpec("stride", .ints, default: .ints([1]), "one int or (sH, sW), each >= 1"),
            AttributeSpec("padding", .ints, default: .ints([0]), "implicit zeros on both sides: one int or (pH, pW), each >= 0"),
            AttributeSpec("dilation", .ints, default: .ints([1]), "spacing between kernel taps: one int or (dH, dW), each >= 1"),
            AttributeSpec("groups", .int, default: .int(1), "input and output channels split into this many groups"),
        ],
        // Bilinear in (input, weight) and affine in bias: linear in each one alone.
        linearIn: ["input", "weight", "bias"],
        forward: { inputs, attributes in
            let a = try Conv2dAttributes(attributes)
            return [try conv2d(inputs[0], inputs[1], bias: inputs.count > 2 ? inputs[2] : nil,
                               stride: a.stride, padding: a.padding, dilation: a.dilation, groups: a.groups)]
        },
        vjp: { inputs, _, cotangents, attributes in
            let a = try Conv2dAttributes(attributes)
            let gradients = try conv2dBackward(cotangents[0], input: inputs[0], weight: inputs[1], withBias: inputs.count > 2,
                                               stride: a.stride, padding: a.padding, dilation: a.dilation, groups: a.groups)
            return [gradients.input, gradients.weight] + (gradients.bias.map { [$0] } ?? [])
        },
        samples: conv2dSamples)

    /// Configurations covering every argument: odd and even sizes, strides,
    /// symmetric and asymmetric padding, dilation, groups (including
    /// depthwise), no bias, 1×1 and non-square kernels, unbatched input.
    /// Output-channel counts that are not multiples of 4 exercise the partial
    /// channel blocks of the kernels.
    @Sendable static func conv2dSamples(_ rng: inout RandomGenerator) -> [OpSample] {
        struct Config {
            var label: String
            var input: [Int]
            var weight: [Int]
            var bias = true
            var attributes: [String: AttributeValue] = [:]
        }
        let configs: [Config] = [
            Config(label: "odd 5x5, 3x3 kernel", input: [1, 2, 5, 5], weight: [3, 2, 3, 3]),
            Config(label: "even 6x6, stride 2, padding 1", input: [2, 2, 6, 6], weight: [2, 2, 3, 3],
                   attributes: ["stride": .ints([2]), "padding": .ints([1])]),
            Config(label: "asymmetric padding (1,2), stride (1,2)", input: [1, 2, 4, 5], weight: [2, 2, 2, 3],
                   attributes: ["stride": .ints([1, 2]), "padding": .ints([1, 2])]),
            Config(label: "dilation 2", input: [1, 1, 7, 6], weight: [2, 1, 3, 2],
                   attributes: ["dilation": .ints([2])]),
            Config(label: "dilation (2,1), padding 2, stride 2", input: [1, 2, 6, 5], weight: [5, 2, 3, 3],
                   attributes: ["dilation": .ints([2, 1]), "padding": .ints([2]), "stride": .ints([2])]),
            Config(label: "groups 2, padding 1", input: [1, 4, 5, 4], weight: [6, 2, 3, 3],
                   attributes: ["groups": .int(2), "padding": .ints([1])]),
            Config(label: "depthwise, stride 2, padding 1", input: [1, 3, 5, 5], weight: [3, 1, 3, 3],
                   attributes: ["groups": .int(3), "stride": .ints([2]), "padding": .ints([1])]),
            Config(label: "depthwise multiplier 2", input: [1, 2, 4, 4], weight: [4, 1, 2, 2],
                   attributes: ["groups": .int(2)]),
            Config(label: "no bias", input: [1, 3, 4, 4], weight: [2, 3, 3, 3], bias: false),
            Config(label: "1x1 kernel, batch 2", input: [2, 3, 3, 3], weight: [5, 3, 1, 1]),
            Config(label: "non-square kernel bigger than stride (2,3)", input: [1, 2, 6, 7], weight: [3, 2, 2, 4],
                   attributes: ["stride": .ints([2, 3]), "padding": .ints([1, 0])]),
            Config(label: "stride 3 > kernel 2 (skipped pixels)", input: [1, 1, 7, 8], weight: [2, 1, 2, 2],
                   attributes: ["stride": .ints([3])]),
            Config(label: "unbatched (C,H,W) input, padding 1", input: [2, 4, 5], weight: [3, 2, 3, 3],
                   attributes: ["padding": .ints([1])]),
            Config(label: "kernel as large as padded input", input: [1, 2, 3, 3], weight: [2, 2, 5, 5], bias: false,
                   attributes: ["padding": .ints([1])]),
        ]
        return configs.map { config in
            var inputs = [rng.normalTensor(config.input), rng.normalTensor(config.weight)]
            if config.bias { inputs.append(rng.normalTensor([config.weight[0]])) }
            return OpSample(config.label, inputs: inputs, attributes: config.attributes)
        }
    }
}

/// The resolved spatial attributes of a conv2d call.
struct Conv2dAttributes {
    let stride: [Int]
    let padding: [Int]
    let dilation: [Int]
    let groups: Int

    init(_ attributes: Attributes) throws {
        stride = try attributes.ints("stride")
        padding = try attributes.ints("padding")
        dilation = try attributes.ints("dilation")
        groups = try attributes.int("groups")
    }
}
