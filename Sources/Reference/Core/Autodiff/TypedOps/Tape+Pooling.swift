// Typed calls of the pooling ops (Ops/Pooling); see Tape+Pointwise.swift for
// why the wrappers only build attributes.

extension Tape {
    /// The maximum over each window; `stride` nil means `kernelSize`
    /// (torch.nn.functional.max_pool2d).
    public func maxPool2d(_ input: Variable, kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0],
                          dilation: [Int] = [1], ceilMode: Bool = false) throws -> Variable {
        try apply1("max_pool2d", [input], [
            "kernel_size": .ints(kernelSize), "stride": stride.map(AttributeValue.ints) ?? .null,
            "padding": .ints(padding), "dilation": .ints(dilation), "ceil_mode": .bool(ceilMode),
        ])
    }

    /// The mean over each window with PyTorch's divisor rules
    /// (torch.nn.functional.avg_pool2d).
    public func avgPool2d(_ input: Variable, kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0],
                          ceilMode: Bool = false, countIncludePad: Bool = true,
                          divisorOverride: Int? = nil) throws -> Variable {
        try apply1("avg_pool2d", [input], [
            "kernel_size": .ints(kernelSize), "stride": stride.map(AttributeValue.ints) ?? .null,
            "padding": .ints(padding), "ceil_mode": .bool(ceilMode), "count_include_pad": .bool(countIncludePad),
            "divisor_override": divisorOverride.map(AttributeValue.int) ?? .null,
        ])
    }

    /// The mean over PyTorch's adaptive windows, to `outputSize` (one value or
    /// (OH, OW)) (torch.nn.functional.adaptive_avg_pool2d).
    public func adaptiveAvgPool2d(_ input: Variable, outputSize: [Int]) throws -> Variable {
        try apply1("adaptive_avg_pool2d", [input], ["output_size": .ints(outputSize)])
    }
}
