#!/usr/bin/env python3
"""NumPy half of the conv-layer benchmark (see Benchmarks/run.sh).

Two NumPy implementations of one 2-D convolution layer, forward and backward,
float64, NCHW, weights (F, C, HH, WW):

* ``naive``  - per-output-element Python loops with ``np.sum`` over the window,
               in the style of CS231n's conv_forward_naive / conv_backward_naive.
* ``im2col`` - im2col built by a loop over the HH*WW kernel taps with strided
               slicing, one ``@`` (BLAS dgemm) per product, col2im by the same
               tap loop with ``+=`` on strided slices.

Usage:
    python3 Benchmarks/numpy_conv.py            # stand-alone run, prints a summary
    python3 Benchmarks/numpy_conv.py --json     # line protocol used by convbench

``--json`` protocol (one JSON object per line on stdin/stdout):
  * on start-up the script prints a "hello" object: versions, BLAS information,
    and the result of checking naive against im2col (max |difference|, which must
    be <= 1e-10, otherwise "ok" is false and the script exits with status 1);
  * {"cmd": "time", "impl": "im2col"|"naive", "reps": k, "warmup": w, "settle": s}
    sleeps s seconds, runs w untimed forward+backward pairs, then k timed pairs;
    answers {"forward": [seconds...], "backward": [seconds...]};
  * {"cmd": "crosscheck", "dir": path} reads x, w, b, dy (and the Swift results
    y, dx, dw, db) as raw little-endian float64 files from path and answers the
    max |difference| between NumPy im2col's results and Swift's;
  * end of input ends the script.
"""

import json
import os
import platform
import sys
import time

SHAPE = dict(N=8, C=16, H=32, W=32, F=32, HH=3, WW=3, stride=1, pad=1)
TOLERANCE = 1e-10


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


try:
    import numpy as np
except Exception as exc:  # ImportError, or a broken installation
    if "--json" in sys.argv:
        emit({"ok": False, "error": "numpy is not importable: %s: %s" % (type(exc).__name__, exc)})
    else:
        print("numpy is not importable: %s" % exc, file=sys.stderr)
    sys.exit(1)


# --------------------------------------------------------------------------
# Naive loops (CS231n style)
# --------------------------------------------------------------------------

def conv_forward_naive(x, w, b, stride, pad):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    Ho = 1 + (H + 2 * pad - HH) // stride
    Wo = 1 + (W + 2 * pad - WW) // stride
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode="constant")
    out = np.zeros((N, F, Ho, Wo))
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                hs = i * stride
                for j in range(Wo):
                    ws = j * stride
                    window = xp[n, :, hs:hs + HH, ws:ws + WW]
                    out[n, f, i, j] = np.sum(window * w[f]) + b[f]
    return out


def conv_backward_naive(dout, x, w, stride, pad):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    _, _, Ho, Wo = dout.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode="constant")
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    db = np.sum(dout, axis=(0, 2, 3))
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                hs = i * stride
                for j in range(Wo):
                    ws = j * stride
                    g = dout[n, f, i, j]
                    dw[f] += xp[n, :, hs:hs + HH, ws:ws + WW] * g
                    dxp[n, :, hs:hs + HH, ws:ws + WW] += w[f] * g
    dx = dxp[:, :, pad:pad + H, pad:pad + W]
    return dx, dw, db


# --------------------------------------------------------------------------
# im2col + BLAS
# --------------------------------------------------------------------------

def im2col(x, HH, WW, stride, pad):
    """cols of shape (C*HH*WW, N*Ho*Wo), rows ordered (c, a, b), columns (n, i, j)."""
    N, C, H, W = x.shape
    Ho = 1 + (H + 2 * pad - HH) // stride
    Wo = 1 + (W + 2 * pad - WW) // stride
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode="constant")
    cols = np.empty((C, HH, WW, N, Ho, Wo), dtype=x.dtype)
    for a in range(HH):
        for b in range(WW):
            cols[:, a, b] = xp[:, :, a:a + stride * Ho:stride, b:b + stride * Wo:stride].transpose(1, 0, 2, 3)
    return cols.reshape(C * HH * WW, N * Ho * Wo), Ho, Wo


def col2im(dcols, x_shape, HH, WW, Ho, Wo, stride, pad):
    """Adjoint of im2col: adds every column back where it was read from."""
    N, C, H, W = x_shape
    dcols = dcols.reshape(C, HH, WW, N, Ho, Wo)
    dxp = np.zeros((N, C, H + 2 * pad, W + 2 * pad), dtype=dcols.dtype)
    for a in range(HH):
        for b in range(WW):
            dxp[:, :, a:a + stride * Ho:stride, b:b + stride * Wo:stride] += dcols[:, a, b].transpose(1, 0, 2, 3)
    return np.ascontiguousarray(dxp[:, :, pad:pad + H, pad:pad + W])


def conv_forward_im2col(x, w, b, stride, pad):
    N = x.shape[0]
    F, _, HH, WW = w.shape
    cols, Ho, Wo = im2col(x, HH, WW, stride, pad)
    out = w.reshape(F, -1) @ cols + b.reshape(F, 1)
    # (F, N*Ho*Wo) -> (N, F, Ho, Wo), contiguous like the Swift result.
    return np.ascontiguousarray(out.reshape(F, N, Ho, Wo).transpose(1, 0, 2, 3))


def conv_backward_im2col(dout, x, w, stride, pad):
    # cols is recomputed from x (not cached from the forward pass), exactly as
    # the Swift convBackwardIm2col does, so both do the same work.
    F, _, HH, WW = w.shape
    db = dout.sum(axis=(0, 2, 3))
    cols, Ho, Wo = im2col(x, HH, WW, stride, pad)
    dout_r = dout.transpose(1, 0, 2, 3).reshape(F, -1)      # (F, N*Ho*Wo), a copy
    dw = (dout_r @ cols.T).reshape(w.shape)
    dcols = w.reshape(F, -1).T @ dout_r                     # (C*HH*WW, N*Ho*Wo)
    dx = col2im(dcols, x.shape, HH, WW, Ho, Wo, stride, pad)
    return dx, dw, db


IMPLS = {
    "naive": (conv_forward_naive, conv_backward_naive),
    "im2col": (conv_forward_im2col, conv_backward_im2col),
}


# --------------------------------------------------------------------------
# Data, checks, timing
# --------------------------------------------------------------------------

def make_data(seed=0):
    s = SHAPE
    rng = np.random.default_rng(seed)
    Ho = 1 + (s["H"] + 2 * s["pad"] - s["HH"]) // s["stride"]
    Wo = 1 + (s["W"] + 2 * s["pad"] - s["WW"]) // s["stride"]
    x = rng.standard_normal((s["N"], s["C"], s["H"], s["W"]))
    w = rng.standard_normal((s["F"], s["C"], s["HH"], s["WW"]))
    b = rng.standard_normal(s["F"])
    dy = rng.standard_normal((s["N"], s["F"], Ho, Wo))
    return x, w, b, dy


def max_abs(a, b):
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))))


def check_naive_vs_im2col(x, w, b, dy):
    st, pd = SHAPE["stride"], SHAPE["pad"]
    y0 = conv_forward_naive(x, w, b, st, pd)
    y1 = conv_forward_im2col(x, w, b, st, pd)
    g0 = conv_backward_naive(dy, x, w, st, pd)
    g1 = conv_backward_im2col(dy, x, w, st, pd)
    diffs = {"y": max_abs(y0, y1), "dx": max_abs(g0[0], g1[0]),
             "dw": max_abs(g0[1], g1[1]), "db": max_abs(g0[2], g1[2])}
    return diffs, all(v <= TOLERANCE for v in diffs.values())


def time_impl(impl, data, reps, warmup=0, settle=0.0):
    fwd, bwd = IMPLS[impl]
    x, w, b, dy = data
    st, pd = SHAPE["stride"], SHAPE["pad"]
    if settle > 0:
        time.sleep(settle)
    for _ in range(warmup):
        fwd(x, w, b, st, pd)
        bwd(dy, x, w, st, pd)
    tf, tb = [], []
    faults0 = minor_faults()
    clock = time.perf_counter
    for _ in range(reps):
        t0 = clock()
        fwd(x, w, b, st, pd)
        t1 = clock()
        bwd(dy, x, w, st, pd)
        t2 = clock()
        tf.append(t1 - t0)
        tb.append(t2 - t1)
    return tf, tb, minor_faults() - faults0


def minor_faults():
    try:
        import resource
        return resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    except Exception:  # no resource module (Windows)
        return 0


def crosscheck(directory):
    def load(name, shape):
        return np.fromfile(os.path.join(directory, name + ".f64"), dtype="<f8").reshape(shape)
    s = SHAPE
    Ho = 1 + (s["H"] + 2 * s["pad"] - s["HH"]) // s["stride"]
    Wo = 1 + (s["W"] + 2 * s["pad"] - s["WW"]) // s["stride"]
    xs, ws = (s["N"], s["C"], s["H"], s["W"]), (s["F"], s["C"], s["HH"], s["WW"])
    ys = (s["N"], s["F"], Ho, Wo)
    x, w, b, dy = load("x", xs), load("w", ws), load("b", (s["F"],)), load("dy", ys)
    y = conv_forward_im2col(x, w, b, s["stride"], s["pad"])
    dx, dw, db = conv_backward_im2col(dy, x, w, s["stride"], s["pad"])
    return {"y": max_abs(y, load("y", ys)), "dx": max_abs(dx, load("dx", xs)),
            "dw": max_abs(dw, load("dw", ws)), "db": max_abs(db, load("db", (s["F"],)))}


# --------------------------------------------------------------------------
# BLAS information (read-only: nothing here changes OpenBLAS behaviour)
# --------------------------------------------------------------------------

def blas_info():
    info = {}
    try:
        cfg = np.show_config(mode="dicts")
        blas = cfg.get("Build Dependencies", {}).get("blas", {})
        info["build"] = "%s %s" % (blas.get("name", "?"), blas.get("version", "?"))
        if blas.get("openblas configuration"):
            info["build_config"] = " ".join(str(blas["openblas configuration"]).split())
    except Exception as exc:
        info["build"] = "np.show_config failed: %s" % exc
    try:
        import threadpoolctl
        pools = threadpoolctl.threadpool_info()
        info["runtime"] = "; ".join(
            "%s %s %s, %s threads, architecture %s" % (
                p.get("internal_api"), p.get("version"), os.path.basename(p.get("filepath", "")),
                p.get("num_threads"), p.get("architecture"))
            for p in pools)
        info["runtime_source"] = "threadpoolctl %s" % threadpoolctl.__version__
        return info
    except ImportError:
        pass
    except Exception as exc:
        info["runtime_error"] = "threadpoolctl failed: %s" % exc
    # No threadpoolctl: ask the OpenBLAS that numpy loaded, through ctypes.
    try:
        import ctypes
        import glob
        site = os.path.dirname(os.path.dirname(np.__file__))
        libs = sorted(glob.glob(os.path.join(site, "numpy.libs", "*openblas*"))
                      + glob.glob(os.path.join(site, "numpy", ".dylibs", "*openblas*")))
        for path in libs:
            lib = ctypes.CDLL(path)
            for prefix, suffix in (("scipy_openblas_", "64_"), ("scipy_openblas_", ""), ("openblas_", "64_"), ("openblas_", "")):
                try:
                    corename = getattr(lib, prefix + "get_corename" + suffix)
                    config = getattr(lib, prefix + "get_config" + suffix)
                    threads = getattr(lib, prefix + "get_num_threads" + suffix)
                except AttributeError:
                    continue
                corename.restype = ctypes.c_char_p
                config.restype = ctypes.c_char_p
                info["runtime"] = "%s; core %s; %d threads (%s)" % (
                    config().decode(), corename().decode(), threads(), os.path.basename(path))
                info["runtime_source"] = "ctypes (threadpoolctl not installed)"
                return info
    except Exception as exc:
        info["runtime_error"] = "ctypes query failed: %s" % exc
    return info


def hello():
    return {
        "python": platform.python_version(),
        "python_executable": sys.executable,
        "numpy": np.__version__,
        "blas": blas_info(),
    }


# --------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------

def serve():
    data = make_data(0)
    msg = hello()
    diffs, ok = check_naive_vs_im2col(*data)
    msg["check"] = {"naive_vs_im2col_max_abs_diff": diffs, "tolerance": TOLERANCE}
    msg["ok"] = ok
    if not ok:
        msg["check_failed"] = True
        msg["error"] = "NumPy naive and im2col disagree by more than %g: %s" % (TOLERANCE, diffs)
        emit(msg)
        sys.exit(1)
    emit(msg)
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line)
            cmd = req.get("cmd")
            if cmd == "time":
                tf, tb, faults = time_impl(req["impl"], data, int(req["reps"]),
                                           int(req.get("warmup", 0)), float(req.get("settle", 0)))
                emit({"ok": True, "forward": tf, "backward": tb, "faults": faults})
            elif cmd == "crosscheck":
                emit({"ok": True, "max_abs_diff": crosscheck(req["dir"])})
            else:
                emit({"ok": False, "error": "unknown command %r" % cmd})
        except Exception as exc:
            emit({"ok": False, "error": "%s: %s" % (type(exc).__name__, exc)})


def standalone():
    import statistics
    s = SHAPE
    Ho = 1 + (s["H"] + 2 * s["pad"] - s["HH"]) // s["stride"]
    Wo = 1 + (s["W"] + 2 * s["pad"] - s["WW"]) // s["stride"]
    flops = 2 * s["N"] * s["F"] * s["C"] * s["HH"] * s["WW"] * Ho * Wo
    data = make_data(0)
    print(json.dumps(hello(), indent=2))
    diffs, ok = check_naive_vs_im2col(*data)
    print("naive vs im2col max |diff|:", diffs, "OK" if ok else "FAILED")
    if not ok:
        sys.exit(1)
    for impl, reps, warmup in (("im2col", 50, 5), ("naive", 3, 0)):
        tf, tb, faults = time_impl(impl, data, reps, warmup)
        mf, mb = statistics.median(tf), statistics.median(tb)
        print("%-7s forward %9.3f ms (%6.2f GFLOP/s)  backward %9.3f ms (%6.2f GFLOP/s)  [%d reps, %d page faults per pair]" % (
            impl, mf * 1e3, flops / mf / 1e9, mb * 1e3, 2 * flops / mb / 1e9, reps, faults // reps))


if __name__ == "__main__":
    if "--json" in sys.argv[1:]:
        serve()
    else:
        standalone()
