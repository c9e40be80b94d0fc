// The configurations the gradient checker runs for the resampling ops.

enum ResamplingSamples {
    /// affine_grid: odd and even sizes, a single row, batches of 1 and 2, both align_corners.
    @Sendable static func affineGrid(_ rng: inout RandomGenerator) -> [OpSample] {
        let sizes: [[Int]] = [[2, 3, 3, 4], [1, 1, 4, 4], [1, 2, 1, 3], [2, 1, 5, 2]]
        var samples = [OpSample]()
        for size in sizes {
            for align in [false, true] {
                samples.append(OpSample("size=\(AttributeValue.ints(size)) align_corners=\(align)",
                                        inputs: [rng.normalTensor([size[0], 2, 3])],
                                        attributes: ["size": .ints(size), "align_corners": .bool(align)]))
            }
        }
        return samples
    }

    /// grid_sample: every mode × padding_mode × align_corners, over a few input
    /// and grid shapes (odd and even, square and not, a single-row image). Grid
    /// points land inside, near and beyond the borders (reflection ones up to
    /// two periods out) but never within 1e-3 pixel of a multiple of 0.5: the
    /// integers are bilinear's and the clips' kinks, the half-integers nearest's
    /// rounding boundaries and the reflection axes without align_corners.
    @Sendable static func gridSample(_ rng: inout RandomGenerator) -> [OpSample] {
        let shapes: [(input: [Int], grid: [Int])] = [
            ([2, 2, 3, 4], [2, 3, 2, 2]),
            ([1, 3, 4, 3], [1, 2, 3, 2]),
            ([1, 2, 5, 5], [1, 3, 3, 2]),
            ([2, 1, 2, 3], [2, 2, 4, 2]),
        ]
        var samples = [OpSample]()
        var k = 0
        for mode in GridSampleMode.allCases {
            for padding in GridSamplePadding.allCases {
                for align in [false, true] {
                    let shape = shapes[k % shapes.count]
                    k += 1
                    let grid = kinkFreeGrid(shape.grid, height: shape.input[2], width: shape.input[3],
                                            padding: padding, alignCorners: align, &rng)
                    samples.append(OpSample(
                        "\(mode.rawValue) \(padding.rawValue) align_corners=\(align) input=\(formatShape(shape.input)) grid=\(formatShape(shape.grid))",
                        inputs: [rng.normalTensor(shape.input), grid],
                        attributes: ["mode": mode.attributeValue, "padding_mode": padding.attributeValue,
                                     "align_corners": .bool(align)]))
                }
            }
        }
        // A one-row image without align_corners (its y scale is 1/2, not 0).
        let grid = kinkFreeGrid([1, 2, 3, 2], height: 1, width: 4, padding: .zeros, alignCorners: false, &rng)
        samples.append(OpSample("bilinear zeros one-row input=(1, 2, 1, 4)", inputs: [rng.normalTensor([1, 2, 1, 4]), grid],
                                attributes: ["mode": .string("bilinear")]))
        return samples
    }

    /// Grid values whose pixel coordinates (before padding) stay at least 1e-3
    /// from every multiple of 0.5; reflection ones reach 2 periods outside.
    static func kinkFreeGrid(_ shape: [Int], height: Int, width: Int, padding: GridSamplePadding, alignCorners: Bool,
                             _ rng: inout RandomGenerator) -> Tensor {
        let axes = [GridSampleAxis(size: width, padding: padding, alignCorners: alignCorners),
                    GridSampleAxis(size: height, padding: padding, alignCorners: alignCorners)]
        let reach = padding == .reflection ? 3.2 : 1.6
        var values = [Double]()
        for i in 0..<Tensor.elementCount(shape) {
            let axis = axes[i % 2]
            var g: Double
            repeat {
                g = rng.uniform(-reach, reach)
            } while axis.scale > 0 && nearHalfInteger(axis.unnormalize(g))
            values.append(g)
        }
        return Tensor(shape: shape, scalars: values)
    }

    private static func nearHalfInteger(_ p: Double) -> Bool {
        let doubled = 2 * p
        return Swift.abs(doubled - doubled.rounded()) < 2e-3
    }

    /// interpolate: nearest and bilinear, up and down, by size and by
    /// scale_factor (with and without recompute_scale_factor), both
    /// align_corners, an unchanged size under a scale factor (the copy rule),
    /// and an output of one pixel.
    @Sendable static func interpolate(_ rng: inout RandomGenerator) -> [OpSample] {
        let configurations: [(String, [Int], [String: AttributeValue])] = [
            ("nearest scale_factor=2", [1, 2, 3, 4], ["scale_factor": .doubles([2])]),
            ("nearest scale_factor=0.5 odd", [1, 2, 5, 7], ["scale_factor": .doubles([0.5])]),
            ("nearest size=(4,5) from (3,7)", [2, 1, 3, 7], ["size": .ints([4, 5])]),
            ("nearest scale_factor=(1.5,0.7)", [1, 2, 4, 6], ["scale_factor": .doubles([1.5, 0.7])]),
            ("nearest scale_factor=(1.5,0.7) recompute", [1, 2, 4, 6],
             ["scale_factor": .doubles([1.5, 0.7]), "recompute_scale_factor": .bool(true)]),
            ("bilinear scale_factor=2", [1, 2, 3, 4], ["mode": .string("bilinear"), "scale_factor": .doubles([2])]),
            ("bilinear scale_factor=2 align_corners", [1, 2, 3, 4],
             ["mode": .string("bilinear"), "scale_factor": .doubles([2]), "align_corners": .bool(true)]),
            ("bilinear scale_factor=0.5", [2, 1, 6, 5], ["mode": .string("bilinear"), "scale_factor": .doubles([0.5])]),
            ("bilinear size=(5,3) from (4,6) align_corners", [1, 2, 4, 6],
             ["mode": .string("bilinear"), "size": .ints([5, 3]), "align_corners": .bool(true)]),
            ("bilinear size=(5,3) from (4,6)", [1, 2, 4, 6], ["mode": .string("bilinear"), "size": .ints([5, 3])]),
            ("bilinear scale_factor=(1.7,0.6)", [1, 1, 4, 6], ["mode": .string("bilinear"), "scale_factor": .doubles([1.7, 0.6])]),
            ("bilinear scale_factor=(1.7,0.6) recompute", [1, 1, 4, 6],
             ["mode": .string("bilinear"), "scale_factor": .doubles([1.7, 0.6]), "recompute_scale_factor": .bool(true)]),
            ("bilinear scale_factor=1.2 keeps size 4 (copy)", [1, 1, 4, 4], ["mode": .string("bilinear"), "scale_factor": .doubles([1.2])]),
            ("bilinear size=(1,3) align_corners", [1, 2, 3, 4],
             ["mode": .string("bilinear"), "size": .ints([1, 3]), "align_corners": .bool(true)]),
        ]
        return configurations.map { label, shape, attributes in
            OpSample("\(label) input=\(formatShape(shape))", inputs: [rng.normalTensor(shape)], attributes: attributes)
        }
    }
}
