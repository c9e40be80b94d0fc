import ReferenceCore
import ReferenceVis

/// `refvis help render`'s text, generated from the stage catalogs, so every
/// name the recipe accepts is listed with its arguments and defaults.
enum RenderHelp {
    static var details: String {
        var lines = [
            "With no options it renders channel 0 of the bundled model's class map (its 'horizontal",
            "stripes' class) at 128 px: Fourier image, decorrelated colour, sigmoid, Lucent's standard",
            "transforms, Adam with lr 0.05 (Lucent's render_vis), 512 steps, seed 0, into render.png.",
            "The loop: start → parameterization → colour → squash → transforms → model → objective",
            "→ loss = −objective → gradient processing → update → after-step operations, for every",
            "step and every octave. Stage choices are NAME or NAME:ARG:ARG…; lists are comma separated.",
        ]
        func section(_ title: String, _ entries: [String]) {
            lines.append("")
            lines.append(title)
            lines += entries.map { "  " + $0 }
        }
        section("Objective functions (--objective; combine with + - * /, or write layer:channel):", ObjectiveHelp.lines)
        section("Parameterizations (--param):", ParameterizationSpec.catalog.map(\.helpLine))
        section("Starts (--start):", StartSpec.catalog.map(\.helpLine))
        section("Squashes (--squash):", SquashSpec.catalog.map(\.helpLine))
        section("Transforms (--transforms; also 'standard', 'lucid', 'none'):", TransformSpec.catalog.map { "\($0.name)\($0.argument.map { ":" + $0 } ?? "")  \($0.summary)" })
        section("Gradient processing (--gradient):", GradientProcessing.catalog.map(\.helpLine))
        section("Optimizers (--optimizer, with torch.optim's hyperparameters):", OptimizerSettings.helpLines())
        section("After-step operations (--after-step):", AfterStepOperation.catalog.map(\.helpLine))
        section("Scale schedule (--octaves COUNT:SCALE):", OctaveSchedule.catalog.map(\.helpLine))
        return lines.joined(separator: "\n")
    }
}
