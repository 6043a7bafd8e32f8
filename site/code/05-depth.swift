// Depth: channels and filters
// The code of 05-depth.md, from "Backpropagation through a convolutional layer".
//
// Run it against the engine from a checkout of convbook:
//   swift build -c release
//   swiftc -I .build/release/Modules -L .build/release -lConvbookRuntime \
//          -Xlinker -rpath -Xlinker .build/release 05-depth.swift -o 05-depth
//   ./05-depth
// or re-run the whole chapter and compare with the published numbers:
//   convbook verify 05-depth

import ConvEngine
import ConvbookRuntime

// MARK: block 1, 05-depth.md line 118
let x = Tensor(batch: [[[[1, 0, 2], [3, 1, 0], [0, 2, 1]],
                        [[0, 1, 1], [2, 0, 1], [1, 1, 0]]]])          // (N, C, H, W) = (1, 2, 3, 3)
let w = Tensor(batch: [[[[1, 0], [0, 1]], [[0, 1], [1, 0]]],
                       [[[2, -1], [0, 0]], [[1, 1], [0, 0]]],
                       [[[0, 0], [1, -1]], [[-1, 0], [0, 2]]]])       // (F, C, HH, WW) = (3, 2, 2, 2)
let dy = Tensor(batch: [[[[1, 0], [0, -1]], [[0, 1], [2, 0]], [[1, 1], [0, 1]]]])  // (1, 3, 2, 2)
let grads = convBackward(dy, x, w)
show(grads.dx, "dx from the reference loops")

// MARK: block 2, 05-depth.md line 129
precondition(w.shape[0] == 3, "the formula for dx[0] below is written out for three filters")

// MARK: block 3, 05-depth.md line 137
let partial0 = crossCorrelate(x.slice(0).slice(0), w.slice(0).slice(0))
let partial1 = crossCorrelate(x.slice(0).slice(1), w.slice(0).slice(1))
let y = convForward(x, w)
show(partial0, "x[0] ⋆ w[0, 0]")
show(partial1, "+ x[1] ⋆ w[0, 1]")
show(y.slice(0).slice(0), "= y[0]")
checkAgreement("x[0] ⋆ w[0, 0] + x[1] ⋆ w[0, 1] vs y[0] from convForward", partial0 + partial1, y.slice(0).slice(0))
print("05-depth.md line 147:", w.shape[0] - 1)
print("05-depth.md line 152:", w.shape[0])
print("05-depth.md line 154:", convolve(dy.slice(0).slice(0), w.slice(0).slice(0), mode: .full))
print("05-depth.md line 154:", convolve(dy.slice(0).slice(1), w.slice(1).slice(0), mode: .full))
print("05-depth.md line 154:", convolve(dy.slice(0).slice(2), w.slice(2).slice(0), mode: .full))
print("05-depth.md line 154:", grads.dx.slice(0).slice(0))
print("05-depth.md line 160:", x.slice(0).slice(1))
print("05-depth.md line 160:", dy.slice(0).slice(2))
print("05-depth.md line 160:", crossCorrelate(x.slice(0).slice(1), dy.slice(0).slice(2)))
print("05-depth.md line 162:", grads.dw.slice(2).slice(1))

// MARK: block 4, 05-depth.md line 170
let wTwo = Tensor.stack([w.slice(0), w.slice(1)])                                    // (2, 2, 2, 2)
let dyMapsTwo = Tensor.stack([dy.slice(0).slice(0), dy.slice(0).slice(1)])          // (2, H', W')
let dyTwo = dyMapsTwo.reshaped([1] + dyMapsTwo.shape)                                  // one image
explore(x, wTwo, dy: dyTwo, label: "two-channels-two-filters")

// MARK: block 5, 05-depth.md line 184
/// dw[f, c] = x_pad[c] ⋆ dy[f];  dx_pad[c] = Σ_f dy[f] ∗ w[f, c], cropped by p.  One image, stride 1.
func backwardByChannelPairs(_ dy: Tensor, _ x: Tensor, _ w: Tensor, padding p: HW) -> (dx: Tensor, dw: Tensor) {
    let (F, C) = (w.shape[0], w.shape[1])
    let image = x.slice(0), upstream = dy.slice(0)      // (C, H, W) and (F, H', W')
    var dwSlices: [Tensor] = []
    for f in 0..<F {
        for c in 0..<C {
            dwSlices.append(crossCorrelate(pad(image.slice(c), p), upstream.slice(f), mode: .valid))
        }
    }
    var dxSlices: [Tensor] = []
    for c in 0..<C {
        var dxPad = convolve(upstream.slice(0), w.slice(0).slice(c), mode: .full)
        for f in 1..<F {
            dxPad += convolve(upstream.slice(f), w.slice(f).slice(c), mode: .full)
        }
        dxSlices.append(crop(dxPad, p))
    }
    return (Tensor.stack(dxSlices).reshaped(x.shape), Tensor.stack(dwSlices).reshaped(w.shape))
}

// MARK: block 6, 05-depth.md line 210
let small = backwardByChannelPairs(dy, x, w, padding: 0)
let smallDx = checkAgreement("worked example, dx: per channel pair vs loops", small.dx, grads.dx)
checkAgreement("worked example, dw: per channel pair vs loops", small.dw, grads.dw)

let pr = ConvParameters(padding: 1)
let xr = Tensor.randomNormal(shape: [1, 4, 5, 5], seed: 501)
let wr = Tensor.randomNormal(shape: [3, 4, 3, 3], seed: 502)
let dyr = Tensor.randomNormal(shape: convForward(xr, wr, nil, pr).shape, seed: 503)   // (1, F, H', W')
let gr = convBackward(dyr, xr, wr, pr)
let byPairs = backwardByChannelPairs(dyr, xr, wr, padding: pr.padding)
let randomDx = checkAgreement("random layer, dx: per channel pair vs loops", byPairs.dx, gr.dx)
let randomDw = checkAgreement("random layer, dw: per channel pair vs loops", byPairs.dw, gr.dw)

// MARK: block 7, 05-depth.md line 225
precondition(smallDx.value == 0 && small.dw.maxAbsDifference(grads.dw) == 0,
             "the prose says the integer example agrees exactly")
print("05-depth.md line 230:", smallDx)
print("05-depth.md line 231:", max(randomDx, randomDw))

// MARK: block 8, 05-depth.md line 267
let wRamp = Tensor.ramp(shape: [2, 3, 2, 2])         // F = 2 filters over C = 3 channels
let backwardRamp = rotate180(swapFilterAndChannelAxes(wRamp))
show(wRamp, "w, slices [f, c]")
show(backwardRamp, "rot180(wᵀ), slices [c, f]")
print("05-depth.md line 274:", wRamp.slice(1).slice(0).scalars.map { Int($0) })
print("05-depth.md line 276:", backwardRamp.shape[0])
print("05-depth.md line 277:", backwardRamp.shape[1])

// MARK: block 9, 05-depth.md line 283
showRotation(wRamp.slice(1).slice(0), "slice [1, 0] of w, and turned by 180 degrees: slice [0, 1] of rot180(wᵀ)")
checkAgreement("slice [0, 1] of rot180(wᵀ) vs rotate180(slice [1, 0] of w)",
               backwardRamp.slice(0).slice(1), rotate180(wRamp.slice(1).slice(0)))
print("05-depth.md line 289:", wRamp.shape[0] * wRamp.shape[1])

// MARK: block 10, 05-depth.md line 313
let p = ConvParameters(padding: 1)
let xRGB = Tensor.randomNormal(shape: [1, 3, 3, 3], seed: 511)     // one RGB image
let wRGB = Tensor.randomNormal(shape: [20, 3, 3, 3], seed: 512)    // 20 filters over 3 channels
let bRGB = Tensor.randomNormal(shape: [wRGB.shape[0]], seed: 513)
let yRGB = convForward(xRGB, wRGB, bRGB, p)
let dyRGB = Tensor.randomNormal(shape: yRGB.shape, seed: 514)      // upstream gradient, one map per filter

let backwardKernel = rotate180(swapFilterAndChannelAxes(wRGB))     // C filters over F channels
let backwardLayer = ConvParameters(padding: HW(height: wRGB.shape[2] - 1 - p.padding.height,
                                               width: wRGB.shape[3] - 1 - p.padding.width))   // HH - 1 - p
let dxByTransposedLayer = convForward(dyRGB, backwardKernel, nil, backwardLayer)
let gRGB = convBackward(dyRGB, xRGB, wRGB, p)
let rgbDifference = checkAgreement("dx: forward layer with rot180(wᵀ) vs loops", dxByTransposedLayer, gRGB.dx)
showTable(["tensor", "shape", "read as"],
          [["w", "\(wRGB.shape)", "\(wRGB.shape[0]) filters, \(wRGB.shape[1]) channels each"],
           ["rot180(wᵀ)", "\(backwardKernel.shape)", "\(backwardKernel.shape[0]) filters, \(backwardKernel.shape[1]) channels each"],
           ["y, dy", "\(dyRGB.shape)", "\(dyRGB.shape[0]) image, \(dyRGB.shape[1]) maps"],
           ["dx", "\(gRGB.dx.shape)", "\(gRGB.dx.shape[0]) image, \(gRGB.dx.shape[1]) channels"]])
print("05-depth.md line 334:", backwardKernel.shape[0])
print("05-depth.md line 335:", backwardKernel.shape[1])
print("05-depth.md line 336:", backwardLayer.padding.height)
print("05-depth.md line 337:", rgbDifference)
print("05-depth.md line 351:", dyRGB.shape[1])
print("05-depth.md line 352:", wRGB.shape[1])

// MARK: block 11, 05-depth.md line 354 (traps: kept as a comment)
// _ = convForward(dyRGB, rotate180(wRGB), nil, backwardLayer)
// 

// MARK: block 12, 05-depth.md line 361
let xSq = Tensor.randomNormal(shape: [1, 3, 5, 5], seed: 521)
let wSq = Tensor.randomNormal(shape: [3, 3, 3, 3], seed: 522)
let dySq = Tensor.randomNormal(shape: convForward(xSq, wSq, nil, p).shape, seed: 523)   // (1, F, H', W')
let dxSq = convBackward(dySq, xSq, wSq, p).dx
let dxSqForgot = convForward(dySq, rotate180(wSq), nil, backwardLayer)        // swap forgotten
let dxSqNumeric = numericalGradient(of: { convForward($0, wSq, nil, p) }, at: xSq, upstream: dySq)
print("largest entry of dx:                ", dxSq.maxAbs())
print("largest error without the swap:     ", (dxSqForgot - dxSq).maxAbs())
print("relative error against the numerics:", relError(dxSqForgot, dxSqNumeric))
let squareCheck = checkGradients(("dx with the swap", dxSq, dxSqNumeric))

// MARK: block 13, 05-depth.md line 374
precondition((dxSqForgot - dxSq).maxAbs() > 0.1 * dxSq.maxAbs(), "the prose says the error is nothing like a rounding error")
precondition(relError(dxSqForgot, dxSqNumeric) == 1, "the prose says the relative error takes its largest value, 1")
print("05-depth.md line 379:", (dxSqForgot - dxSq).maxAbs())
print("05-depth.md line 380:", dxSq.maxAbs())
print("05-depth.md line 382:", relError(dxSqForgot, dxSqNumeric))
print("05-depth.md line 383:", squareCheck["dx with the swap"])
print("05-depth.md line 384:", squareCheck.threshold)

// MARK: block 14, 05-depth.md line 394
let rgbCheck = checkGradients(
    ("dx", gRGB.dx, numericalGradient(of: { convForward($0, wRGB, bRGB, p) }, at: xRGB, upstream: dyRGB)),
    ("dw", gRGB.dw, numericalGradient(of: { convForward(xRGB, $0, bRGB, p) }, at: wRGB, upstream: dyRGB)),
    ("db", gRGB.db, numericalGradient(of: { convForward(xRGB, wRGB, $0, p) }, at: bRGB, upstream: dyRGB)))
print("05-depth.md line 401:", rgbCheck.worst)
print("05-depth.md line 402:", wRGB.count)
print("05-depth.md line 404:", xRGB.count)
print("05-depth.md line 415:", grads.db)
print("05-depth.md line 419:", grads.dw.slice(1).slice(0))

// MARK: block 15, 05-depth.md line 432
let w4 = Tensor.stack([w.slice(0), w.slice(1), w.slice(2), Tensor(repeating: 1, shape: [2, 2, 2])])
let dyMaps4 = Tensor.stack([dy.slice(0).slice(0), dy.slice(0).slice(1), dy.slice(0).slice(2),
                            Tensor(matrix: [[1, 0], [0, 0]])])
let grads4 = convBackward(dyMaps4.reshaped([1] + dyMaps4.shape), x, w4)
let oldSlices = Tensor.stack([grads4.dw.slice(0), grads4.dw.slice(1), grads4.dw.slice(2)])
let dxChange = grads4.dx - grads.dx

// MARK: block 16, 05-depth.md line 441
precondition(dxChange.slice(0).slice(1).maxAbsDifference(dxChange.slice(0).slice(0)) == 0,
             "the answer says both channels of dx change alike")
print("05-depth.md line 447:", "\(grads4.dw.shape)")
print("05-depth.md line 448:", "\(grads4.dx.shape)")
print("05-depth.md line 451:", zip(oldSlices.scalars, grads.dw.scalars).filter { $0 != $1 }.count)
print("05-depth.md line 455:", dxChange.slice(0).slice(0))

// MARK: block 17, 05-depth.md line 466
let fullPadding = ConvParameters(padding: HW(height: wRGB.shape[2] - 1, width: wRGB.shape[3] - 1))
let dxPadRGB = convForward(dyRGB, backwardKernel, nil, fullPadding)
checkAgreement("the inside of the result vs dx from the loops", crop(dxPadRGB, p.padding), gRGB.dx)

// MARK: block 18, 05-depth.md line 472
precondition(pad(crop(dxPadRGB, p.padding), p.padding) != dxPadRGB,
             "the answer says the border of the result is not zero")
print("05-depth.md line 478:", "\(dxPadRGB.shape)")
print("05-depth.md line 479:", "\(xRGB.shape)")

// MARK: block 19, 05-depth.md line 484 (traps: kept as a comment)
// _ = xRGB - 0.1 * dxPadRGB
// 
