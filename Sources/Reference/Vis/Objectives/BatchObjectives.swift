import Foundation
import ReferenceCore
import ReferenceIO

// Objectives that relate the images of a batch to one another: an
// interpolation between two channels across the batch, an alignment term
// pulling neighbouring images together, and Lucid's diversity term.

extension ObjectiveTape {
    /// The mean of a[n, channel, …] for every image n: shape (N,).
    private func perImageChannelMean(_ a: Variable, layer: String, channel: Int) throws -> Variable {
        let selected = try selectChannel(a, layer: layer, channel: channel)
        return try mean(selected, dims: Array(1..<shape(selected).count))
    }

    /// channel_interpolate(layer1, c1, layer2, c2) — Lucid's definition (Lucent's negated):
    ///
    ///     Σₙ (1 − wₙ)·mean(a1[n, c1]) + wₙ·mean(a2[n, c2]),   wₙ = n / (N − 1)
    ///
    /// so image 0 shows c1 alone and image N − 1 shows c2 alone. Needs N ≥ 2
    /// (Lucid divides by N − 1) and the same batch size in both layers.
    func channelInterpolate(_ a1: Variable, layer1: String, channel1: Int,
                            _ a2: Variable, layer2: String, channel2: Int) throws -> Variable {
        let n = shape(a1).first ?? 0
        guard n >= 2 else {
            throw RefvisError.usage("channel_interpolate: needs a batch of at least 2 images to interpolate across, got \(n)")
        }
        guard shape(a2).first == n else {
            throw RefvisError("channel_interpolate: layers '\(layer1)' and '\(layer2)' have different batch sizes, \(formatShape(shape(a1))) and \(formatShape(shape(a2)))")
        }
        let weights = (0..<n).map { Double($0) / Double(n - 1) }
        let first = try mul(perImageChannelMean(a1, layer: layer1, channel: channel1),
                            constant(Tensor(shape: [n], scalars: weights.map { 1 - $0 })))
        let second = try mul(perImageChannelMean(a2, layer: layer2, channel: channel2),
                             constant(Tensor(shape: [n], scalars: weights)))
        return try tape.add(sum(first), sum(second))
    }

    /// alignment(layer, decay_ratio) — Lucid's definition (Lucent returns its negation):
    ///
    ///     −Σ_{d=1..4} Σ_{i=0..N−1−d} mean((a[i] − a[i+d])²) / decay_ratio^d
    ///
    /// the mean taken over each image's elements; 0 for a single image.
    func alignment(_ a: Variable, layer: String, decayRatio: Double) throws -> Variable {
        guard decayRatio > 0, decayRatio.isFinite else {
            throw RefvisError.usage("alignment: decay_ratio must be a finite number > 0, got \(formatDouble(decayRatio))")
        }
        let s = shape(a)
        guard s.count >= 1 else { throw RefvisError("alignment: layer '\(layer)' has no batch dimension") }
        let n = s[0]
        var total: Variable?
        for d in 1...4 where n > d {
            let earlier = try tape.narrow(a, dim: 0, start: 0, length: n - d)
            let later = try tape.narrow(a, dim: 0, start: d, length: n - d)
            let squares = try tape.square(tape.sub(earlier, later))
            let perPair = s.count > 1 ? try mean(squares, dims: Array(1..<s.count)) : squares
            let term = try scale(sum(perPair), 1 / Foundation.pow(decayRatio, Double(d)))
            total = try total.map { try tape.add($0, term) } ?? term
        }
        guard let total else { return constant(-0.0) }
        return try scale(total, -1)
    }

    /// diversity(layer) — Lucid's definition (Lucent returns its negation):
    ///
    ///     Gₙ = Fₙ Fₙᵀ (C × C, Fₙ = a[n] as C × H·W),  ĝₙ = Gₙ / √(max(Σ Gₙ², 1e-10))
    ///     diversity = (1/N) Σᵢ Σ_{j≠i} ⟨ĝᵢ, ĝⱼ⟩
    ///
    /// the mean pairwise cosine similarity of the images' Gram matrices
    /// (`tf.nn.l2_normalize(grams, axis=[1, 2], epsilon=1e-10)`; Lucent's
    /// `F.normalize` clamps the norm at 1e-12 instead, the same unless a Gram
    /// matrix is almost 0). It is a similarity: subtract it to make a batch
    /// diverse, as in Lucid's `channel(...) - 1e2*diversity(layer)`.
    func diversity(_ a: Variable, layer: String) throws -> Variable {
        try requireRank(a, layer: layer, 4...4, "diversity needs (N, C, H, W) activations")
        let (n, c) = (shape(a)[0], shape(a)[1])
        let grams = try tape.gramMatrix(a, normalize: .none)
        let asImages = try tape.reshape(grams, [n, 1, c, c])
        let normalized = try tape.l2Normalize(asImages, epsilon: 1e-10)
        let flat = try tape.reshape(normalized, [n, c * c])
        let products = try tape.matmul(flat, tape.permute(flat, [1, 0]))
        let offDiagonal = Tensor(shape: [n, n]) { k in k / n == k % n ? 0 : 1 }
        return try scale(sum(mul(products, constant(offDiagonal))), 1 / Double(n))
    }
}
