import ReferenceCore
import ReferenceIO
/// A sum of low-resolution images at scales 1, 2, 4, …, 2^(levels−1):
///
///     image = Σ_{n < levels} lowres_tensor(shape, (B, C, H / 2ⁿ, W / 2ⁿ), sd)
///
/// (integer division, as Python's //), each level a `LowresTensor` drawn in order n = 0,
/// 1, …. Lucid's `laplacian_pyramid_image(shape, n_levels=4, sd)` (the deprecated
/// `laplacian_pyramid`); sd defaults to 0.01 through `lowres_tensor`. Coarse levels move
/// large regions with one parameter, so a gradient step changes low frequencies more
/// than a pixel parameterization would. Every level must keep at least one pixel:
/// H and W ≥ 2^(levels−1).
public struct LaplacianPyramidImage: ImageParameterization {
    public let imageShape: [Int]
    public let levels: [LowresTensor]

    public init(shape: [Int], levels count: Int = 4, sd: Double = 0.01) throws {
        let name = "laplacian_pyramid_image"
        try ParameterizationChecks.imageShape(shape, name)
        guard count >= 1 else { throw RefvisError.usage("\(name): n_levels must be at least 1, got \(count)") }
        var levels = [LowresTensor]()
        var (height, width) = (shape[2], shape[3])
        for n in 0..<count {
            guard height >= 1, width >= 1 else {
                throw RefvisError.usage("\(name): level \(n) of \(count) would be empty for image \(AttributeValue.ints(shape)); use at most \(n) levels")
            }
            levels.append(try LowresTensor(shape: shape, underlyingShape: [shape[0], shape[1], height, width], sd: sd))
            (height, width) = (height / 2, width / 2)
        }
        imageShape = shape
        self.levels = levels
    }

    public var parameterShapes: [[Int]] { levels.flatMap(\.parameterShapes) }

    public func initialParameters(_ rng: inout RandomGenerator) -> [Tensor] {
        levels.flatMap { $0.initialParameters(&rng) }
    }

    public func image(on tape: Tape, parameters: [Variable]) throws -> Variable {
        try checkParameters(parameters, on: tape, "laplacian_pyramid_image")
        var sum = try levels[0].image(on: tape, parameters: [parameters[0]])
        for n in 1..<levels.count {
            sum = try tape.add(sum, try levels[n].image(on: tape, parameters: [parameters[n]]))
        }
        return sum
    }
}
