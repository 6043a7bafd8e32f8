/*
 * Another BLAS kernel, for tests: cblas_dgemm and cblas_dgemv that sum in a
 * different order from OpenBLAS (pairs of taps from the far end inwards).
 *
 * OpenBLAS chooses its kernel by CPU, so the last bits of a product differ
 * from one machine to the next. CI runs on the machine that built site/ and
 * cannot see that. Preloaded (LD_PRELOAD) into convbook and the chapter
 * programs it runs, this library makes the difference happen on purpose,
 * without OPENBLAS_CORETYPE (which some machines set deliberately).
 * scripts/with-other-kernel.sh builds and preloads it.
 */
#include <stddef.h>

enum { RowMajor = 101, ColMajor = 102 };
enum { NoTrans = 111, Trans = 112, ConjTrans = 113 };

/* Element (i, j) of op(M) for a matrix stored with leading dimension ld. */
static double at(const double *m, int ld, int layout, int trans, int i, int j) {
    int transposed = (trans != NoTrans);
    int r = transposed ? j : i, c = transposed ? i : j;
    return layout == RowMajor ? m[(size_t)r * ld + c] : m[(size_t)c * ld + r];
}

/* sum_k a(k) b(k), adding from both ends towards the middle, each pair first. */
#define FOLDED_SUM(K, TERM)                                   \
    ({                                                        \
        double total_ = 0;                                    \
        int lo_ = 0, hi_ = (K) - 1;                           \
        for (; lo_ < hi_; lo_++, hi_--) {                     \
            int k_ = hi_; double far_ = (TERM);               \
            k_ = lo_; double near_ = (TERM);                  \
            total_ += far_ + near_;                           \
        }                                                     \
        if (lo_ == hi_) { int k_ = lo_; total_ += (TERM); }   \
        total_;                                               \
    })

void cblas_dgemm(int layout, int transA, int transB, int M, int N, int K,
                 double alpha, const double *A, int lda, const double *B, int ldb,
                 double beta, double *C, int ldc) {
    for (int i = 0; i < M; i++) {
        for (int j = 0; j < N; j++) {
            double s = FOLDED_SUM(K, at(A, lda, layout, transA, i, k_) * at(B, ldb, layout, transB, k_, j));
            double *c = layout == RowMajor ? &C[(size_t)i * ldc + j] : &C[(size_t)j * ldc + i];
            *c = (beta == 0 ? 0 : beta * *c) + alpha * s;
        }
    }
}

void cblas_dgemv(int layout, int trans, int M, int N, double alpha, const double *A, int lda,
                 const double *x, int incx, double beta, double *y, int incy) {
    int rows = trans == NoTrans ? M : N, cols = trans == NoTrans ? N : M;
    for (int i = 0; i < rows; i++) {
        double s = FOLDED_SUM(cols, at(A, lda, layout, trans, i, k_) * x[(size_t)k_ * incx]);
        double *out = &y[(size_t)i * incy];
        *out = (beta == 0 ? 0 : beta * *out) + alpha * s;
    }
}
