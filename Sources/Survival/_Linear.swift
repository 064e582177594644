// Small dense linear algebra on row-major n×n matrices: R survival's generalised Cholesky
// (cholesky2 / chsolve2 / chinv2: LDLᵀ with a singularity tolerance) and a pivoted LU solve
// (what R's `solve` does through LAPACK dgesv). Not API.

/// LDLᵀ decomposition in place (R survival `cholesky2`): on return the lower triangle holds L
/// (unit diagonal implied) and the diagonal holds D. A pivot below `tolerance`·max(diag) is set to 0
/// (a redundant column). Only the upper triangle and diagonal of the input are read.
/// - Returns: the rank, negated if the matrix is not non-negative definite.
@discardableResult
func _cholesky2(_ a: UnsafeMutablePointer<Double>, _ n: Int, tolerance: Double) -> Int {
    var eps = 0.0
    for i in 0..<n {
        if a[i * n + i] > eps { eps = a[i * n + i] }
        for j in (i + 1)..<max(n, i + 1) { a[j * n + i] = a[i * n + j] }
    }
    if eps == 0 { return 0 }
    eps *= tolerance
    var rank = 0
    var nonneg = 1
    for i in 0..<n {
        let pivot = a[i * n + i]
        if pivot.isNaN || pivot.isInfinite || pivot < eps {
            a[i * n + i] = 0
            if pivot < -8 * eps { nonneg = -1 }
        } else {
            rank += 1
            for j in (i + 1)..<max(n, i + 1) {
                let temp = a[j * n + i] / pivot
                a[j * n + i] = temp
                a[j * n + j] -= temp * temp * pivot
                for k in (j + 1)..<max(n, j + 1) { a[k * n + j] -= temp * a[k * n + i] }
            }
        }
    }
    return rank * nonneg
}

/// Solves A b = y from `_cholesky2`'s factor, overwriting y (R survival `chsolve2`); singular
/// directions get 0.
func _chsolve2(_ a: UnsafePointer<Double>, _ n: Int, _ y: UnsafeMutablePointer<Double>) {
    for i in 0..<n {
        var temp = y[i]
        for j in 0..<i { temp -= y[j] * a[i * n + j] }
        y[i] = temp
    }
    for i in stride(from: n - 1, through: 0, by: -1) {
        if a[i * n + i] == 0 {
            y[i] = 0
        } else {
            var temp = y[i] / a[i * n + i]
            for j in (i + 1)..<max(n, i + 1) { temp -= y[j] * a[j * n + i] }
            y[i] = temp
        }
    }
}

/// Inverts from `_cholesky2`'s factor (R survival `chinv2`), then fills the whole symmetric matrix.
/// Rows and columns of singular directions become 0.
func _chinv2(_ a: UnsafeMutablePointer<Double>, _ n: Int) {
    for i in 0..<n where a[i * n + i] > 0 {
        a[i * n + i] = 1 / a[i * n + i]
        for j in (i + 1)..<max(n, i + 1) {
            a[j * n + i] = -a[j * n + i]
            for k in 0..<i { a[j * n + k] += a[j * n + i] * a[i * n + k] }
        }
    }
    for i in 0..<n {
        if a[i * n + i] == 0 {
            for j in 0..<i { a[j * n + i] = 0 }
            for j in i..<n { a[i * n + j] = 0 }
        } else {
            for j in (i + 1)..<max(n, i + 1) {
                let temp = a[j * n + i] * a[j * n + j]
                a[i * n + j] = temp
                for k in i..<j { a[i * n + k] += temp * a[j * n + k] }
            }
        }
    }
    for i in 0..<n { for j in 0..<i { a[i * n + j] = a[j * n + i] } }
}

/// Solves A x = b by LU with partial pivoting (R: `solve(A, b)`). Returns nil when A is singular.
func _solve(_ aIn: [Double], _ b: [Double]) -> [Double]? {
    let n = b.count
    var a = aIn
    var x = b
    for c in 0..<n {
        var p = c
        var best = Swift.abs(a[c * n + c])
        for r in (c + 1)..<max(n, c + 1) where Swift.abs(a[r * n + c]) > best { best = Swift.abs(a[r * n + c]); p = r }
        if best == 0 || best.isNaN { return nil }
        if p != c {
            for k in 0..<n { a.swapAt(c * n + k, p * n + k) }
            x.swapAt(c, p)
        }
        let piv = a[c * n + c]
        for r in (c + 1)..<max(n, c + 1) {
            let f = a[r * n + c] / piv
            if f == 0 { continue }
            a[r * n + c] = f
            for k in (c + 1)..<n { a[r * n + k] -= f * a[c * n + k] }
            x[r] -= f * x[c]
        }
    }
    for r in stride(from: n - 1, through: 0, by: -1) {
        var s = x[r]
        for k in (r + 1)..<max(n, r + 1) { s -= a[r * n + k] * x[k] }
        x[r] = s / a[r * n + r]
    }
    return x
}

/// The quadratic form bᵀ A⁻¹ b (R: `solve(A, b) %*% b`); NaN when A is singular.
func _quadraticFormInverse(_ a: [Double], _ b: [Double]) -> Double {
    guard let x = _solve(a, b) else { return .nan }
    var s = 0.0
    for i in b.indices { s += x[i] * b[i] }
    return s
}
