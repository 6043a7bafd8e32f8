#!/usr/bin/env python3
"""The inputs of CS231n's gradient check of conv_backward_naive, for chapter 6.

CS231n's assignment (the convolutional-networks notebook of assignment 2)
checks conv_backward_naive on four arrays drawn from NumPy's legacy random
stream:

    np.random.seed(231)
    x = np.random.randn(4, 3, 5, 5)
    w = np.random.randn(2, 3, 3, 3)
    b = np.random.randn(2,)
    dout = np.random.randn(4, 2, 5, 5)
    conv_param = {'stride': 1, 'pad': 1}

This script draws the same four arrays, in the same order from the same
stream, and saves them as chapters/cs231n/{x,w,b,dout}.npy (float64, C order),
which chapter 6 (chapters/06-batch.md) names in its front matter and reads
with loadNPY. The legacy stream (np.random.seed / np.random.randn, that is
numpy.random.RandomState) is frozen by NumPy's compatibility policy (NEP 19),
so any NumPy version draws the same numbers.

Run it from the repository root, with NumPy installed, e.g.

    python3 -m venv /tmp/np && /tmp/np/bin/pip install numpy
    /tmp/np/bin/python scripts/cs231n_inputs.py

The committed files were made with NumPy 2.4.6 (Python 3.11.7). Running the
script again must leave them byte for byte as they are (git status clean).
"""
import os

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "chapters", "cs231n")


def main():
    np.random.seed(231)
    arrays = {}
    arrays["x"] = np.random.randn(4, 3, 5, 5)
    arrays["w"] = np.random.randn(2, 3, 3, 3)
    arrays["b"] = np.random.randn(2,)
    arrays["dout"] = np.random.randn(4, 2, 5, 5)
    os.makedirs(OUT, exist_ok=True)
    for name, array in arrays.items():
        path = os.path.join(OUT, name + ".npy")
        np.save(path, np.ascontiguousarray(array, dtype="<f8"))
        print("wrote", os.path.relpath(path), array.shape)
    print("made with NumPy", np.__version__)


if __name__ == "__main__":
    main()
