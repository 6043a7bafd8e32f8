#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// ReLU, `a = max(0, z)`, elementwise.
public func relu(_ z: Tensor) -> Tensor {
    z.map { $0 > 0 ? $0 : 0 }
}

/// The backward pass of ReLU: `dz = da ⊙ g'(z)` with `g'(z) = 1` where `z > 0`
/// and `0` elsewhere (the subgradient 0 is taken at the kink `z = 0`).
public func reluBackward(_ da: Tensor, _ z: Tensor) -> Tensor {
    require(da.shape == z.shape, "reluBackward needs equal shapes, got \(da.shape) and \(z.shape)")
    var dz = da
    for k in dz.scalars.indices where z.scalars[k] <= 0 { dz.scalars[k] = 0 }
    return dz.computed(from: z)
}

/// A scalar loss and its gradient with respect to the loss's input.
public struct LossAndGradient: Equatable, Sendable {
    public var loss: Double
    public var gradient: Tensor
}

/// Half the squared distance to a target, `L = ½ Σ (y - t)²`, and `dL/dy = y - t`.
///
/// ```swift
/// let l = squaredErrorLoss(Tensor(vector: [1, 2]), target: Tensor(vector: [0, 0]))
/// l.loss       // 2.5
/// l.gradient   // [1, 2]
/// ```
public func squaredErrorLoss(_ y: Tensor, target: Tensor) -> LossAndGradient {
    require(y.shape == target.shape, "squaredErrorLoss needs equal shapes, got \(y.shape) and \(target.shape)")
    let difference = y - target
    return LossAndGradient(loss: 0.5 * difference.dot(difference), gradient: difference)
}

/// The mean softmax cross-entropy of `scores` (N × K) against integer class
/// `labels`, and its gradient `(softmax(scores) - onehot(labels)) / N`.
public func softmaxCrossEntropyLoss(_ scores: Tensor, labels: [Int]) -> LossAndGradient {
    require(scores.rank == 2 && scores.shape[0] == labels.count,
                 "softmaxCrossEntropyLoss needs N × K scores and N labels, got \(scores.shape) and \(labels.count)")
    let (N, K) = (scores.shape[0], scores.shape[1])
    var gradient = Tensor(zeros: scores.shape)
    var loss = 0.0
    for n in 0..<N {
        require(labels[n] >= 0 && labels[n] < K, "label \(labels[n]) is not in 0..<\(K)")
        var largest = -Double.infinity
        for k in 0..<K { largest = Swift.max(largest, scores[n, k]) }
        var total = 0.0
        for k in 0..<K { total += exp(scores[n, k] - largest) }
        for k in 0..<K {
            let probability = exp(scores[n, k] - largest) / total
            gradient[n, k] = (probability - (k == labels[n] ? 1 : 0)) / Double(N)
        }
        loss -= (scores[n, labels[n]] - largest - log(total)) / Double(N)
    }
    return LossAndGradient(loss: loss, gradient: gradient.computed(from: scores))
}
