/// Expands a spatial argument the way PyTorch's `_pair` does: one integer
/// means the same value for height and width, two integers are
/// `(height, width)`. Anything else, or a value below `minimum`, is a usage
/// error naming the op and the argument.
///
/// Shared by conv2d and the 2-d pools so that `stride=2` and `stride=[2, 2]`
/// mean the same thing everywhere, as in `torch.nn.functional`.
func expandPair(_ values: [Int], _ name: String, op: String, minimum: Int) throws -> (Int, Int) {
    let pair: (Int, Int)
    switch values.count {
    case 1: pair = (values[0], values[0])
    case 2: pair = (values[0], values[1])
    default:
        throw RefvisError.usage("\(op): '\(name)' needs 1 or 2 integers, got \(values.count) (\(AttributeValue.ints(values)))")
    }
    guard pair.0 >= minimum && pair.1 >= minimum else {
        throw RefvisError.usage("\(op): '\(name)' must be at least \(minimum), got \(AttributeValue.ints(values))")
    }
    return pair
}
