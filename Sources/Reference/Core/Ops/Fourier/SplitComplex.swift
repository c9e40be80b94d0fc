/// Complex numbers held as two planes, real parts and imaginary parts, so that
/// the DFT kernels' inner loops run over contiguous doubles and vectorise.
/// Tensors hold complex numbers interleaved, (…, 2) as torch.view_as_real.
struct SplitComplex: Sendable {
    var real: [Double]
    var imag: [Double]

    init(real: [Double], imag: [Double]) {
        self.real = real
        self.imag = imag
    }

    /// Zeros.
    init(count: Int) {
        real = [Double](repeating: 0, count: count)
        imag = [Double](repeating: 0, count: count)
    }

    /// From interleaved (real, imaginary) pairs.
    init(interleaved x: [Double]) {
        let count = x.count / 2
        real = [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            for i in 0..<count { buffer[i] = x[2 * i] }
            initialized = count
        }
        imag = [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            for i in 0..<count { buffer[i] = x[2 * i + 1] }
            initialized = count
        }
    }

    /// Interleaved (real, imaginary) pairs.
    var interleaved: [Double] {
        let count = real.count
        return [Double](unsafeUninitializedCapacity: 2 * count) { buffer, initialized in
            for i in 0..<count {
                buffer[2 * i] = real[i]
                buffer[2 * i + 1] = imag[i]
            }
            initialized = 2 * count
        }
    }
}
