// Typed calls of the convolution (Ops/Convolution); see Tape+Pointwise.swift
// for why the wrappers only build attributes.

extension Tape {
    /// A 2-D convolution with zero padding; `stride`, `padding` and `dilation`
    /// are one value for both axes or (H, W) (torch.nn.functional.conv2d).
    public func conv2d(_ input: Variable, _ weight: Variable, bias: Variable? = nil, stride: [Int] = [1],
                       padding: [Int] = [0], dilation: [Int] = [1], groups: Int = 1) throws -> Variable {
        try apply1("conv2d", [input, weight] + (bias.map { [$0] } ?? []),
                   ["stride": .ints(stride), "padding": .ints(padding), "dilation": .ints(dilation), "groups": .int(groups)])
    }
}
