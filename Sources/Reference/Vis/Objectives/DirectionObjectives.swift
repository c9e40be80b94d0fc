import Foundation
import ReferenceCore
import ReferenceIO

// Objectives that score activation vectors a[n, :, h, w] (along the channels)
// against a direction v of length C: Lucid's dot product with an optional
// cosine weighting, and Lucent's plain cosine similarity.

extension ObjectiveTape {
    /// Lucid's `_dot_cossim(a, v, cossim_pow)` over the (N, C, H, W) activations:
    ///
    ///     d = Σ_c a[n, c, h, w]·v[c]
    ///     p = 0:  mean over n, h, w of d
    ///     p ≠ 0:  mean over n, h, w of d · max(0.1, d / ((ε + ‖a[n, :, h, w]‖)(ε + ‖v‖)))^p,  ε = 1e-4
    ///
    /// The floor 0.1 is applied with `clamp(min: 0.1)`, whose gradient passes
    /// at cos = 0.1 exactly where TF's `maximum(0.1, cos)` does not (a tie of
    /// measure zero). The power is computed as exp(p · ln(floored)), exact
    /// to rounding because the floored cosine is ≥ 0.1.
    func dotCossim(_ a: Variable, layer: String, vector: [Double], cossimPow: Double) throws -> Variable {
        guard cossimPow.isFinite else {
            throw RefvisError.usage("\(objective): cossim_pow must be a finite number, got \(formatDouble(cossimPow))")
        }
        let v = try channelVector(vector, for: a, layer: layer, argument: "the direction")
        let dot = try sum(mul(a, v), dims: [1])
        if cossimPow == 0 { return try mean(dot) }
        let epsilon = 1e-4
        var vectorNorm = 0.0
        for value in vector { vectorNorm += value * value }
        let activationNorm = try tape.sqrt(sum(tape.square(a), dims: [1]))
        let shifted = try tape.add(activationNorm, constant(epsilon))
        let cosine = try tape.div(tape.div(dot, shifted), constant(epsilon + vectorNorm.squareRoot()))
        let floored = try tape.clamp(cosine, min: 0.1)
        let powered = try tape.exp(scale(tape.log(floored), cossimPow))
        return try mean(mul(dot, powered))
    }

    /// direction(layer, v, cossim_pow) — Lucid's `direction`: `dotCossim`
    /// over every position of every image.
    func direction(_ a: Variable, layer: String, vector: [Double], cossimPow: Double) throws -> Variable {
        try requireRank(a, layer: layer, 4...4, "direction needs (N, C, H, W) activations")
        return try dotCossim(a, layer: layer, vector: vector, cossimPow: cossimPow)
    }

    /// direction_neuron(layer, v, x, y, cossim_pow) — Lucid's
    /// `direction_neuron`: `dotCossim` of a[:, :, y, x], averaged over the batch.
    func directionNeuron(_ a: Variable, layer: String, vector: [Double], x: Int?, y: Int?, cossimPow: Double) throws -> Variable {
        let position = try selectPosition(a, layer: layer, x: x, y: y)
        return try dotCossim(position, layer: layer, vector: vector, cossimPow: cossimPow)
    }

    /// direction_cosine(layer, v) — Lucent's `direction` (as a value to
    /// maximize): mean over n, h, w of `cosine_similarity(v.view(1, C, 1, 1),
    /// a, dim=1)` with torch's eps = 1e-8.
    func directionCosine(_ a: Variable, layer: String, vector: [Double]) throws -> Variable {
        try requireRank(a, layer: layer, 4...4, "direction_cosine needs (N, C, H, W) activations")
        let v = try channelVector(vector, for: a, layer: layer, argument: "the direction")
        return try mean(tape.cosineSimilarity(v, a, dim: 1, eps: 1e-8))
    }

    /// direction_neuron_cosine(layer, v, x, y) — Lucent's `direction_neuron`:
    /// the cosine similarity of v and a[n, :, y, x], averaged over the batch.
    func directionNeuronCosine(_ a: Variable, layer: String, vector: [Double], x: Int?, y: Int?) throws -> Variable {
        let position = try selectPosition(a, layer: layer, x: x, y: y)
        let v = try channelVector(vector, for: a, layer: layer, argument: "the direction")
        return try mean(tape.cosineSimilarity(v, position, dim: 1, eps: 1e-8))
    }
}
