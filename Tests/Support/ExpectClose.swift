import Testing

/// Expects `actual` to agree with `expected` to within
/// `tolerance.absolute + tolerance.relative · |expected|` (NumPy's `isclose`
/// and PyTorch's gradcheck rule), recording an issue that names `what` and
/// both values when it does not. NaN on either side is never close.
public func expectClose(_ actual: Double, _ expected: Double, tolerance: (absolute: Double, relative: Double),
                        _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let bound = tolerance.absolute + tolerance.relative * abs(expected)
    if !(abs(actual - expected) <= bound) {
        Issue.record("\(what): \(actual), expected \(expected) (|difference| \(abs(actual - expected)) > \(bound))",
                     sourceLocation: sourceLocation)
    }
}
