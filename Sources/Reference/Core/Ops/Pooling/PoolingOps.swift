extension OpRegistry {
    /// The ops of this family, in the order `refvis ops` lists them.
    static let poolingOps: [OpDefinition] = [maxPool2dOp, avgPool2dOp, adaptiveAvgPool2dOp]

    /// `max_pool2d(input; kernel_size, stride, padding, dilation, ceil_mode)`, torch.nn.functional.max_pool2d.
    static let maxPool2dOp = OpDefinition(
        name: "max_pool2d",
        summary: "out[n,c,oh,ow] = max over the window of x (implicit -inf padding); gradient to the first maximum in window order (torch.nn.functional.max_pool2d)",
        inputs: [OpInput("input")],
        attributes: [
            AttributeSpec("kernel_size", .ints, default: nil, "window size: one int or (kH, kW)"),
            AttributeSpec("stride", .optional(.ints), default: .null, "window step; none means kernel_size"),
            AttributeSpec("padding", .ints, default: .ints([0]), "implicit -inf on both sides, at most half the kernel size"),
            AttributeSpec("dilation", .ints, default: .ints([1]), "spacing between window taps"),
            AttributeSpec("ceil_mode", .bool, default: .bool(false), "ceil instead of floor in the output size"),
        ],
        forward: { inputs, attributes in
            let a = try PoolAttributes(attributes, dilation: true)
            return [try maxPool2d(inputs[0], kernelSize: a.kernelSize, stride: a.stride, padding: a.padding,
                                  dilation: a.dilation, ceilMode: a.ceilMode)]
        },
        vjp: { inputs, _, cotangents, attributes in
            let a = try PoolAttributes(attributes, dilation: true)
            return [try maxPool2dBackward(cotangents[0], input: inputs[0], kernelSize: a.kernelSize, stride: a.stride,
                                          padding: a.padding, dilation: a.dilation, ceilMode: a.ceilMode)]
        },
        samples: maxPool2dSamples)

    /// `avg_pool2d(input; kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)`,
    /// torch.nn.functional.avg_pool2d.
    static let avgPool2dOp = OpDefinition(
        name: "avg_pool2d",
        summary: "out[n,c,oh,ow] = (sum of x over the window) / divisor, PyTorch's divisor rules (torch.nn.functional.avg_pool2d)",
        inputs: [OpInput("input")],
        attributes: [
            AttributeSpec("kernel_size", .ints, default: nil, "window size: one int or (kH, kW)"),
            AttributeSpec("stride", .optional(.ints), default: .null, "window step; none means kernel_size"),
            AttributeSpec("padding", .ints, default: .ints([0]), "implicit zeros on both sides, at most half the kernel"),
            AttributeSpec("ceil_mode", .bool, default: .bool(false), "ceil instead of floor in the output size"),
            AttributeSpec("count_include_pad", .bool, default: .bool(true), "count padding in the divisor"),
            AttributeSpec("divisor_override", .optional(.int), default: .null, "divide by this instead (not 0)"),
        ],
        linearIn: ["input"],
        forward: { inputs, attributes in
            let a = try PoolAttributes(attributes, dilation: false)
            return [try avgPool2d(inputs[0], kernelSize: a.kernelSize, stride: a.stride, padding: a.padding,
                                  ceilMode: a.ceilMode, countIncludePad: attributes.bool("count_include_pad"),
                                  divisorOverride: attributes.optionalInt("divisor_override"))]
        },
        vjp: { inputs, _, cotangents, attributes in
            let a = try PoolAttributes(attributes, dilation: false)
            return [try avgPool2dBackward(cotangents[0], inputShape: inputs[0].shape, kernelSize: a.kernelSize,
                                          stride: a.stride, padding: a.padding, ceilMode: a.ceilMode,
                                          countIncludePad: attributes.bool("count_include_pad"),
                                          divisorOverride: attributes.optionalInt("divisor_override"))]
        },
        samples: avgPool2dSamples)

    /// Max-pool configurations. Inputs are a random permutation of a grid
    /// spaced 0.1 apart plus noise below 0.01, so no window has a tie or a
    /// near-tie: the argmax cannot flip under the checker's 1e-6 steps.
    @Sendable static func maxPool2dSamples(_ rng: inout RandomGenerator) -> [OpSample] {
        let configs: [(String, [Int], [String: AttributeValue])] = [
            ("even 4x4, kernel 2 (stride = kernel)", [1, 2, 4, 4], ["kernel_size": .ints([2])]),
            ("odd 5x5, kernel 3, stride 2, padding 1", [1, 1, 5, 5], ["kernel_size": .ints([3]), "stride": .ints([2]), "padding": .ints([1])]),
            ("ceil_mode, batch 2, 5x6, kernel 3, stride 2", [2, 1, 5, 6],
             ["kernel_size": .ints([3]), "stride": .ints([2]), "ceil_mode": .bool(true)]),
            ("ceil_mode, 7x7, kernel 2 (last window overhangs)", [1, 1, 7, 7], ["kernel_size": .ints([2]), "ceil_mode": .bool(true)]),
            ("ceil_mode with padding 1, 6x6, kernel 3, stride 2", [1, 1, 6, 6],
             ["kernel_size": .ints([3]), "stride": .ints([2]), "padding": .ints([1]), "ceil_mode": .bool(true)]),
            ("dilation 2, 7x7, kernel 3, stride 1", [1, 1, 7, 7], ["kernel_size": .ints([3]), "stride": .ints([1]), "dilation": .ints([2])]),
            ("dilation 2, padding 1, 6x5, kernel 3", [1, 1, 6, 5],
             ["kernel_size": .ints([3]), "stride": .ints([2]), "dilation": .ints([2]), "padding": .ints([1])]),
            ("non-square kernel (2,3), stride (1,2), padding 1", [1, 2, 4, 5],
             ["kernel_size": .ints([2, 3]), "stride": .ints([1, 2]), "padding": .ints([1])]),
            ("unbatched (C,H,W), kernel 3, stride 1, padding 1", [2, 4, 5],
             ["kernel_size": .ints([3]), "stride": .ints([1]), "padding": .ints([1])]),
        ]
        return configs.map { label, shape, attributes in
            OpSample(label, inputs: [distinctValues(shape, &rng)], attributes: attributes)
        }
    }

    /// Average-pool configurations: every divisor rule (padding counted or
    /// not, ceil-mode overhang, override), odd and even sizes, non-square windows.
    @Sendable static func avgPool2dSamples(_ rng: inout RandomGenerator) -> [OpSample] {
        let configs: [(String, [Int], [String: AttributeValue])] = [
            ("even 4x4, kernel 2", [1, 2, 4, 4], ["kernel_size": .ints([2])]),
            ("odd 5x5, kernel 3, stride 2, padding 1, count_include_pad", [1, 1, 5, 5],
             ["kernel_size": .ints([3]), "stride": .ints([2]), "padding": .ints([1])]),
            ("odd 5x5, kernel 3, stride 2, padding 1, no count_include_pad", [1, 1, 5, 5],
             ["kernel_size": .ints([3]), "stride": .ints([2]), "padding": .ints([1]), "count_include_pad": .bool(false)]),
            ("ceil_mode, padding 1, 6x6, kernel 3, stride 2, count_include_pad", [2, 1, 6, 6],
             ["kernel_size": .ints([3]), "stride": .ints([2]), "padding": .ints([1]), "ceil_mode": .bool(true)]),
            ("ceil_mode, padding 1, 6x6, kernel 3, stride 2, no count_include_pad", [1, 2, 6, 6],
             ["kernel_size": .ints([3]), "stride": .ints([2]), "padding": .ints([1]), "ceil_mode": .bool(true),
              "count_include_pad": .bool(false)]),
            ("ceil_mode, 7x5, kernel 2 (overhang without padding)", [1, 1, 7, 5], ["kernel_size": .ints([2]), "ceil_mode": .bool(true)]),
            ("divisor_override 3, kernel 2, stride 1", [1, 1, 4, 5],
             ["kernel_size": .ints([2]), "stride": .ints([1]), "divisor_override": .int(3)]),
            ("non-square kernel (3,2), stride (2,1), padding (1,0)", [1, 2, 5, 4],
             ["kernel_size": .ints([3, 2]), "stride": .ints([2, 1]), "padding": .ints([1, 0])]),
            ("unbatched (C,H,W), kernel 3, stride 1, padding 1", [2, 4, 5],
             ["kernel_size": .ints([3]), "stride": .ints([1]), "padding": .ints([1])]),
        ]
        return configs.map { label, shape, attributes in
            OpSample(label, inputs: [rng.normalTensor(shape)], attributes: attributes)
        }
    }

    /// A tensor whose values are a random permutation of `0.1·k` plus noise in
    /// [0, 0.01), shifted to be centred on 0: all distinct, at least 0.09 apart.
    static func distinctValues(_ shape: [Int], _ rng: inout RandomGenerator) -> Tensor {
        let count = Tensor.elementCount(shape)
        var grid = Array(0..<count)
        for i in stride(from: count - 1, to: 0, by: -1) {
            grid.swapAt(i, rng.integer(in: 0...i))
        }
        let centre = Double(count) * 0.05
        return Tensor(shape: shape, scalars: grid.map { 0.1 * Double($0) - centre + rng.uniform(0, 0.01) })
    }
}

/// The attributes shared by the 2-d pools.
struct PoolAttributes {
    let kernelSize: [Int]
    let stride: [Int]?
    let padding: [Int]
    let dilation: [Int]
    let ceilMode: Bool

    init(_ attributes: Attributes, dilation hasDilation: Bool) throws {
        kernelSize = try attributes.ints("kernel_size")
        stride = try attributes.optionalInts("stride")
        padding = try attributes.ints("padding")
        dilation = hasDilation ? try attributes.ints("dilation") : [1]
        ceilMode = try attributes.bool("ceil_mode")
    }
}
