//! `Number`: cty's arbitrary-precision number, stored exactly as normalised decimal
//! (sign, significant digits, power-of-ten exponent) or ±infinity.
//! Depends on: std only. Must NOT: round silently (only `as_f64` is lossy, by name) or know
//! about any wire format.

use std::cmp::Ordering;
use std::fmt;

/// Largest accepted decimal magnitude, as a power of ten (keeps `Display` output bounded).
const MAX_MAGNITUDE: i64 = 100_000;

/// An exact number. Equality, hashing and ordering are numeric (`1 == 1.0 == 1e0`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Number(Repr);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Repr {
    /// value = (-1)^neg * digits * 10^exp; `digits` has no leading or trailing zeros and is
    /// empty for zero (then neg = false, exp = 0).
    Finite {
        neg: bool,
        digits: String,
        exp: i64,
    },
    Infinite {
        neg: bool,
    },
}

impl Number {
    /// Parses decimal text: optional sign, digits with optional `.`, optional `e`/`E`
    /// exponent; also `Inf`/`Infinity` (any case, optional sign). `None` on anything else or
    /// on magnitudes beyond 10^±100000.
    pub fn parse(text: &str) -> Option<Number> {
        let (neg, body) = match text.as_bytes().first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        if body.eq_ignore_ascii_case("inf") || body.eq_ignore_ascii_case("infinity") {
            return Some(Number(Repr::Infinite { neg }));
        }
        let (mantissa, exp_text) = match body.find(['e', 'E']) {
            Some(i) => (&body[..i], Some(&body[i + 1..])),
            None => (body, None),
        };
        let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (int_part.is_empty() && frac_part.is_empty())
            || !all_digits(int_part)
            || !all_digits(frac_part)
        {
            return None;
        }
        let mut exp: i64 = 0;
        if let Some(e) = exp_text {
            let (eneg, edigits) = match e.as_bytes().first() {
                Some(b'-') => (true, &e[1..]),
                Some(b'+') => (false, &e[1..]),
                _ => (false, e),
            };
            if edigits.is_empty() || !all_digits(edigits) {
                return None;
            }
            let edigits = edigits.trim_start_matches('0');
            if edigits.len() > 12 {
                return None;
            }
            let v: i64 = if edigits.is_empty() { 0 } else { edigits.parse().ok()? };
            exp = if eneg { -v } else { v };
        }
        let frac_len = i64::try_from(frac_part.len()).ok()?;
        Number::from_parts(neg, &format!("{int_part}{frac_part}"), exp - frac_len)
    }

    /// `digits` must be ASCII digits (any leading/trailing zeros).
    fn from_parts(neg: bool, digits: &str, exp: i64) -> Option<Number> {
        let lead = digits.trim_start_matches('0');
        if lead.is_empty() {
            return Some(Number::zero());
        }
        let sig = lead.trim_end_matches('0');
        let exp = exp + (lead.len() - sig.len()) as i64;
        let magnitude = exp + sig.len() as i64;
        if !(-MAX_MAGNITUDE..=MAX_MAGNITUDE).contains(&magnitude) {
            return None;
        }
        Some(Number(Repr::Finite { neg, digits: sig.to_string(), exp }))
    }

    fn zero() -> Number {
        Number(Repr::Finite { neg: false, digits: String::new(), exp: 0 })
    }

    fn from_int(neg: bool, magnitude: u128) -> Number {
        Number::from_parts(neg, &magnitude.to_string(), 0).unwrap_or_else(Number::zero)
    }

    /// Exact value of the shortest decimal that round-trips to `f` (so `0.1_f64` is `0.1`).
    /// `None` for NaN, which cty cannot represent.
    pub fn from_f64(f: f64) -> Option<Number> {
        if f.is_nan() {
            None
        } else if f.is_infinite() {
            Some(Number(Repr::Infinite { neg: f < 0.0 }))
        } else {
            Number::parse(&format!("{f:e}"))
        }
    }

    /// The value as `i64` only when it is exactly integral and in range.
    pub fn as_i64(&self) -> Option<i64> {
        let Repr::Finite { neg, digits, exp } = &self.0 else { return None };
        if digits.is_empty() {
            return Some(0);
        }
        if *exp < 0 || digits.len() as i64 + exp > 19 {
            return None;
        }
        let mut v: i128 = digits.parse().ok()?;
        for _ in 0..*exp {
            v *= 10;
        }
        i64::try_from(if *neg { -v } else { v }).ok()
    }

    /// Nearest `f64` (correctly rounded; ±infinity when out of range).
    pub fn as_f64(&self) -> f64 {
        match &self.0 {
            Repr::Infinite { neg: true } => f64::NEG_INFINITY,
            Repr::Infinite { neg: false } => f64::INFINITY,
            Repr::Finite { digits, .. } if digits.is_empty() => 0.0,
            Repr::Finite { neg, digits, exp } => {
                let sign = if *neg { "-" } else { "" };
                format!("{sign}{digits}e{exp}").parse().unwrap_or(f64::NAN)
            }
        }
    }

    pub fn is_finite(&self) -> bool {
        matches!(self.0, Repr::Finite { .. })
    }

    /// True when exactly an integer (of any size).
    pub fn is_integer(&self) -> bool {
        matches!(&self.0, Repr::Finite { exp, .. } if *exp >= 0)
    }

    /// The float64 with exactly this value, if there is one (`1.5`, `0.25`; not `1.6` or `0.1`,
    /// whose nearest float64 differs from the decimal). Terraform keeps numbers exact, so only
    /// such values may travel as msgpack float64; every other non-integer travels as text.
    pub fn exact_f64(&self) -> Option<f64> {
        let Repr::Finite { neg, digits, exp } = &self.0 else { return None };
        if digits.len() > 38 || exp.unsigned_abs() > 55 {
            return None;
        }
        let d: u128 = digits.parse().ok()?;
        let k = exp.unsigned_abs() as u32;
        let five_k = 5u128.checked_pow(k)?;
        // value = d * 10^exp = (d * 5^exp) * 2^exp: exact in binary when the odd part of the
        // scaled numerator fits the 53-bit mantissa.
        let (n, scale) = if *exp >= 0 {
            (d.checked_mul(five_k)?, 2f64.powi(k as i32))
        } else if d % five_k == 0 {
            (d / five_k, 1.0 / 2f64.powi(k as i32))
        } else {
            return None;
        };
        if n != 0 && (n >> n.trailing_zeros()) > (1u128 << 53) {
            return None;
        }
        let f = n as f64 * scale;
        Some(if *neg { -f } else { f })
    }

    /// The exact value of a float64 received from Terraform (go-cty sends float64 only for
    /// values it holds exactly), so echoing it back yields the very same number: 2^63 stays
    /// 9223372036854775808, not the shortest decimal 9223372036854776000.
    pub fn from_f64_exact(f: f64) -> Option<Number> {
        let shortest = Number::from_f64(f)?;
        if !f.is_finite() || shortest.exact_f64() == Some(f) {
            return Some(shortest);
        }
        if f.fract() == 0.0 && f.abs() < 2f64.powi(127) {
            let sign = if f < 0.0 { "-" } else { "" };
            return Number::parse(&format!("{sign}{}", f.abs() as u128));
        }
        Some(shortest)
    }

    /// -2 = -inf, -1 = negative, 0 = zero, 1 = positive, 2 = +inf.
    fn class(&self) -> i8 {
        match &self.0 {
            Repr::Infinite { neg } => {
                if *neg {
                    -2
                } else {
                    2
                }
            }
            Repr::Finite { digits, .. } if digits.is_empty() => 0,
            Repr::Finite { neg, .. } => {
                if *neg {
                    -1
                } else {
                    1
                }
            }
        }
    }
}

impl Ord for Number {
    fn cmp(&self, other: &Self) -> Ordering {
        let class = self.class().cmp(&other.class());
        if class != Ordering::Equal {
            return class;
        }
        let (Repr::Finite { neg, digits: a, exp: ea }, Repr::Finite { digits: b, exp: eb, .. }) =
            (&self.0, &other.0)
        else {
            return Ordering::Equal; // same infinity, or both zero (handled below too)
        };
        // Compare magnitudes: position of the leading digit first, then the digits themselves.
        let magnitude = (ea + a.len() as i64).cmp(&(eb + b.len() as i64)).then_with(|| a.cmp(b));
        if *neg {
            magnitude.reverse()
        } else {
            magnitude
        }
    }
}

impl PartialOrd for Number {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Canonical decimal: no exponent, no trailing `.0` (`1`, `1.5`, `-0.001`, `Inf`).
impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (neg, digits, exp) = match &self.0 {
            Repr::Infinite { neg } => return f.write_str(if *neg { "-Inf" } else { "Inf" }),
            Repr::Finite { digits, .. } if digits.is_empty() => return f.write_str("0"),
            Repr::Finite { neg, digits, exp } => (*neg, digits.as_str(), *exp),
        };
        if neg {
            f.write_str("-")?;
        }
        if exp >= 0 {
            f.write_str(digits)?;
            (0..exp).try_for_each(|_| f.write_str("0"))
        } else {
            let point = digits.len() as i64 + exp;
            if point > 0 {
                let (int, frac) = digits.split_at(point as usize);
                write!(f, "{int}.{frac}")
            } else {
                f.write_str("0.")?;
                (0..-point).try_for_each(|_| f.write_str("0"))?;
                f.write_str(digits)
            }
        }
    }
}

macro_rules! from_signed {
    ($($t:ty),*) => {$(
        impl From<$t> for Number {
            fn from(v: $t) -> Number { Number::from_int(v < 0, (v as i128).unsigned_abs()) }
        }
    )*};
}
macro_rules! from_unsigned {
    ($($t:ty),*) => {$(
        impl From<$t> for Number {
            fn from(v: $t) -> Number { Number::from_int(false, v as u128) }
        }
    )*};
}
from_signed!(i8, i16, i32, i64, i128, isize);
from_unsigned!(u8, u16, u32, u64, u128, usize);

#[cfg(test)]
mod exact_tests {
    use super::*;

    /// Regression (found by the SDK fidelity tests): `backoff_rate = 1.6` was sent back as the
    /// float64 nearest to 1.6, which Terraform rejected as not matching the config value.
    #[test]
    fn only_dyadic_decimals_have_an_exact_float64() {
        for (text, want) in [
            ("1.5", Some(1.5)),
            ("0.25", Some(0.25)),
            ("-2.125", Some(-2.125)),
            ("1.6", None),
            ("0.1", None),
            ("1e20", Some(1e20)),
            ("123456789012345678901", None),
        ] {
            assert_eq!(Number::parse(text).and_then(|n| n.exact_f64()), want, "{text}");
        }
        let two63 = 2f64.powi(63);
        assert_eq!(
            Number::from_f64_exact(two63).map(|n| n.to_string()),
            Some("9223372036854775808".into())
        );
        assert_eq!(Number::from_f64_exact(1.5).map(|n| n.to_string()), Some("1.5".into()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Number {
        Number::parse(s).unwrap_or_else(|| panic!("parse {s}"))
    }

    #[test]
    fn parse_and_display_canonical() {
        for (input, shown) in [
            ("1", "1"),
            ("1.0", "1"),
            ("1.50", "1.5"),
            ("-0", "0"),
            ("-0.0e5", "0"),
            ("0001200", "1200"),
            ("1e3", "1000"),
            ("1.5E+2", "150"),
            ("15e-3", "0.015"),
            ("+.5", "0.5"),
            ("5.", "5"),
            ("-12.340", "-12.34"),
            ("12345678901234567890123", "12345678901234567890123"),
            ("12345678901234567890.5", "12345678901234567890.5"),
            ("1e-0000000000000000003", "0.001"),
            ("inf", "Inf"),
            ("-Infinity", "-Inf"),
        ] {
            assert_eq!(n(input).to_string(), shown, "{input}");
        }
        for bad in [
            "",
            "-",
            ".",
            "e5",
            "1e",
            "1e+",
            "1.2.3",
            "0x10",
            "1_000",
            " 1",
            "1 ",
            "nan",
            "1e99999999999999",
            "1e100001",
        ] {
            assert_eq!(Number::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn numeric_equality_and_order() {
        assert_eq!(n("1"), n("1.0"));
        assert_eq!(n("1"), Number::from(1));
        assert_eq!(n("100"), n("1e2"));
        assert_eq!(Number::from_f64(-0.0), Some(Number::from(0)));
        let sorted =
            ["-Inf", "-1e3", "-2", "-1.5", "0", "0.001", "0.5", "1", "1.25", "10", "1e20", "Inf"];
        for w in sorted.windows(2) {
            assert!(n(w[0]) < n(w[1]), "{} < {}", w[0], w[1]);
        }
        assert_eq!(n("7").cmp(&n("7.0")), Ordering::Equal);
    }

    #[test]
    fn integer_and_float_conversions() {
        for (s, i) in [
            ("0", Some(0)),
            ("1", Some(1)),
            ("-1", Some(-1)),
            ("1.5", None),
            ("1e3", Some(1000)),
            ("9223372036854775807", Some(i64::MAX)),
            ("-9223372036854775808", Some(i64::MIN)),
            ("9223372036854775808", None),
            ("1e19", None),
            ("Inf", None),
        ] {
            assert_eq!(n(s).as_i64(), i, "{s}");
        }
        assert_eq!(Number::from(u64::MAX).to_string(), "18446744073709551615");
        assert_eq!(Number::from(i64::MIN).to_string(), "-9223372036854775808");
        assert_eq!(Number::from_f64(1.5).map(|x| x.to_string()), Some("1.5".into()));
        assert_eq!(Number::from_f64(0.1).map(|x| x.to_string()), Some("0.1".into()));
        assert_eq!(
            Number::from_f64(1e21).map(|x| x.to_string()),
            Some("1000000000000000000000".into())
        );
        assert_eq!(Number::from_f64(f64::NAN), None);
        assert_eq!(Number::from_f64(f64::NEG_INFINITY), Some(n("-Inf")));
        assert_eq!(n("0.1").as_f64(), 0.1);
        assert_eq!(n("-2.5e-3").as_f64(), -0.0025);
        assert_eq!(n("1e400").as_f64(), f64::INFINITY);
        assert!(n("3").is_integer() && !n("3.5").is_integer() && !n("Inf").is_integer());
    }
}
