import ReferenceCore

/// Everything a run carries from one step to the next — all a checkpoint
/// holds, so that a resumed run is bitwise the uninterrupted one.
public struct RenderState {
    /// Steps done so far (0 before the first).
    public var step: Int
    /// The parameters after `step` steps.
    public var parameters: [Tensor]
    /// The optimizer with its moments and counters.
    public var optimizer: any Optimizer
    /// The generator after the draws of `step` steps.
    public var rng: RandomGenerator
    /// Every transform choice so far.
    public var trace: TransformTrace
    /// The loss of every step so far.
    public var losses: [Double]
    /// (step, image) after each threshold step so far.
    public var snapshots: [(step: Int, image: Tensor)]

    public init(step: Int, parameters: [Tensor], optimizer: any Optimizer, rng: RandomGenerator, trace: TransformTrace,
                losses: [Double], snapshots: [(step: Int, image: Tensor)]) {
        self.step = step
        self.parameters = parameters
        self.optimizer = optimizer
        self.rng = rng
        self.trace = trace
        self.losses = losses
        self.snapshots = snapshots
    }
}

/// What a run produced.
public struct RenderResult {
    /// (step, image) after each threshold step, images (B, C, H, W).
    public var snapshots: [(step: Int, image: Tensor)]
    /// The loss (−objective) of every step, evaluated before that step's update.
    public var losses: [Double]
    /// Every transform choice of the run.
    public var trace: TransformTrace
    public var timings: RenderTimings
    /// The state at the end (for a checkpoint).
    public var state: RenderState
}

/// A run that stopped because the loss or the parameters stopped being
/// finite; it carries what was made until then.
public struct RenderStopped: Error, CustomStringConvertible {
    public let step: Int
    public let reason: String
    public let partial: RenderResult
    /// The last image that was finite (the initial image if none was kept).
    public let lastFiniteImage: Tensor
    public var description: String { "render: \(reason) at step \(step); stopped" }
}
