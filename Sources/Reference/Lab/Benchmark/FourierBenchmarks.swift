import ReferenceCore
import ReferenceIO
import ReferenceVis
/// Timings of the Fourier ops: rfft2 and irfft2 (forward and VJP) on the
/// (1, 3, 224, 224) image of a Fourier-parameterised visualisation, and how
/// rfft2/irfft2 scale from 64 to 512 pixels.
///
/// Operation count of the explicit DFT (a multiply-add counts as 2) for
/// C images of H×W with Wc = W/2 + 1 half-spectrum columns: the real↔complex
/// pass along the width costs 4·H·W·Wc, the complex pass along the height
/// 8·H·H·Wc, for both rfft2 and irfft2 and for their VJPs.
extension Benchmarks {
    /// The Fourier cases, ready to be appended to `cases`.
    static var fourierCases: [Case] {
        fourierCases(size: 224, withBackward: true) + [64, 128, 256, 512].flatMap { fourierCases(size: $0, withBackward: false) }
    }

    /// rfft2 and irfft2 of (1, 3, size, size), and with `withBackward` their VJPs.
    static func fourierCases(size: Int, withBackward: Bool) -> [Case] {
        let image = [1, 3, size, size]
        let half = size / 2 + 1
        let spectrum = [1, 3, size, half, 2]
        let flops = 3.0 * (4.0 * Double(size * size * half) + 8.0 * Double(size * size * half))
        let name = image.map(String.init).joined(separator: "x")
        func random(_ shape: [Int], seed: UInt64) -> Tensor {
            var rng = RandomGenerator(seed: seed)
            return rng.normalTensor(shape)
        }
        var cases = [
            Case(name: "rfft2 forward \(name)", flops: flops) {
                let x = random(image, seed: 11)
                return { _ = try rfft2(x) }
            },
            Case(name: "irfft2 forward \(name)", flops: flops) {
                let x = random(spectrum, seed: 12)
                return { _ = try irfft2(x, s: [size, size]) }
            },
        ]
        if withBackward {
            cases += [
                Case(name: "rfft2 backward \(name)", flops: flops) {
                    let gradient = random(spectrum, seed: 13)
                    return { _ = try rfft2Backward(gradient, inputShape: image) }
                },
                Case(name: "irfft2 backward \(name)", flops: flops) {
                    let gradient = random(image, seed: 14)
                    return { _ = try irfft2Backward(gradient, inputShape: spectrum, s: [size, size]) }
                },
            ]
        }
        return cases
    }
}
