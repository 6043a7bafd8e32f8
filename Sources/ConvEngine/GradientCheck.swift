/// The relative error used by CS231n's gradient checks, elementwise:
///
///     relError(a, b) = max over elements of |a - b| / max(1e-8, |a| + |b|)
///
/// About 1e-7 or less means the analytic gradient is right; 1e-2 or more means
/// it is wrong. A NaN anywhere makes the error NaN, and so do empty tensors
/// (there is nothing to compare), so that no check passes on them.
public func relError(_ a: Tensor, _ b: Tensor) -> Double {
    require(a.shape == b.shape, "relError needs equal shapes, got \(a.shape) and \(b.shape)")
    if a.count == 0 { return .nan }
    var largest = 0.0
    for k in a.scalars.indices {
        let (x, y) = (a.scalars[k], b.scalars[k])
        let error = abs(x - y) / Swift.max(1e-8, abs(x) + abs(y))
        if error.isNaN { return .nan }
        largest = Swift.max(largest, error)
    }
    return largest
}

/// The relative error of two scalars, `|a - b| / max(1e-8, |a| + |b|)`.
public func relError(_ a: Double, _ b: Double) -> Double {
    abs(a - b) / Swift.max(1e-8, abs(a) + abs(b))
}

/// The numerical gradient of `Σ f(x) ⊙ dy` with respect to `x`, by centred
/// differences one element at a time:
///
///     dx[k] ≈ Σ ( f(x + h·e_k) - f(x - h·e_k) ) ⊙ dy / (2h)
///
/// This is CS231n's `eval_numerical_gradient_array`: `f` is a layer, `dy` the
/// upstream gradient of its output. The default step is `h = 1e-5`.
///
/// ```swift
/// let dxNum = numericalGradient(of: { convForward($0, w, b) }, at: x, upstream: dy)
/// relError(dxNum, convBackward(dy, x, w).dx)   // ~1e-9
/// ```
public func numericalGradient(of f: (Tensor) -> Tensor, at x: Tensor, upstream dy: Tensor, h: Double = 1e-5) -> Tensor {
    var outputs = [Tensor?]()   // one output of f, to learn whether f sums in a fixed order
    let gradient = centredDifferences(at: x, h: h) { plus, minus in
        let (up, down) = (f(plus), f(minus))
        require(up.shape == dy.shape, "f's output has shape \(up.shape) but the upstream gradient has \(dy.shape)")
        if outputs.isEmpty { outputs = [up, down] }
        var total = 0.0
        for q in up.scalars.indices { total += (up.scalars[q] - down.scalars[q]) * dy.scalars[q] }
        return total
    }
    return gradient.computed(fromAll: outputs + [x, dy])
}

/// The numerical gradient of a scalar function, by centred differences:
/// `dx[k] ≈ (f(x + h·e_k) - f(x - h·e_k)) / (2h)` (CS231n's `eval_numerical_gradient`).
public func numericalGradient(ofScalar f: (Tensor) -> Double, at x: Tensor, h: Double = 1e-5) -> Tensor {
    centredDifferences(at: x, h: h) { plus, minus in f(plus) - f(minus) }.computed(from: x)
}

/// For each element k: `change(x + h·e_k, x - h·e_k) / (2h)`.
private func centredDifferences(at x: Tensor, h: Double, _ change: (_ plus: Tensor, _ minus: Tensor) -> Double) -> Tensor {
    var plus = x, minus = x
    var gradient = Tensor(zeros: x.shape)
    for k in x.scalars.indices {
        plus.scalars[k] = x.scalars[k] + h
        minus.scalars[k] = x.scalars[k] - h
        gradient.scalars[k] = change(plus, minus) / (2 * h)
        plus.scalars[k] = x.scalars[k]
        minus.scalars[k] = x.scalars[k]
    }
    return gradient
}
