import Foundation

/// The special functions behind the p-values of `GroupTests`: the normal,
/// chi-squared and Student t distributions, through the regularised incomplete
/// gamma and beta functions.
///
/// - Regularised incomplete gamma, P(a, x) = γ(a, x)/Γ(a) and Q = 1 − P: the
///   power series of P for x < a + 1, the continued fraction of Q (modified
///   Lentz) otherwise, each summed until a term changes the result by less
///   than 10⁻¹⁶ of it; the other one of the pair is 1 minus it, which is then
///   ≥ about 0.4 and loses nothing. Both are multiplied by the prefactor
///   xᵃe⁻ˣ/Γ(a), evaluated as exp(a·ln x − x − ln Γ(a)).
/// - Regularised incomplete beta, Iₓ(a, b): the continued fraction of
///   Numerical Recipes (Press et al. 2007, §6.4; modified Lentz) on x when
///   x < (a + 1)/(a + b + 2), else 1 − I₁₋ₓ(b, a) from the same fraction.
///   The prefactor xᵃ(1 − x)ᵇ/(a·B(a, b)) uses ln B(a, b) from `logBeta`.
/// - `logBeta`: ln Γ(a) + ln Γ(b) − ln Γ(a + b) from Foundation's `lgamma` when
///   a, b < 10; otherwise Stirling's series with seven correction terms,
///   arranged so that the large terms of ln Γ(a + b) and ln Γ(a) cancel
///   analytically rather than in floating point (the arrangement of TOMS 708,
///   DiDonato & Morris 1992), so a t distribution with 10⁴ degrees of freedom
///   keeps its accuracy.
/// - Normal distribution: Φ(x) = ½·erfc(−x/√2), survival ½·erfc(x/√2), from
///   the C library's `erfc`, so tails keep full relative accuracy down to
///   underflow (about x = 38).
///
/// Accuracy: relative error about 10⁻¹⁶ times the magnitude of the exponent
/// of the prefactor (|a·ln x| + x, plus |ln Γ(a)|), so about 10⁻¹⁴ for the
/// p-values a cohort report needs (a far-tail p of 10⁻³⁰ costs an exponent of
/// about 70). Checked against `scipy.special` (gammainc, gammaincc, betainc,
/// ndtr, chdtrc, stdtr) in `GroupTestsTests` to 10⁻¹²; the largest difference
/// there is 10⁻¹³, for I₀.₅(500, ½) ≈ 10⁻¹⁵², an exponent of about 350.
public enum SpecialFunctions {
    private static let epsilon = 1e-16
    private static let tiny = Double.leastNormalMagnitude / Double.ulpOfOne
    private static let iterationLimit = 100_000

    // MARK: Incomplete gamma

    /// P(a, x) = γ(a, x)/Γ(a), the regularised lower incomplete gamma function
    /// (`scipy.special.gammainc`). a > 0, x ≥ 0; NaN otherwise.
    public static func regularisedGammaP(_ a: Double, _ x: Double) -> Double {
        guard a > 0, x >= 0, a.isFinite, !x.isNaN else { return .nan }
        if x == 0 { return 0 }
        if x == .infinity { return 1 }
        return x < a + 1 ? gammaSeries(a, x) : 1 - gammaContinuedFraction(a, x)
    }

    /// Q(a, x) = Γ(a, x)/Γ(a) = 1 − P(a, x), the regularised upper incomplete
    /// gamma function (`scipy.special.gammaincc`). a > 0, x ≥ 0; NaN otherwise.
    public static func regularisedGammaQ(_ a: Double, _ x: Double) -> Double {
        guard a > 0, x >= 0, a.isFinite, !x.isNaN else { return .nan }
        if x == 0 { return 1 }
        if x == .infinity { return 0 }
        return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x)
    }

    /// xᵃe⁻ˣ/Γ(a).
    private static func gammaPrefactor(_ a: Double, _ x: Double) -> Double {
        Foundation.exp(a * Foundation.log(x) - x - Foundation.lgamma(a))
    }

    /// P(a, x) = xᵃe⁻ˣ/Γ(a) · Σₙ xⁿ/(a(a+1)…(a+n)), for x < a + 1.
    private static func gammaSeries(_ a: Double, _ x: Double) -> Double {
        var term = 1 / a
        var sum = term
        var denominator = a
        for _ in 0..<iterationLimit {
            denominator += 1
            term *= x / denominator
            sum += term
            if abs(term) < abs(sum) * epsilon { break }
        }
        return sum * gammaPrefactor(a, x)
    }

    /// Q(a, x) by its continued fraction (Legendre), for x ≥ a + 1:
    /// Q = xᵃe⁻ˣ/Γ(a) · 1/(x + 1 − a − 1·(1 − a)/(x + 3 − a − 2·(2 − a)/(x + 5 − a − …))).
    private static func gammaContinuedFraction(_ a: Double, _ x: Double) -> Double {
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        for i in 1..<iterationLimit {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < epsilon { break }
        }
        return gammaPrefactor(a, x) * h
    }

    // MARK: Incomplete beta

    /// Iₓ(a, b) = B(x; a, b)/B(a, b), the regularised incomplete beta function
    /// (`scipy.special.betainc`). a, b > 0, 0 ≤ x ≤ 1; NaN otherwise.
    public static func regularisedBeta(_ a: Double, _ b: Double, _ x: Double) -> Double {
        guard x >= 0, x <= 1 else { return .nan }
        return regularisedBeta(a, b, x: x, complement: 1 - x)
    }

    /// Iₓ(a, b) with 1 − x given separately (`complement`), for callers that
    /// know it more accurately than 1 − x rounds it (the t distribution).
    static func regularisedBeta(_ a: Double, _ b: Double, x: Double, complement y: Double) -> Double {
        guard a > 0, b > 0, a.isFinite, b.isFinite, x >= 0, y >= 0 else { return .nan }
        if x == 0 { return 0 }
        if y == 0 { return 1 }
        let logPrefactor = a * Foundation.log(x) + b * Foundation.log(y) - logBeta(a, b)
        if x < (a + 1) / (a + b + 2) {
            return Foundation.exp(logPrefactor) * betaContinuedFraction(a, b, x) / a
        }
        return 1 - Foundation.exp(logPrefactor) * betaContinuedFraction(b, a, y) / b
    }

    /// The continued fraction of Iₓ(a, b)·a·B(a, b)/(xᵃ(1 − x)ᵇ), converging
    /// fast for x < (a + 1)/(a + b + 2) (Press et al. 2007, eq. 6.4.5).
    private static func betaContinuedFraction(_ a: Double, _ b: Double, _ x: Double) -> Double {
        let (sum, ap, am) = (a + b, a + 1, a - 1)
        var c = 1.0
        var d = 1 - sum * x / ap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1..<iterationLimit {
            let m = Double(m), m2 = 2 * m
            var aa = m * (b - m) * x / ((am + m2) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (sum + m) * x / ((a + m2) * (ap + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < epsilon { break }
        }
        return h
    }

    /// ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b), for a, b > 0 (see the type's
    /// documentation for how large arguments are handled).
    public static func logBeta(_ a: Double, _ b: Double) -> Double {
        let (p, q) = (min(a, b), max(a, b))
        if q < 10 {
            return Foundation.lgamma(p) + Foundation.lgamma(q) - Foundation.lgamma(p + q)
        }
        if p < 10 {
            // ln Γ(q + p) − ln Γ(q) = (q − ½)·ln(1 + p/q) + p·ln(q + p) − p + δ(q + p) − δ(q).
            let difference = (q - 0.5) * Foundation.log1p(p / q) + p * Foundation.log(q + p) - p
                + stirlingCorrection(q + p) - stirlingCorrection(q)
            return Foundation.lgamma(p) - difference
        }
        // ln Γ(p) + ln Γ(q) − ln Γ(p + q) with Stirling's formula for all three:
        // ½ ln 2π − ½ ln q − (p − ½)·ln(1 + q/p) − q·ln(1 + p/q) + δ(p) + δ(q) − δ(p + q).
        return 0.5 * Foundation.log(2 * Double.pi) - 0.5 * Foundation.log(q)
            - (p - 0.5) * Foundation.log1p(q / p) - q * Foundation.log1p(p / q)
            + stirlingCorrection(p) + stirlingCorrection(q) - stirlingCorrection(p + q)
    }

    /// δ(x) = ln Γ(x) − [(x − ½)·ln x − x + ½·ln 2π], by Stirling's series
    /// Σₖ B₂ₖ/(2k(2k − 1)x²ᵏ⁻¹) to k = 7; for x ≥ 10 the first omitted term is
    /// below 10⁻¹⁸.
    static func stirlingCorrection(_ x: Double) -> Double {
        let r = 1 / x, r2 = r * r
        let series = 1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 - r2 * (1.0 / 1680
            - r2 * (1.0 / 1188 - r2 * (691.0 / 360_360 - r2 / 156)))))
        return r * series
    }

    // MARK: Distributions

    /// Φ(x), the standard normal distribution function (`scipy.special.ndtr`).
    public static func normalCDF(_ x: Double) -> Double {
        0.5 * Foundation.erfc(-x / 2.0.squareRoot())
    }

    /// 1 − Φ(x), the standard normal survival function (`scipy.special.ndtr(-x)`).
    public static func normalSurvival(_ x: Double) -> Double {
        0.5 * Foundation.erfc(x / 2.0.squareRoot())
    }

    /// P(X ≥ x) for X chi-squared with `degreesOfFreedom` > 0:
    /// Q(ν/2, x/2) (`scipy.special.chdtrc`); 1 for x ≤ 0.
    public static func chiSquaredSurvival(_ x: Double, degreesOfFreedom: Double) -> Double {
        guard !x.isNaN else { return .nan }
        if x <= 0 { return degreesOfFreedom > 0 ? 1 : .nan }
        return regularisedGammaQ(degreesOfFreedom / 2, x / 2)
    }

    /// P(T ≤ t) for T Student-t with `degreesOfFreedom` ν > 0, real ν allowed
    /// (`scipy.special.stdtr`): for t < 0, ½·I_{ν/(ν+t²)}(ν/2, ½), with
    /// 1 − ν/(ν + t²) passed as t²/(ν + t²) so it does not round away;
    /// 1 minus that at −t for t > 0.
    public static func studentTCDF(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        guard !t.isNaN, nu > 0 else { return .nan }
        if t == 0 { return 0.5 }
        if t.isInfinite { return t < 0 ? 0 : 1 }
        let t2 = t * t
        guard t2.isFinite else { return t < 0 ? 0 : 1 }
        let tail = 0.5 * regularisedBeta(nu / 2, 0.5, x: nu / (nu + t2), complement: t2 / (nu + t2))
        return t < 0 ? tail : 1 - tail
    }
}
