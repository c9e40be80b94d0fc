import ReferenceCore
import ReferenceIO
import ReferenceVis
/// The pipeline golden cases, each in `Fixtures/golden/pipelines/<name>/`:
///
/// - `fourier-to-objective`: one forward and backward pass, Fourier image →
///   decorrelation → sigmoid → five recorded transforms → a tiny conv net →
///   a channel objective, every stage kept, with d objective / d spectrum;
/// - `render-8-adam`: eight Adam steps of `render` on the tiny conv net;
/// - `render-8-adam-bundled`: eight Adam steps on the bundled model.
///
/// `refvis golden update` writes them with `generate()`, `refvis golden check`
/// reruns them with `recompute(_:in:)` from their committed inputs and files.
public enum GoldenPipelines {
    public static let all: [any GoldenPipeline] = [
        FourierToObjectivePipeline(),
        RenderAdamPipeline.tiny,
        RenderAdamPipeline.bundled,
    ]
}
