import ReferenceCore
import ReferenceIO
// Penalties on the image (or on a layer): Lucid's L1, L2, total_variation and
// blur_input_each_step. They return non-negative magnitudes; subtract them
// with a weight, e.g. `channel(mixed4a, 476) - 0.05*total_variation()`.

extension ObjectiveTape {
    /// L1(layer, constant) = Σ |x − constant| over every element (the registered
    /// `l1_penalty`; Lucid's `reduce_sum(abs(T(layer) - constant))`).
    func l1(_ x: Variable, constant c: Double) throws -> Variable {
        try tape.l1Penalty(x, constant: c)
    }

    /// L2(layer, constant, epsilon) = √(ε + Σ (x − constant)²) (the registered
    /// `l2_penalty`; Lucid's `sqrt(epsilon + reduce_sum((T(layer) - constant)**2))`).
    func l2(_ x: Variable, constant c: Double, epsilon: Double) throws -> Variable {
        try tape.l2Penalty(x, constant: c, epsilon: epsilon)
    }

    /// total_variation(layer) = Σₙ Σ |x[i+1, j] − x[i, j]| + |x[i, j+1] − x[i, j]|
    /// — `tf.image.total_variation`, which Lucid returns per image; its
    /// gradient is that of the sum over the batch, which refvis returns.
    func totalVariation(_ x: Variable, layer: String) throws -> Variable {
        try requireRank(x, layer: layer, 3...4, "total_variation needs (N, C, H, W) or (C, H, W) values")
        return try sum(tape.totalVariation(x, kind: .l1, reduction: .sum))
    }

    /// blur_input_each_step() = 0.5 · Σ (x − stop_gradient(lucid_blur(x)))²
    /// on the image — Lucid's sign (Lucent returns the negation as a loss).
    /// Its gradient is x − lucid_blur(x), so SUBTRACTING k times it (Lucid's
    /// "optimizing (−k)·blur_input_each_step()") moves each step toward the
    /// blurred image: x ← (1 − k)·x + k·blur(x) for a plain gradient step of
    /// size 1 (Nguyen et al. 2015). Maximizing it unweighted sharpens instead.
    func blurInputEachStep(_ x: Variable) throws -> Variable {
        try requireRank(x, layer: "input", 3...4, "blur_input_each_step needs an (N, C, H, W) image")
        let blurred = tape.detach(try tape.lucidBlur(x, kernelSize: 3))
        return try scale(sum(tape.square(tape.sub(x, blurred))), 0.5)
    }
}
