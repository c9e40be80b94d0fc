// torch.roll: circular shifts along dimensions, and its VJP, the opposite shifts.

/// The net shift of every axis of a `roll`: the sum of the shifts that name it
/// (PyTorch applies repeated dims one after the other, which adds the shifts).
/// With `dims == nil` the tensor is rolled as if flattened, which is one shift
/// of a single axis holding every element.
private struct RollPlan {
    /// The shape the shifts act on: the input's, or `[count]` when flattened.
    let workingShape: [Int]
    let shifts: [Int]

    init(inputShape: [Int], shifts: [Int], dims: [Int]?) throws {
        guard !shifts.isEmpty else { throw RefvisError.usage("roll: shifts required (an integer or a list)") }
        guard let dims else {
            guard shifts.count == 1 else {
                throw RefvisError.usage("roll: shifts and dimensions must align: \(shifts.count) shifts \(AttributeValue.ints(shifts)) but dims is none (one shift rolls the flattened tensor)")
            }
            workingShape = [Tensor.elementCount(inputShape)]
            self.shifts = shifts
            return
        }
        guard shifts.count == dims.count else {
            throw RefvisError.usage("roll: shifts and dimensions must align: shifts \(AttributeValue.ints(shifts)) has \(shifts.count) entries, dims \(AttributeValue.ints(dims)) has \(dims.count)")
        }
        // A rank-0 tensor accepts dim 0 or -1 (PyTorch wraps scalars as rank 1)
        // and has nothing to roll.
        workingShape = inputShape.isEmpty ? [1] : inputShape
        var net = Array(repeating: 0, count: workingShape.count)
        for (shift, dim) in zip(shifts, dims) {
            let axis = try ShapeIndexing.wrapDimension(dim, rank: inputShape.count, "roll: dims \(AttributeValue.ints(dims))")
            // Reduce first so that large shifts cannot overflow the sum.
            let size = workingShape[axis]
            net[axis] = size == 0 ? 0 : (net[axis] + shift % size) % size
        }
        self.shifts = net
    }

    /// Output coordinate j along an axis of size n reads input coordinate (j − shift) mod n.
    func gatherMap() -> ShapeIndexing.GatherMap {
        let strides = Tensor.strides(for: workingShape)
        let tables = (0..<workingShape.count).map { axis -> [Int] in
            let size = workingShape[axis], shift = shifts[axis]
            guard size > 0 else { return [] }
            let wrapped = ((shift % size) + size) % size
            return (0..<size).map { j in ((j - wrapped + size) % size) * strides[axis] }
        }
        return ShapeIndexing.GatherMap(outputShape: workingShape, axisOffsets: tables)
    }
}

/// Rolls `input` circularly, with the semantics of `torch.roll(input, shifts, dims)`:
/// along each axis of size n shifted by s, `output[j] = input[(j − s) mod n]`,
/// so elements move towards higher indices for s > 0 and wrap around.
/// `shifts` and `dims` are lists of equal length (negative entries allowed;
/// a dim may repeat, its shifts add). With `dims` nil, `shifts` must have one
/// entry: the tensor is flattened, rolled and restored to its shape.
///
/// - Throws: `RefvisError` for empty shifts, lists of different lengths, or a
///   dim out of range.
public func roll(_ input: Tensor, shifts: [Int], dims: [Int]? = nil) throws -> Tensor {
    let plan = try RollPlan(inputShape: input.shape, shifts: shifts, dims: dims)
    return plan.gatherMap().gather(input.reshaped(plan.workingShape)).reshaped(input.shape)
}

/// The VJP of `roll`: a roll is a permutation of the elements, so x̄ is ȳ rolled
/// by the opposite shifts. Matches torch's gradient of roll.
///
/// - Parameters:
///   - cotangent: ȳ, of the input's shape.
///   - shifts, dims: those of the forward pass.
public func rollBackward(_ cotangent: Tensor, shifts: [Int], dims: [Int]? = nil) throws -> Tensor {
    let plan = try RollPlan(inputShape: cotangent.shape, shifts: shifts, dims: dims)
    let map = plan.gatherMap()
    return map.scatterAdd(cotangent.reshaped(plan.workingShape), inputShape: plan.workingShape).reshaped(cotangent.shape)
}

extension OpRegistry {
    static let rollOp = OpDefinition(
        name: "roll",
        summary: "circular shift: output[j] = input[(j - shift) mod n] along each dim; dims none rolls the flattened tensor (torch.roll)",
        inputs: [OpInput("input")],
        attributes: [
            AttributeSpec("shifts", .ints, default: nil, "shift per dim (one shift when dims is none); negative shifts roll back"),
            AttributeSpec("dims", .optional(.ints), default: .null, "dims to roll, same length as shifts; none rolls the flattened tensor"),
        ],
        linearIn: ["input"],
        forward: { inputs, attributes in
            [try roll(inputs[0], shifts: attributes.ints("shifts"), dims: attributes.optionalInts("dims"))]
        },
        vjp: { inputs, _, cotangents, attributes in
            try ShapeIndexing.requireCotangent(cotangents[0], inputs[0].shape, "roll")
            return [try rollBackward(cotangents[0], shifts: attributes.ints("shifts"), dims: attributes.optionalInts("dims"))]
        },
        samples: { rng in
            func sample(_ shape: [Int], shifts: [Int], dims: [Int]?) -> OpSample {
                OpSample("shape=\(formatShape(shape)) shifts=\(AttributeValue.ints(shifts)) dims=\(dims.map { "\(AttributeValue.ints($0))" } ?? "none")",
                         inputs: [rng.normalTensor(shape)],
                         attributes: ["shifts": .ints(shifts), "dims": dims.map { .ints($0) } ?? .null])
            }
            return [
                sample([7], shifts: [3], dims: nil),
                sample([3, 4], shifts: [2], dims: nil),
                sample([3, 4], shifts: [-5], dims: nil),
                sample([3, 4], shifts: [1, -2], dims: [0, -1]),
                sample([2, 3, 5], shifts: [7], dims: [2]),
                sample([2, 3, 4], shifts: [1, 2], dims: [1, 1]),
                sample([2, 2, 3], shifts: [-1, 1, 2], dims: [-3, 1, 2]),
            ]
        })
}
