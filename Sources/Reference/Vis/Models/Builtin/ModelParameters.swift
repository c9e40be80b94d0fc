import ReferenceCore
import ReferenceIO
extension Model {
    /// The model `description` with the weights of a file whose tensor names
    /// are the parameter keys: a PyTorch checkpoint when the name ends in
    /// `.pth` or `.pt` (`torch.save(model.state_dict())`, read without
    /// PyTorch by `TorchCheckpoint`, a nested `{"state_dict": …}` included),
    /// otherwise a safetensors file (`safetensors.torch.save_file`). The
    /// extension decides because both formats are what people name them, and
    /// a wrong guess should fail with the reader's own message. When every
    /// name of a checkpoint starts with `module.` (a model trained under
    /// `DataParallel`), the prefix is removed. Any dtype refvis reads is
    /// accepted and converted to Float64. Missing, unexpected and wrongly
    /// shaped tensors are all listed in one error that names the file.
    public static func load(_ description: ModelDescription, weightsPath: String) throws -> Model {
        let tensors: [String: Tensor]
        let lowercased = weightsPath.lowercased()
        if lowercased.hasSuffix(".pth") || lowercased.hasSuffix(".pt") {
            let checkpoint = try TorchCheckpoint.read(path: weightsPath)
            let prefix = "module."
            let prefixed = !checkpoint.isEmpty && checkpoint.keys.allSatisfy { $0.hasPrefix(prefix) }
            tensors = !prefixed ? checkpoint
                : Dictionary(uniqueKeysWithValues: checkpoint.map { (String($0.key.dropFirst(prefix.count)), $0.value) })
        } else {
            tensors = try SafeTensorsFile.read(path: weightsPath).tensors
        }
        return try wrap(weightsPath) { try Model(description, parameters: tensors) }
    }
}

/// Deterministic random parameters for tests and experiments: He-normal
/// weights, `N(0, (scale · √(2 / fan_in))²)` with `fan_in` the product of a
/// weight's dimensions after the first (in·kH·kW for a convolution, `in` for
/// a linear layer), and biases — rank-1 parameters — `N(0, (0.1 · scale)²)`.
/// (A rank-0 parameter is drawn like a bias.)
///
/// Each tensor has its own stream, derived from its name (FNV-1a of the
/// UTF-8), and is drawn in flat index order with `RandomGenerator(seed:
/// stream:)`'s `normal()`, so a tensor does not change when others are added
/// or removed.
public func randomParameters(for description: ModelDescription, seed: UInt64, scale: Double = 1) -> [String: Tensor] {
    var result = [String: Tensor]()
    for parameter in description.parameters {
        result[parameter.name] = randomParameter(parameter, seed: seed, scale: scale)
    }
    return result
}

/// One parameter drawn as `randomParameters(for:seed:scale:)` draws it.
public func randomParameter(_ parameter: ParameterDescription, seed: UInt64, scale: Double = 1) -> Tensor {
    var rng = RandomGenerator(seed: seed, stream: fnv1a(parameter.name))
    let std: Double
    if parameter.shape.count >= 2 {
        let fanIn = max(parameter.shape.dropFirst().reduce(1, *), 1)
        std = scale * (2 / Double(fanIn)).squareRoot()
    } else {
        std = 0.1 * scale
    }
    return rng.normalTensor(parameter.shape, std: std)
}

/// Every parameter filled with zeros: enough to run the graph for its shapes,
/// which do not depend on the weights.
public func zeroParameters(for description: ModelDescription) -> [String: Tensor] {
    Dictionary(description.parameters.map { ($0.name, Tensor.zeros($0.shape)) }, uniquingKeysWith: { a, _ in a })
}
