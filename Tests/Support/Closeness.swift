import ReferenceCore

// The one definition of "close" every test target shares. Each test names its
// tolerance, so a reader sees how tight a check is where it is made.

/// True when `a` and `b` agree to `tolerance` relative to `b`, absolute when
/// |b| < 1: |a − b| ≤ tolerance · max(1, |b|). Symmetric in spirit, not in
/// law: `b` is the expected value.
public func close(_ a: Double, _ b: Double, _ tolerance: Double) -> Bool {
    abs(a - b) <= tolerance * max(1, abs(b))
}

/// True when the arrays have the same length and agree element by element
/// as `close(_:_:_:)` says.
public func close(_ a: [Double], _ b: [Double], _ tolerance: Double) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { close($0, $1, tolerance) }
}

/// True when the arrays agree to an absolute `tolerance`: |a − b| ≤ tolerance.
public func closeAbsolute(_ a: [Double], _ b: [Double], _ tolerance: Double) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance }
}

/// True when the arrays are bitwise identical (any NaN matches any NaN).
public func sameBits(_ a: [Double], _ b: [Double]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
}

/// True when the tensors have the same shape and bitwise identical values.
public func sameBits(_ a: Tensor, _ b: Tensor) -> Bool {
    a.shape == b.shape && sameBits(a.scalars, b.scalars)
}
