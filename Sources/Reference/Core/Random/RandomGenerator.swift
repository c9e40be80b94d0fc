import Foundation

/// The one source of randomness in refvis.
///
/// Algorithm: **PCG-XSH-RR 64/32** (O'Neill, 2014) — a 64-bit linear
/// congruential state `s ← s·6364136223846793005 + inc` whose output is the
/// top bits xor-shifted and randomly rotated to 32 bits. Seeding follows the
/// reference `pcg32_srandom_r(seed, stream)`: `inc = (stream << 1) | 1`,
/// `s = 0`, step, `s += seed`, step. Every derived draw is defined here so that
/// another language can reproduce refvis's random numbers exactly:
///
/// - `nextUInt32()`: one PCG output.
/// - `nextUInt64()`: `(hi << 32) | lo`, hi drawn first.
/// - `uniform()`: `(nextUInt64() >> 11) · 2⁻⁵³`, a double in [0, 1).
/// - `uniform(a, b)`: `a + (b − a) · uniform()`.
/// - `normal()`: Box–Muller from two uniforms u₁, u₂ (in that order):
///   `sqrt(−2 ln(1 − u₁)) · cos(2π u₂)`. One normal per call; nothing cached.
/// - `integer(in: lo..<hi)`: unbiased by rejection (Lemire's bounded draw on 32
///   bits when the range fits, else on 64 bits).
/// - `choice(from:)`: `list[integer(in: 0..<list.count)]`.
public struct RandomGenerator: Sendable, Equatable {
    private var state: UInt64
    private let increment: UInt64

    private static let multiplier: UInt64 = 6364136223846793005

    /// A generator for `seed` on stream `stream` (independent sequences for
    /// the same seed).
    public init(seed: UInt64, stream: UInt64 = 0x5EED) {
        increment = (stream << 1) | 1
        state = 0
        _ = nextUInt32()
        state &+= seed
        _ = nextUInt32()
    }

    /// The generator's whole state, (state, increment): what a checkpoint
    /// stores so that a resumed run draws exactly what the uninterrupted one would.
    public var savedState: (state: UInt64, increment: UInt64) { (state, increment) }

    /// The generator with a saved state. The increment of every PCG stream is
    /// odd; an even one cannot come from `savedState` and is refused.
    public init(savedState state: UInt64, increment: UInt64) throws {
        guard increment & 1 == 1 else { throw RefvisError("random generator: saved increment \(increment) is even; no generator has it") }
        self.state = state
        self.increment = increment
    }

    public mutating func nextUInt32() -> UInt32 {
        let old = state
        state = old &* RandomGenerator.multiplier &+ increment
        let xorShifted = UInt32(truncatingIfNeeded: ((old >> 18) ^ old) >> 27)
        let rotation = UInt32(truncatingIfNeeded: old >> 59)
        return (xorShifted >> rotation) | (xorShifted << ((~rotation &+ 1) & 31))
    }

    public mutating func nextUInt64() -> UInt64 {
        let high = UInt64(nextUInt32())
        let low = UInt64(nextUInt32())
        return (high << 32) | low
    }

    /// A double uniformly distributed in [0, 1) with 53 random bits.
    public mutating func uniform() -> Double {
        Double(nextUInt64() >> 11) * 0x1p-53
    }

    /// A double uniformly distributed in [low, high).
    public mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * uniform()
    }

    /// A standard normal draw by Box–Muller (see the type's documentation).
    public mutating func normal() -> Double {
        let u1 = uniform()
        let u2 = uniform()
        return (-2 * log(1 - u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// A normal draw with the given mean and standard deviation.
    public mutating func normal(mean: Double, std: Double) -> Double {
        mean + std * normal()
    }

    /// An integer uniformly distributed in `range` (which must not be empty).
    public mutating func integer(in range: Range<Int>) -> Int {
        precondition(!range.isEmpty, "integer(in:) with an empty range")
        let span = UInt64(bitPattern: Int64(range.upperBound &- range.lowerBound))
        if span <= UInt64(UInt32.max) {
            // Lemire's nearly-divisionless bounded draw on 32 bits.
            let bound = UInt32(span)
            var product = UInt64(nextUInt32()) * UInt64(bound)
            var low = UInt32(truncatingIfNeeded: product)
            if low < bound {
                let threshold = (0 &- bound) % bound
                while low < threshold {
                    product = UInt64(nextUInt32()) * UInt64(bound)
                    low = UInt32(truncatingIfNeeded: product)
                }
            }
            return range.lowerBound + Int(product >> 32)
        }
        // Rare wide ranges: plain rejection on 64 bits.
        let limit = UInt64.max - UInt64.max % span
        var draw = nextUInt64()
        while draw >= limit { draw = nextUInt64() }
        return range.lowerBound + Int(draw % span)
    }

    /// An integer uniformly distributed in the closed range.
    public mutating func integer(in range: ClosedRange<Int>) -> Int {
        integer(in: range.lowerBound..<(range.upperBound + 1))
    }

    /// One element of a non-empty list, chosen uniformly.
    public mutating func choice<T>(from list: [T]) -> T {
        list[integer(in: 0..<list.count)]
    }

    /// A tensor of independent normal draws, in flat index order.
    public mutating func normalTensor(_ shape: [Int], mean: Double = 0, std: Double = 1) -> Tensor {
        var scalars = [Double]()
        scalars.reserveCapacity(Tensor.elementCount(shape))
        for _ in 0..<Tensor.elementCount(shape) { scalars.append(normal(mean: mean, std: std)) }
        return Tensor(shape: shape, scalars: scalars)
    }

    /// A tensor of independent uniform draws in [low, high), in flat index order.
    public mutating func uniformTensor(_ shape: [Int], _ low: Double = 0, _ high: Double = 1) -> Tensor {
        var scalars = [Double]()
        scalars.reserveCapacity(Tensor.elementCount(shape))
        for _ in 0..<Tensor.elementCount(shape) { scalars.append(uniform(low, high)) }
        return Tensor(shape: shape, scalars: scalars)
    }
}
