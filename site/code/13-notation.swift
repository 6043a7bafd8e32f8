// Notation and glossary
// The code of 13-notation.md, from "Backpropagation through a convolutional layer".
//
// Run it against the engine from a checkout of convbook:
//   swift build -c release
//   swiftc -I .build/release/Modules -L .build/release -lConvbookRuntime \
//          -Xlinker -rpath -Xlinker .build/release 13-notation.swift -o 13-notation
//   ./13-notation
// or re-run the whole chapter and compare with the published numbers:
//   convbook verify 13-notation

import ConvEngine
import ConvbookRuntime

// MARK: block 1, 13-notation.md line 202
let xQA = Tensor.randomNormal(shape: [1, 3, 5, 6], seed: 71)
let wQA = Tensor.randomNormal(shape: [2, 3, 3, 2], seed: 72)
let dyQA = Tensor.randomNormal(shape: [1, 2, 3, 5], seed: 73)
let (C, H, W) = (xQA.shape[1], xQA.shape[2], xQA.shape[3])
let (F, HH, WW) = (wQA.shape[0], wQA.shape[2], wQA.shape[3])
let (outH, outW) = (dyQA.shape[2], dyQA.shape[3])
// The thread's tensors, read with its 1-based, channels-last indices.
func deltaNext(_ i: Int, _ j: Int, _ k: Int) -> Double { dyQA[0, k - 1, i - 1, j - 1] }
func kernel(_ a: Int, _ b: Int, _ u: Int, _ k: Int) -> Double { wQA[k - 1, u - 1, a - 1, b - 1] }
var delta = [Double](repeating: 0, count: C * H * W)
for m in 1...H {
    for n in 1...W {
        for u in 1...C {
            var sum = 0.0
            for k in 1...F {
                for a in 1...HH {
                    for b in 1...WW {
                        let (i, j) = (m - a + 1, n - b + 1)
                        guard (1...outH).contains(i) && (1...outW).contains(j) else { continue }
                        sum += deltaNext(i, j, k) * kernel(a, b, u, k)
                    }
                }
            }
            delta[((u - 1) * H + (m - 1)) * W + (n - 1)] = sum
        }
    }
}
let qaDifference = checkAgreement("the Q&A thread's δ (1-based, channels last) vs convBackward's dx",
                                  Tensor(shape: [1, C, H, W], scalars: delta), convBackward(dyQA, xQA, wQA).dx)
print("13-notation.md line 234:", qaDifference)
