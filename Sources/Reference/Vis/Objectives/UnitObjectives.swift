import ReferenceCore
import ReferenceIO
// Objectives that read units of one layer: a neuron, a channel, linear
// combinations of channels, a class logit, and DeepDream's mean square.
// Activations a are (N, C, H, W); positions are explained in ObjectiveTerm.swift.

extension ObjectiveTape {
    /// neuron(layer, c, x, y) = (1/N) Σₙ a[n, c, y, x]: Lucent's
    /// `layer_t[:, c].mean()` at the position (negated there as a loss). Lucid
    /// returns the vector a[:, y, x, c] (NHWC), whose gradient is that of the
    /// sum over the batch, so for N > 1 Lucid's gradient is N times this one.
    func neuron(_ a: Variable, layer: String, channel: Int, x: Int?, y: Int?) throws -> Variable {
        let position = try selectPosition(a, layer: layer, x: x, y: y)
        return try mean(selectChannel(position, layer: layer, channel: channel))
    }

    /// channel(layer, c) = mean over n, h, w of a[n, c, h, w] (over every
    /// dimension but the channel for other ranks): Lucid's
    /// `reduce_mean(T(layer)[..., c])` and Lucent's `model(layer)[:, c].mean()`,
    /// which agree — both average over the batch as well.
    func channel(_ a: Variable, layer: String, channel: Int) throws -> Variable {
        try mean(selectChannel(a, layer: layer, channel: channel))
    }

    /// neuron_weight(layer, w, x, y) = (1/(N·C)) Σₙ Σ_c a[n, c, y, x]·w[c]
    /// (Lucent's `(layer_t.squeeze() * weight).mean()` at the position), or
    /// the plain mean of a[:, :, y, x] without a weight. Lucid has no such objective.
    func neuronWeight(_ a: Variable, layer: String, weight: [Double]?, x: Int?, y: Int?) throws -> Variable {
        let position = try selectPosition(a, layer: layer, x: x, y: y)
        guard let weight else { return try mean(position) }
        return try mean(mul(position, channelVector(weight, for: a, layer: layer, argument: "weight")))
    }

    /// channel_weight(layer, w) = mean over n, c, h, w of a[n, c, h, w]·w[c]
    /// — Lucent's `(layer_t * weight.view(1, -1, 1, 1)).mean()`, whose mean
    /// divides by C too.
    func channelWeight(_ a: Variable, layer: String, weight: [Double]) throws -> Variable {
        try mean(mul(a, channelVector(weight, for: a, layer: layer, argument: "weight")))
    }

    /// class_logit(label) = Σₙ logits[n, label]: Lucid's
    /// `reduce_sum(logits[:, class_n])` (a sum over the batch, not a mean).
    func classLogit(_ logits: Variable, layer: String, label: Int) throws -> Variable {
        try sum(selectChannel(logits, layer: layer, channel: label))
    }

    /// deepdream(layer) = mean of a² over every element (Lucid's
    /// `reduce_mean(T(layer)**2)`, Mordvintsev et al. 2015).
    func deepdream(_ a: Variable, layer: String) throws -> Variable {
        try mean(tape.square(a))
    }
}
