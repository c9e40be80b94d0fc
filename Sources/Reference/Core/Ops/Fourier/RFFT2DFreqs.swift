/// The spatial frequency of every entry of a half spectrum, as Lucid's
/// `rfft2d_freqs(h, w)` (lucid/optvis/param/spatial.py) computes it:
///
///     fy = fftfreq(h)[:, None]
///     fx = fftfreq(w)[: w//2 + 2] if w is odd else fftfreq(w)[: w//2 + 1]
///     result = sqrt(fx·fx + fy·fy)                        shape (h, len(fx))
///
/// with NumPy's `fftfreq(n)[i] = i·(1/n)` for i ≤ (n−1)/2 and `(i − n)·(1/n)` above
/// (multiplied by the reciprocal, in NumPy's order, so the values agree bitwise).
///
/// Lucid's quirk, kept on purpose: for an odd width it keeps one column more than
/// the w//2 + 1 an rfft2 of width w has (its comment: "when we have an odd input
/// dimension we need to keep one additional frequency and later cut off 1 pixel" —
/// it then runs irfft2d to width w + 1 and crops). That extra column is the first
/// negative frequency, −(w//2)/w, so its magnitude repeats the column before it.
/// The slice is clamped to w, as Python slicing is: w = 1 gives 1 column, not 2.
///
/// A plain function rather than a registered op: it has no inputs and nothing to
/// differentiate, and every registered op must have a Jacobian to check.
/// Throws unless h ≥ 1 and w ≥ 1 (NumPy's fftfreq(0) divides by zero).
public func rfft2dFreqs(h: Int, w: Int) throws -> Tensor {
    guard h >= 1, w >= 1 else {
        throw RefvisError.usage("rfft2d_freqs: h and w must be at least 1, got h=\(h) w=\(w)")
    }
    let columns = min(w, w / 2 + (w % 2 == 1 ? 2 : 1))
    let shape = [h, columns]
    _ = try Tensor.checkedElementCount(shape, context: "rfft2d_freqs output")
    let fy = (0..<h).map { fftFrequency($0, count: h) }
    let fx = (0..<columns).map { fftFrequency($0, count: w) }
    var values = [Double]()
    values.reserveCapacity(h * columns)
    for y in fy {
        for x in fx { values.append((x * x + y * y).squareRoot()) }
    }
    return Tensor(shape: shape, scalars: values)
}

/// `numpy.fft.fftfreq(n)[i]` (sample spacing 1): 0, 1, …, (n−1)/2, −n/2, …, −1, times 1/n.
func fftFrequency(_ i: Int, count n: Int) -> Double {
    let index = i <= (n - 1) / 2 ? i : i - n
    return Double(index) * (1.0 / Double(n))
}
