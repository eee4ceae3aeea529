// CBLAS and LAPACKE from Debian's libopenblas-dev and liblapacke-dev
// (OpenBLAS's cblas.h also declares openblas_set_num_threads).
// Only Sources/SynergyKit/LinearAlgebra/BLAS.swift imports this module.
#include <cblas.h>
#include <lapacke.h>
