import ReferenceCore
import ReferenceIO
import ReferenceVis
/// How one computed array compares with its golden counterpart.
///
/// - `maxAbsError`: max |a − e| over the elements;
/// - `maxRelError`: max |a − e| / |e| over the elements with e ≠ 0;
/// - `worstRatio`: max |a − e| / (atol + rtol·|e|): the array passes when it is ≤ 1.
/// A non-finite golden value (±inf, NaN) must be matched exactly — the same
/// infinity with its sign, or a NaN — since no tolerance can bound a
/// distance to it (|a − inf| ≤ inf would pass anything). A non-finite actual
/// value where the golden one is finite, or a shape that differs, fails
/// outright and is described in `problem`. Relative errors against
/// subnormal golden values may be infinite; they are reported, never trapped on.
public struct ArrayComparison: Sendable {
    public var name: String
    public var maxAbsError: Double
    public var maxRelError: Double
    public var worstRatio: Double
    /// The flat index of the element with the worst ratio, to find it in the array.
    public var worstIndex: Int?
    /// Set when the arrays could not be compared element by element.
    public var problem: String?

    public var passed: Bool { problem == nil && worstRatio <= 1 }

    public init(name: String, maxAbsError: Double = 0, maxRelError: Double = 0, worstRatio: Double = 0,
                worstIndex: Int? = nil, problem: String? = nil) {
        self.name = name
        self.maxAbsError = maxAbsError
        self.maxRelError = maxRelError
        self.worstRatio = worstRatio
        self.worstIndex = worstIndex
        self.problem = problem
    }

    /// A comparison that failed before any element was looked at (a missing
    /// file, a malformed one, a wrong shape).
    public static func failure(_ name: String, _ problem: String) -> ArrayComparison {
        ArrayComparison(name: name, maxAbsError: .nan, maxRelError: .nan, worstRatio: .infinity, problem: problem)
    }

    /// Compares `actual` with `expected` under `tolerance`.
    public static func compare(_ name: String, actual: Tensor, expected: Tensor, tolerance: Tolerance) -> ArrayComparison {
        guard actual.shape == expected.shape else {
            return .failure(name, "shape \(formatShape(actual.shape)), expected \(formatShape(expected.shape))")
        }
        var result = ArrayComparison(name: name)
        for index in 0..<expected.count {
            let a = actual.scalars[index], e = expected.scalars[index]
            if !e.isFinite {
                guard a == e || (a.isNaN && e.isNaN) else {
                    result.problem = "element \(index) is \(a), expected exactly \(e)"
                    result.worstRatio = .infinity
                    result.worstIndex = index
                    return result
                }
                continue
            }
            guard a.isFinite else {
                result.problem = "element \(index) is \(a), expected \(e)"
                result.worstRatio = .infinity
                result.worstIndex = index
                return result
            }
            let difference = a == e ? 0 : abs(a - e)
            result.maxAbsError = max(result.maxAbsError, difference)
            if e != 0 { result.maxRelError = max(result.maxRelError, difference / abs(e)) }
            let allowed = tolerance.atol + tolerance.rtol * abs(e)
            let ratio = difference == 0 ? 0 : (allowed > 0 ? difference / allowed : .infinity)
            if ratio > result.worstRatio {
                result.worstRatio = ratio
                result.worstIndex = index
            }
        }
        return result
    }
}
