import Foundation

/// Decimal numbers in text to the nearest double, rounded as strtod rounds
/// them (to nearest, ties to even), in a few nanoseconds each: the syntax
/// of data exports (`-1.25`, `3.80E-06`, `.5`, `7.`), no hexadecimal, `inf`
/// or `nan`.
///
/// A number with w as its up to 19 significant digits and q as its decimal
/// exponent (value w·10^q) is converted by
/// - Clinger's fast path when w ≤ 2^53 and |q| ≤ 22: w and 10^|q| are exact
///   doubles, so one multiplication or division rounds correctly (Clinger
///   1990, "How to read floating point numbers accurately", PLDI);
/// - else the Eisel–Lemire algorithm: w times the top 128 bits of 5^q gives
///   the product's top bits, which decide the rounding unless the truncated
///   bits could move them across a halfway point (Lemire 2021, "Number
///   parsing at a gigabyte per second", Softw. Pract. Exp. 51:1700–1727);
/// - else (more than 19 significant digits, |q| beyond the table, an
///   undecided case) strtod itself.
enum DecimalNumber {
    /// The number starting at `start` and the index after it; nil when no
    /// digit is there. Reads no byte at or after `limit`.
    @inline(__always)
    static func parse(_ text: UnsafeBufferPointer<UInt8>, from start: Int, before limit: Int) -> (value: Double, end: Int)? {
        var i = start
        guard i < limit else { return nil }
        let negative = text[i] == 45
        if negative || text[i] == 43 { i += 1 }
        // The digits, eight at a time where eight are there; the significand
        // wraps past 19 digits, which then go to strtod.
        var significand: UInt64 = 0
        let integerStart = i
        readDigits(text, &i, limit, into: &significand)
        let integerDigits = i - integerStart
        var fractionDigits = 0
        if i < limit, text[i] == 46 {
            i += 1
            let fractionStart = i
            readDigits(text, &i, limit, into: &significand)
            fractionDigits = i - fractionStart
        }
        guard integerDigits + fractionDigits > 0 else { return nil }
        var exponent = -fractionDigits
        let mantissaEnd = i
        if i < limit, text[i] | 0x20 == 101 {  // e or E, taken only with digits after it
            var j = i + 1
            let negativeExponent = j < limit && text[j] == 45
            if j < limit, text[j] == 45 || text[j] == 43 { j += 1 }
            if j < limit, text[j] &- 48 < 10 {
                var power = 0
                while j < limit, text[j] &- 48 < 10 {
                    if power < 100_000 { power = power * 10 + Int(text[j] &- 48) }
                    j += 1
                }
                exponent += negativeExponent ? -power : power
                i = j
            }
        }
        if significand == 0, isZero(text, from: integerStart, to: mantissaEnd) { return (negative ? -0.0 : 0, i) }
        if integerDigits + fractionDigits <= 19
            || integerDigits + fractionDigits - leadingZeros(text, from: integerStart, to: mantissaEnd) <= 19 {
            if significand <= 1 << 53, abs(exponent) <= 22 {
                let magnitude = exponent < 0 ? Double(significand) / powersOfTen[-exponent]
                                             : Double(significand) * powersOfTen[exponent]
                return (negative ? -magnitude : magnitude, i)
            }
            if let magnitude = eiselLemire(significand, exponent) { return (negative ? -magnitude : magnitude, i) }
        }
        return (strtodPrefix(text, from: start, before: i).value, i)
    }

    /// Appends the decimal digits at `i` to `significand` (wrapping), moving `i` past them.
    @inline(__always)
    private static func readDigits(_ text: UnsafeBufferPointer<UInt8>, _ i: inout Int, _ limit: Int,
                                   into significand: inout UInt64) {
        let base = UnsafeRawPointer(text.baseAddress!)
        while i + 8 <= limit {
            let eight = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            // All eight bytes are digits: none is below '0' (0x30) and none above '9' (0x39).
            guard ((eight &+ 0x4646_4646_4646_4646) | (eight &- 0x3030_3030_3030_3030)) & 0x8080_8080_8080_8080 == 0 else { break }
            significand = significand &* 100_000_000 &+ eightDigitsValue(eight)
            i += 8
        }
        while i < limit, text[i] &- 48 < 10 {
            significand = significand &* 10 &+ UInt64(text[i] &- 48)
            i += 1
        }
    }

    /// The number eight ASCII digits (the first in the lowest byte) write:
    /// pairs, then fours, then the eight combined by multiplications.
    @inline(__always)
    private static func eightDigitsValue(_ eight: UInt64) -> UInt64 {
        var value = eight &- 0x3030_3030_3030_3030
        value = value &* 10 &+ value >> 8
        value = ((value & 0x0000_00FF_0000_00FF) &* (100 &+ 1_000_000 << 32)
                 &+ (value >> 16 & 0x0000_00FF_0000_00FF) &* (1 &+ 10_000 << 32)) >> 32
        return value & 0xFFFF_FFFF
    }

    /// The zeros before the first other digit of the digits (and point) in text[start..<end]:
    /// those are not significant.
    private static func leadingZeros(_ text: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int {
        var zeros = 0
        for k in start..<end where text[k] != 46 {
            if text[k] != 48 { break }
            zeros += 1
        }
        return zeros
    }

    /// True when text[start..<end] has no digit other than 0.
    private static func isZero(_ text: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Bool {
        for k in start..<end where text[k] &- 49 < 9 { return false }
        return true
    }

    /// Powers of ten exactly representable as doubles.
    private static let powersOfTen: [Double] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
                                                1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22]

    /// w·10^q rounded to the nearest double (w > 0), or nil when q is beyond
    /// the table or the 128-bit product cannot decide the rounding.
    @inline(__always)
    static func eiselLemire(_ w: UInt64, _ q: Int) -> Double? {
        guard q >= smallestPowerOfTen, q <= largestPowerOfTen else { return nil }
        let zeros = w.leadingZeroBitCount
        let normalized = w << zeros
        let index = 2 * (q - smallestPowerOfTen)
        var (high, low) = normalized.multipliedFullWidth(by: powersOfFive[index])
        // 55 bits are needed (52 stored, the hidden bit, one for rounding, one
        // for the top bit's place); when the bits below them are all ones, the
        // next 64 bits of 5^q may carry into them.
        if high & 0x1FF == 0x1FF {
            let next = normalized.multipliedFullWidth(by: powersOfFive[index + 1]).high
            let (sum, carry) = low.addingReportingOverflow(next)
            low = sum
            if carry { high &+= 1 }
        }
        // Still all ones: the truncation of 5^q could hide a carry, except where
        // 5^q (q ≥ 0) or its reciprocal (q < 0) is exact in 128 bits.
        if low == .max, q < -27 || q > 55 { return nil }
        let upperBit = Int(high >> 63)
        let shift = upperBit + 9
        var mantissa = high >> shift
        // Biased binary exponent: floor(q·log2 10) from 217706/2^16 ≈ log2 10.
        var power = ((217_706 &* q) >> 16) + 63 + upperBit - zeros + 1023
        guard power > 0 else { return nil }  // subnormal: strtod
        // Exactly halfway (only possible while 5^|q| fits 64 bits): round to even.
        if low <= 1, q >= -4, q <= 23, mantissa & 3 == 1, mantissa << shift == high { mantissa &= ~1 }
        mantissa += mantissa & 1
        mantissa >>= 1
        if mantissa >= 1 << 53 {
            mantissa = 1 << 52
            power += 1
        }
        guard power < 0x7FF else { return nil }  // overflow: strtod
        return Double(bitPattern: UInt64(power) << 52 | mantissa & ~(1 << 52))
    }

    /// strtod on text[start..<limit] (copied with a terminator, so nothing
    /// at or after `limit` is read): the value and where strtod stopped.
    /// Also reads `inf`, `nan` and hexadecimal, which the callers refuse.
    static func strtodPrefix(_ text: UnsafeBufferPointer<UInt8>, from start: Int, before limit: Int) -> (value: Double, end: Int) {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: limit - start + 1) { buffer in
            for k in start..<limit { buffer[k - start] = CChar(bitPattern: text[k]) }
            buffer[limit - start] = 0
            var stop: UnsafeMutablePointer<CChar>?
            let value = strtod(buffer.baseAddress!, &stop)
            return (value, start + (stop! - buffer.baseAddress!))
        }
    }
}
