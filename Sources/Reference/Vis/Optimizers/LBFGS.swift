import ReferenceCore
import ReferenceIO
/// L-BFGS: `torch.optim.LBFGS`, the same algorithm, stopping rules and state.
///
/// All parameters are flattened, in order, into one vector x (PyTorch's
/// `_gather_flat_grad`), and one call of `step(_:evaluate:)` runs up to
/// `maxIterations` iterations:
///
///  1. Evaluate f(x), g = ∇f(x). Stop at once if max|gᵢ| ≤ tolerance_grad.
///  2. Direction: on the very first iteration d = −g. Later, with
///     s = t·d (the last step) and y = g − g_prev, store the pair if yᵀs > 1e-10
///     (dropping the oldest beyond history_size) and set H₀ = yᵀs/yᵀy; then
///     d = −H·g by the two-loop recursion:
///         q = −g;  for i newest→oldest: aᵢ = ρᵢ·sᵢᵀq, q −= aᵢ·yᵢ     (ρᵢ = 1/yᵢᵀsᵢ)
///         r = H₀·q; for i oldest→newest: bᵢ = ρᵢ·yᵢᵀr, r += (aᵢ − bᵢ)·sᵢ;  d = r
///  3. Step length: t = min(1, 1/Σ|gᵢ|)·lr on the very first iteration, lr after.
///     Stop if gᵀd > −tolerance_change.
///  4. With line_search_fn "strong_wolfe", t comes from `strongWolfeLineSearch`
///     (c1 = 1e-4, c2 = 0.9, max 25 evaluations, and its own tolerance 1e-9:
///     PyTorch does not pass the optimizer's tolerance_change on), which also
///     gives f and g at x + t·d. Without a line search x ← x + t·d and f, g are
///     re-evaluated there, except on the last iteration.
///  5. Stop after max_iter iterations, max_eval evaluations in this call, when
///     max|gᵢ| ≤ tolerance_grad, when max|t·dᵢ| ≤ tolerance_change, or when
///     |f − f_prev| < tolerance_change.
///
/// The history, the last d and t, and the iteration count persist across calls,
/// as PyTorch's state does. `step(_:evaluate:)` returns the loss at the
/// parameters it was given (PyTorch returns the closure's first loss).
/// Defaults as PyTorch: lr = 1, max_iter = 20, max_eval = max_iter·5/4
/// (integer division), tolerance_grad = 1e-7, tolerance_change = 1e-9,
/// history_size = 100, line_search_fn = none.
public struct LBFGS: ClosureOptimizer {
    /// PyTorch's `line_search_fn`: none, or "strong_wolfe".
    public enum LineSearch: String, Sendable, CaseIterable, Codable {
        case none
        case strongWolfe = "strong_wolfe"
    }

    /// "lbfgs", or "lbfgs_strong_wolfe" with the line search.
    public var name: String { lineSearch == .strongWolfe ? "lbfgs_strong_wolfe" : "lbfgs" }
    public let learningRate: Double
    public let maxIterations: Int
    public let maxEvaluations: Int
    public let toleranceGrad: Double
    public let toleranceChange: Double
    public let historySize: Int
    public let lineSearch: LineSearch

    /// Iterations run over all calls (PyTorch's state["n_iter"]).
    public private(set) var iterationCount = 0
    /// Loss evaluations over all calls (PyTorch's state["func_evals"]).
    public private(set) var functionEvaluations = 0

    private var shapes = ParameterShapes()
    private var direction: [Double] = []
    private var stepLength = 0.0
    private var gradientChanges: [[Double]] = []   // y, oldest first ("old_dirs")
    private var stepsTaken: [[Double]] = []        // s, oldest first ("old_stps")
    private var reciprocalCurvatures: [Double] = [] // ρ = 1/yᵀs ("ro")
    private var initialHessianScale = 1.0           // H₀ ("H_diag")
    private var previousGradient: [Double]?
    private var previousLoss: Double?

    public init(lr: Double = 1, maxIterations: Int = 20, maxEvaluations: Int? = nil,
                toleranceGrad: Double = 1e-7, toleranceChange: Double = 1e-9,
                historySize: Int = 100, lineSearch: LineSearch = .none) throws {
        try requireNonNegative(lr, "lr", optimizer: "lbfgs")
        guard maxIterations >= 1 else { throw RefvisError.usage("lbfgs: max_iter must be >= 1, got \(maxIterations)") }
        // Integer division as PyTorch's `max_iter * 5 // 4`; the guard keeps the product from overflowing.
        guard maxIterations <= 1 << 40 else { throw RefvisError.usage("lbfgs: max_iter \(maxIterations) is too large") }
        let maxEvaluations = maxEvaluations ?? maxIterations * 5 / 4
        guard maxEvaluations >= 1 else { throw RefvisError.usage("lbfgs: max_eval must be >= 1, got \(maxEvaluations)") }
        guard historySize >= 1 else { throw RefvisError.usage("lbfgs: history_size must be >= 1, got \(historySize)") }
        try requireNonNegative(toleranceGrad, "tolerance_grad", optimizer: "lbfgs")
        try requireNonNegative(toleranceChange, "tolerance_change", optimizer: "lbfgs")
        self.learningRate = lr
        self.maxIterations = maxIterations
        self.maxEvaluations = maxEvaluations
        self.toleranceGrad = toleranceGrad
        self.toleranceChange = toleranceChange
        self.historySize = historySize
        self.lineSearch = lineSearch
    }

    /// L-BFGS cannot step from one gradient: it throws. Use `step(_:evaluate:)`.
    public mutating func step(_ parameters: inout [Tensor], gradients: [Tensor]) throws {
        throw RefvisError.usage("lbfgs: needs to re-evaluate the loss within a step; drive it with step(_:evaluate:)")
    }

    public mutating func step(_ parameters: inout [Tensor],
                              evaluate: (_ parameters: [Tensor]) throws -> (loss: Double, gradients: [Tensor])) throws -> Double {
        try shapes.check(parameters, optimizer: "lbfgs")
        let shapeList = parameters.map(\.shape)
        var x = parameters.flatMap(\.scalars)

        /// f and the flat gradient at x + t·d (t = 0: at x itself).
        func evaluateFlat(_ point: [Double]) throws -> (Double, [Double]) {
            var offset = 0
            let tensors = shapeList.map { shape -> Tensor in
                let count = Tensor.elementCount(shape)
                defer { offset += count }
                return Tensor(shape: shape, scalars: Array(point[offset..<offset + count]))
            }
            let (loss, gradients) = try evaluate(tensors)
            try checkGradients(gradients, matching: tensors, optimizer: "lbfgs")
            return (loss, gradients.flatMap(\.scalars))
        }
        func moved(_ point: [Double], by t: Double, along d: [Double]) -> [Double] {
            var result = point
            for i in 0..<result.count { result[i] += t * d[i] }
            return result
        }
        // NaN propagates, as torch.max does: a NaN gradient is not "converged".
        func maxAbs(_ v: [Double]) -> Double { v.reduce(0) { $0.isNaN || $1.isNaN ? .nan : max($0, $1.magnitude) } }

        var (loss, flatGradient) = try evaluateFlat(x)
        let originalLoss = loss
        var currentEvaluations = 1
        functionEvaluations += 1
        defer { parameters = Self.unflatten(x, shapes: shapeList) }

        if maxAbs(flatGradient) <= toleranceGrad { return originalLoss }

        var iteration = 0
        while iteration < maxIterations {
            iteration += 1
            iterationCount += 1

            if iterationCount == 1 {
                direction = flatGradient.map { -$0 }
                gradientChanges = []
                stepsTaken = []
                reciprocalCurvatures = []
                initialHessianScale = 1
            } else {
                updateHistory(gradient: flatGradient)
                direction = twoLoopDirection(gradient: flatGradient)
            }
            previousGradient = flatGradient
            previousLoss = loss

            if iterationCount == 1 {
                var gradientL1 = 0.0
                for value in flatGradient { gradientL1 += abs(value) }
                stepLength = min(1, 1 / gradientL1) * learningRate
            } else {
                stepLength = learningRate
            }

            let gtd = dot(flatGradient, direction)
            if gtd > -toleranceChange { break }

            var lineSearchEvaluations = 0
            var optimal = false
            switch lineSearch {
            case .strongWolfe:
                let start = x, d = direction
                let result = try strongWolfeLineSearch(
                    { t in try evaluateFlat(moved(start, by: t, along: d)) },
                    step: stepLength, direction: d, loss: loss, gradient: flatGradient, directionalDerivative: gtd)
                (loss, flatGradient, stepLength, lineSearchEvaluations) =
                    (result.loss, result.gradient, result.step, result.evaluations)
                x = moved(start, by: stepLength, along: d)
                optimal = maxAbs(flatGradient) <= toleranceGrad
            case .none:
                x = moved(x, by: stepLength, along: direction)
                if iteration != maxIterations {
                    (loss, flatGradient) = try evaluateFlat(x)
                    optimal = maxAbs(flatGradient) <= toleranceGrad
                    lineSearchEvaluations = 1
                }
            }
            currentEvaluations += lineSearchEvaluations
            functionEvaluations += lineSearchEvaluations

            if iteration == maxIterations { break }
            if currentEvaluations >= maxEvaluations { break }
            if optimal { break }
            if maxAbs(direction.map { $0 * stepLength }) <= toleranceChange { break }
            if abs(loss - (previousLoss ?? loss)) < toleranceChange { break }
        }
        return originalLoss
    }

    /// Stores (s, y) = (t·d, g − g_prev) when the curvature yᵀs > 1e-10, and rescales H₀.
    private mutating func updateHistory(gradient: [Double]) {
        guard let previousGradient else { return }
        var y = gradient
        for i in 0..<y.count { y[i] -= previousGradient[i] }
        let s = direction.map { $0 * stepLength }
        let ys = dot(y, s)
        guard ys > 1e-10 else { return }
        if gradientChanges.count == historySize {
            gradientChanges.removeFirst()
            stepsTaken.removeFirst()
            reciprocalCurvatures.removeFirst()
        }
        gradientChanges.append(y)
        stepsTaken.append(s)
        reciprocalCurvatures.append(1 / ys)
        initialHessianScale = ys / dot(y, y)
    }

    /// −H·g by the two-loop recursion over the stored pairs.
    private func twoLoopDirection(gradient: [Double]) -> [Double] {
        let count = gradientChanges.count
        var alphas = [Double](repeating: 0, count: count)
        var q = gradient.map { -$0 }
        for i in stride(from: count - 1, through: 0, by: -1) {
            alphas[i] = dot(stepsTaken[i], q) * reciprocalCurvatures[i]
            let y = gradientChanges[i]
            for k in 0..<q.count { q[k] += -alphas[i] * y[k] }
        }
        var r = q.map { $0 * initialHessianScale }
        for i in 0..<count {
            let beta = dot(gradientChanges[i], r) * reciprocalCurvatures[i]
            let s = stepsTaken[i]
            for k in 0..<r.count { r[k] += (alphas[i] - beta) * s[k] }
        }
        return r
    }

    /// PyTorch's state keys: "func_evals" and "n_iter" (0-d counts), the
    /// history "old_dirs" (y, one row each, oldest first, shape (h, n) for n
    /// elements in all), "old_stps" (s, likewise) and "ro" (h), "H_diag", and,
    /// once an iteration has run, the last direction "d" (n), step "t",
    /// "prev_flat_grad" (n) and "prev_loss"; plus the parameter shapes.
    public func stateTensors() -> [String: Tensor] {
        guard var writer = StateWriter(shapes: shapes.shapes) else { return [:] }
        let n = writer.shapes.reduce(0) { $0 + Tensor.elementCount($1) }
        writer.scalar("func_evals", Double(functionEvaluations))
        writer.scalar("n_iter", Double(iterationCount))
        writer.tensor("old_dirs", shape: [gradientChanges.count, n], gradientChanges.flatMap { $0 })
        writer.tensor("old_stps", shape: [stepsTaken.count, n], stepsTaken.flatMap { $0 })
        writer.tensor("ro", shape: [reciprocalCurvatures.count], reciprocalCurvatures)
        writer.scalar("H_diag", initialHessianScale)
        if iterationCount > 0, let previousGradient, let previousLoss {
            writer.tensor("d", shape: [n], direction)
            writer.scalar("t", stepLength)
            writer.tensor("prev_flat_grad", shape: [n], previousGradient)
            writer.scalar("prev_loss", previousLoss)
        }
        return writer.tensors
    }

    public mutating func restoreState(_ state: [String: Tensor]) throws {
        var reader = try StateReader(state, optimizer: name)
        guard let shapes = reader.shapes else {
            try reader.finish()
            self = try LBFGS(lr: learningRate, maxIterations: maxIterations, maxEvaluations: maxEvaluations,
                             toleranceGrad: toleranceGrad, toleranceChange: toleranceChange,
                             historySize: historySize, lineSearch: lineSearch)
            return
        }
        let n = shapes.reduce(0) { $0 + Tensor.elementCount($1) }
        let functionEvaluations = try reader.count("func_evals")
        let iterationCount = try reader.count("n_iter")
        let pairs = state["ro"].map { $0.rank == 1 ? $0.shape[0] : -1 } ?? 0
        guard pairs <= historySize else {
            throw RefvisError("\(name): state 'ro' holds \(pairs) history pairs, more than history_size \(historySize)")
        }
        let h = max(pairs, 0)
        let reciprocalCurvatures = try reader.tensor("ro", shape: [h])
        let gradientChanges = try reader.tensor("old_dirs", shape: [h, n])
        let stepsTaken = try reader.tensor("old_stps", shape: [h, n])
        let initialHessianScale = try reader.scalar("H_diag")
        var direction: [Double] = [], stepLength = 0.0
        var previousGradient: [Double]?, previousLoss: Double?
        if iterationCount > 0 {
            direction = try reader.tensor("d", shape: [n])
            stepLength = try reader.scalar("t")
            previousGradient = try reader.tensor("prev_flat_grad", shape: [n])
            previousLoss = try reader.scalar("prev_loss")
        }
        try reader.finish()
        func rows(_ flat: [Double]) -> [[Double]] { (0..<h).map { Array(flat[$0 * n..<($0 + 1) * n]) } }
        self.shapes = ParameterShapes(restoring: shapes)
        (self.functionEvaluations, self.iterationCount) = (functionEvaluations, iterationCount)
        (self.gradientChanges, self.stepsTaken) = (rows(gradientChanges), rows(stepsTaken))
        (self.reciprocalCurvatures, self.initialHessianScale) = (reciprocalCurvatures, initialHessianScale)
        (self.direction, self.stepLength) = (direction, stepLength)
        (self.previousGradient, self.previousLoss) = (previousGradient, previousLoss)
    }

    private static func unflatten(_ x: [Double], shapes: [[Int]]) -> [Tensor] {
        var offset = 0
        return shapes.map { shape in
            let count = Tensor.elementCount(shape)
            defer { offset += count }
            return Tensor(shape: shape, scalars: Array(x[offset..<offset + count]))
        }
    }
}
