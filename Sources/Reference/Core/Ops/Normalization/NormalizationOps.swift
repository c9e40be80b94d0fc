extension OpRegistry {
    /// The ops of this family, in the order `refvis ops` lists them.
    static let normalizationOps: [OpDefinition] = [localResponseNormOp]

    /// `local_response_norm(input; size, alpha, beta, k)`, torch.nn.functional.local_response_norm.
    static let localResponseNormOp = OpDefinition(
        name: "local_response_norm",
        summary: "b_c = a_c / (k + alpha/size * sum_{c'=c-size//2}^{c+(size-1)//2} a_c'^2)^beta across channels (torch.nn.functional.local_response_norm)",
        inputs: [OpInput("input")],
        attributes: [
            AttributeSpec("size", .int, default: nil, "number of neighbouring channels, >= 1"),
            AttributeSpec("alpha", .double, default: .double(1e-4), "multiplicative factor"),
            AttributeSpec("beta", .double, default: .double(0.75), "exponent"),
            AttributeSpec("k", .double, default: .double(1.0), "additive factor"),
        ],
        forward: { inputs, attributes in
            [try localResponseNorm(inputs[0], size: attributes.int("size"), alpha: attributes.double("alpha"),
                                   beta: attributes.double("beta"), k: attributes.double("k"))]
        },
        vjp: { inputs, _, cotangents, attributes in
            [try localResponseNormBackward(cotangents[0], input: inputs[0], size: attributes.int("size"),
                                           alpha: attributes.double("alpha"), beta: attributes.double("beta"),
                                           k: attributes.double("k"))]
        },
        samples: localResponseNormSamples)

    /// Odd and even window sizes (the window is asymmetric for even sizes), a
    /// window wider than the channel count, beta 0.5 and 0.75, k 1 and 2,
    /// inputs of rank 3, 4 and 5. Most use a large alpha so that the
    /// normalization, not the identity, dominates the Jacobian.
    @Sendable static func localResponseNormSamples(_ rng: inout RandomGenerator) -> [OpSample] {
        let configs: [(String, [Int], [String: AttributeValue])] = [
            ("size 3, defaults (alpha 1e-4)", [2, 5, 3, 2], ["size": .int(3)]),
            ("size 3, alpha 2, beta 0.75, k 1", [1, 5, 3, 3], ["size": .int(3), "alpha": .double(2)]),
            ("size 2 (even), alpha 1.5, beta 0.5, k 2", [2, 4, 3, 2],
             ["size": .int(2), "alpha": .double(1.5), "beta": .double(0.5), "k": .double(2)]),
            ("size 4 (even), alpha 3, rank 5", [1, 6, 2, 2, 2], ["size": .int(4), "alpha": .double(3)]),
            ("size 5, beta 0.5, k 2, rank 3", [2, 7, 4],
             ["size": .int(5), "alpha": .double(2.5), "beta": .double(0.5), "k": .double(2)]),
            ("size 1 (own channel only)", [1, 3, 2, 3], ["size": .int(1), "alpha": .double(1)]),
            ("size 9 wider than 4 channels", [1, 4, 3, 2], ["size": .int(9), "alpha": .double(4), "beta": .double(0.6)]),
        ]
        return configs.map { label, shape, attributes in
            OpSample(label, inputs: [rng.normalTensor(shape)], attributes: attributes)
        }
    }
}
