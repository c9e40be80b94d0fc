/// The outcome of one check of one op configuration.
public struct GradientCheckResult: Sendable {
    public enum Check: String, Sendable, CaseIterable {
        /// Full Jacobian by central differences against the Jacobian built from VJPs.
        case jacobian
        /// vᵀ(J u) by central differences against (vᵀJ) u.
        case direction
        /// ⟨J u, v⟩ = ⟨u, Jᵀ v⟩ for an input in which the op is linear.
        case adjoint
        /// A zero cotangent gives exactly zero gradients.
        case zero
        /// Two backward runs give bitwise-equal gradients.
        case determinism
        /// The op threw or returned the wrong shapes.
        case error
    }

    public let op: String
    public let configuration: String
    public let check: Check
    /// Which input the check is about ("" when it covers all of them).
    public let input: String
    public let maxAbsError: Double
    public let maxRelError: Double
    public let passed: Bool
    public let detail: String
}

/// Proves an op's hand-written VJPs against its forward function.
///
/// For every sample configuration of an op it runs:
/// (a) the full Jacobian by central differences in Float64 (step `h`) against
///     the rows of the Jacobian obtained from VJPs of one-hot cotangents,
///     passing when |analytic − numeric| ≤ `absTolerance` + `relTolerance`·|numeric|
///     (PyTorch's gradcheck uses 1e-5 + 1e-3·|numeric|; refvis is tighter);
/// (b) a random-direction test, vᵀ(J u) numerically against (vᵀJ) u;
/// (c) for inputs the op is linear (or affine) in, the dot-product test
///     ⟨J u, v⟩ = ⟨u, Jᵀ v⟩ to `adjointTolerance` relative, with J u computed
///     exactly as f(u) − f(0);
/// (d) a zero cotangent gives exactly zero gradients, and two backward runs
///     give bitwise-equal gradients.
public struct GradientChecker: Sendable {
    public var step = 1e-6
    public var absTolerance = 1e-6
    public var relTolerance = 1e-5
    public var adjointTolerance = 1e-12
    /// The full Jacobian is built only when inputs × outputs stay below this.
    public var maxJacobianEntries = 400_000
    public var seed: UInt64 = 20261122

    public init() {}

    /// Runs every check on every sample configuration of `op`.
    public func check(_ op: OpDefinition) -> [GradientCheckResult] {
        var rng = RandomGenerator(seed: seed, stream: UInt64(truncatingIfNeeded: op.name.hashValueStable))
        let samples = op.samples(&rng)
        var results = [GradientCheckResult]()
        for sample in samples {
            results += check(op, sample, rng: &rng)
        }
        return results
    }

    /// Runs every check on one configuration.
    public func check(_ op: OpDefinition, _ sample: OpSample, rng: inout RandomGenerator) -> [GradientCheckResult] {
        func result(_ check: GradientCheckResult.Check, _ input: String, _ abs: Double, _ rel: Double,
                    _ passed: Bool, _ detail: String = "") -> GradientCheckResult {
            GradientCheckResult(op: op.name, configuration: sample.label, check: check, input: input,
                                maxAbsError: abs, maxRelError: rel, passed: passed, detail: detail)
        }
        do {
            try op.checkInputCount(sample.inputs.count)
            let attributes = try op.resolve(sample.attributes)
            let inputs = sample.inputs
            let outputs = try op.forward(inputs, attributes)
            guard outputs.count == op.outputs.count else {
                return [result(.error, "", .nan, .nan, false, "forward returned \(outputs.count) outputs, declared \(op.outputs.count)")]
            }
            let differentiable = inputs.indices.filter { op.inputSpec(at: $0).differentiable }
            let forward = { (x: [Tensor]) throws -> [Tensor] in try op.forward(x, attributes) }
            let vjp = { (v: [Tensor]) throws -> [Tensor?] in try op.vjp(inputs, outputs, v, attributes) }
            var results = [GradientCheckResult]()

            // Shapes of the gradients.
            let randomCotangents = outputs.map { rng.normalTensor($0.shape) }
            let gradients = try vjp(randomCotangents)
            guard gradients.count == inputs.count else {
                return [result(.error, "", .nan, .nan, false, "vjp returned \(gradients.count) gradients for \(inputs.count) inputs")]
            }
            for i in differentiable {
                guard let g = gradients[i], g.shape == inputs[i].shape else {
                    return [result(.error, inputName(op, i), .nan, .nan, false,
                                   "vjp gradient shape \(gradients[i].map { formatShape($0.shape) } ?? "nil") for input shape \(formatShape(inputs[i].shape))")]
                }
            }

            // (a) Full Jacobian.
            let outputCount = outputs.reduce(0) { $0 + $1.count }
            for i in differentiable {
                let entries = inputs[i].count * outputCount
                guard entries <= maxJacobianEntries else { continue }
                let (abs, rel, ok) = try jacobianCheck(forward: forward, vjp: vjp, inputs: inputs, input: i, outputs: outputs)
                results.append(result(.jacobian, inputName(op, i), abs, rel, ok))
            }

            // (b) Random direction, all inputs perturbed together.
            if !differentiable.isEmpty {
                let directions = inputs.indices.map { i in differentiable.contains(i) ? rng.normalTensor(inputs[i].shape) : Tensor.zeros(like: inputs[i]) }
                var plus = inputs, minus = inputs
                for i in differentiable {
                    plus[i] = inputs[i].zipMap(directions[i]) { $0 + step * $1 }
                    minus[i] = inputs[i].zipMap(directions[i]) { $0 - step * $1 }
                }
                let fPlus = try forward(plus), fMinus = try forward(minus)
                var numeric = 0.0
                for k in outputs.indices {
                    for j in 0..<outputs[k].count {
                        numeric += randomCotangents[k].scalars[j] * (fPlus[k].scalars[j] - fMinus[k].scalars[j]) / (2 * step)
                    }
                }
                var analytic = 0.0
                for i in differentiable { analytic += gradients[i]!.dot(directions[i]) }
                let error = Swift.abs(analytic - numeric)
                let ok = error <= absTolerance + relTolerance * Swift.abs(numeric)
                results.append(result(.direction, "", error, error / max(Swift.abs(numeric), .leastNormalMagnitude), ok))
            }

            // (c) Dot-product test for linear inputs.
            for i in differentiable where op.linearInputs.contains(op.inputSpec(at: i).name) {
                let u = rng.normalTensor(inputs[i].shape)
                var withU = inputs, withZero = inputs
                withU[i] = u
                withZero[i] = Tensor.zeros(like: inputs[i])
                let fu = try forward(withU), f0 = try forward(withZero)
                var lhs = 0.0
                for k in outputs.indices {
                    for j in 0..<outputs[k].count {
                        lhs += (fu[k].scalars[j] - f0[k].scalars[j]) * randomCotangents[k].scalars[j]
                    }
                }
                let rhs = u.dot(gradients[i]!)
                let error = Swift.abs(lhs - rhs)
                let rel = error / max(Swift.abs(lhs), Swift.abs(rhs), .leastNormalMagnitude)
                results.append(result(.adjoint, inputName(op, i), error, rel, rel <= adjointTolerance))
            }

            // (d) Zero cotangent and determinism.
            let zeroGradients = try vjp(outputs.map { Tensor.zeros(like: $0) })
            var zeroOK = true
            var largest = 0.0
            for i in differentiable {
                let g = zeroGradients[i]!
                largest = max(largest, g.maxAbs)
                if !g.scalars.allSatisfy({ $0 == 0 }) { zeroOK = false }
            }
            results.append(result(.zero, "", largest, largest, zeroOK))
            let again = try vjp(randomCotangents)
            var same = true
            for i in differentiable where again[i]!.scalars.map(\.bitPattern) != gradients[i]!.scalars.map(\.bitPattern) {
                same = false
            }
            results.append(result(.determinism, "", 0, 0, same, same ? "" : "two backward runs differ"))
            return results
        } catch {
            return [result(.error, "", .nan, .nan, false, "\(error)")]
        }
    }

    private func inputName(_ op: OpDefinition, _ index: Int) -> String {
        let spec = op.inputSpec(at: index)
        return spec.variadic ? "\(spec.name)[\(index - (op.inputs.count - 1))]" : spec.name
    }

    /// Compares every entry of ∂outputs/∂inputs[input]. Returns the largest
    /// absolute error, the largest relative error and whether all entries pass.
    private func jacobianCheck(forward: ([Tensor]) throws -> [Tensor], vjp: ([Tensor]) throws -> [Tensor?],
                               inputs: [Tensor], input: Int, outputs: [Tensor]) throws -> (Double, Double, Bool) {
        let n = inputs[input].count
        let outputCount = outputs.reduce(0) { $0 + $1.count }
        // numeric[j][k] = ∂(flat output k)/∂x_j
        var numeric = [[Double]]()
        numeric.reserveCapacity(n)
        var perturbed = inputs
        for j in 0..<n {
            let original = inputs[input].scalars[j]
            perturbed[input].scalars[j] = original + step
            let plus = try forward(perturbed).flatMap(\.scalars)
            perturbed[input].scalars[j] = original - step
            let minus = try forward(perturbed).flatMap(\.scalars)
            perturbed[input].scalars[j] = original
            numeric.append((0..<outputCount).map { (plus[$0] - minus[$0]) / (2 * step) })
        }
        var maxAbs = 0.0, maxRel = 0.0, ok = true
        var flat = 0
        for k in outputs.indices {
            for e in 0..<outputs[k].count {
                var cotangents = outputs.map { Tensor.zeros(like: $0) }
                cotangents[k].scalars[e] = 1
                let row = try vjp(cotangents)[input]!
                for j in 0..<n {
                    let a = row.scalars[j], num = numeric[j][flat]
                    let error = abs(a - num)
                    maxAbs = max(maxAbs, error)
                    if num != 0 { maxRel = max(maxRel, error / abs(num)) }
                    if !(error <= absTolerance + relTolerance * abs(num)) { ok = false }
                }
                flat += 1
            }
        }
        return (maxAbs, maxRel, ok)
    }
}

extension String {
    /// A hash that is the same in every run (Swift's `hashValue` is seeded per process).
    var hashValueStable: UInt64 {
        var hash: UInt64 = 0xcbf29ce484222325  // FNV-1a
        for byte in utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100000001b3
        }
        return hash
    }
}
