//! Numbers `incr`/`decr` can add to, as stored values: a JS number or a bigint.

use super::*;

/// The largest integer a JS number holds exactly (`Number.MAX_SAFE_INTEGER`, 2^53 - 1): JS
/// numbers within it stand for integers (Python's ints, versions, deltas).
pub const MAX_SAFE_INTEGER: i64 = (1 << 53) - 1;

/// A number that `incr`/`decr` can add to.
#[derive(Debug, Clone, PartialEq)]
pub enum Numeric {
    /// A JS number.
    Float(f64),
    /// A JS bigint, two's-complement little-endian.
    Big(Vec<u8>),
}

impl Numeric {
    /// Reads a stored value as a number, if it is one.
    pub fn from_value(bytes: &[u8]) -> Option<Numeric> {
        let Ok(Value::Structured(mut d)) = decode(bytes) else {
            return None;
        };
        let n = match d.next_token().ok()? {
            Token::Number(x) => Numeric::Float(x),
            Token::BigInt(b) => Numeric::Big(b.to_vec()),
            _ => return None,
        };
        d.is_done().then_some(n)
    }

    /// Reads a stored value as `incr`/`decr` add to it: a number, a bigint, or a boolean as
    /// 0 or 1 (Python's `True + 1` is 2, as JS's `true + 1` is).
    ///
    /// ```
    /// use edgecache::codec::{Encoder, Numeric};
    /// let mut e = Encoder::new();
    /// e.bool(true);
    /// let truth = e.finish();
    /// assert_eq!(Numeric::counter(&truth), Some(Numeric::Float(1.0)));
    /// assert_eq!(Numeric::from_value(&truth), None);
    /// ```
    pub fn counter(bytes: &[u8]) -> Option<Numeric> {
        Numeric::from_value(bytes).or_else(|| {
            let Ok(Value::Structured(mut d)) = decode(bytes) else {
                return None;
            };
            let Ok(Token::Bool(b)) = d.next_token() else {
                return None;
            };
            d.is_done()
                .then_some(Numeric::Float(f64::from(u8::from(b))))
        })
    }

    /// Whether the number is an integer (a bigint, or a finite number without a fraction).
    ///
    /// ```
    /// use edgecache::codec::Numeric;
    /// assert!(Numeric::Float(3.0).is_integer() && Numeric::Big(vec![1]).is_integer());
    /// assert!(!Numeric::Float(1.5).is_integer() && !Numeric::Float(f64::INFINITY).is_integer());
    /// ```
    pub fn is_integer(&self) -> bool {
        match self {
            Numeric::Float(x) => x.is_finite() && x.fract() == 0.0,
            Numeric::Big(_) => true,
        }
    }

    /// memcached's `incr`/`decr` as Django's PyMemcacheCache gets them: the value must be an
    /// unsigned 64-bit integer (`None`: memcached's "non-numeric value"); a negative delta
    /// decrements (Django calls `decr`), which stops at 0, and an increment wraps at 2^64.
    ///
    /// ```
    /// use edgecache::codec::Numeric::{self, Float};
    /// assert_eq!(Float(5.0).memcached_add(&Float(-7.0)), Some(Float(0.0)));
    /// assert_eq!(Float(5.0).memcached_add(&Float(2.0)), Some(Float(7.0)));
    /// assert_eq!(Float(-3.0).memcached_add(&Float(1.0)), None);
    /// assert_eq!(Float(1.5).memcached_add(&Float(1.0)), None);
    /// ```
    pub fn memcached_add(&self, delta: &Numeric) -> Option<Numeric> {
        let value = self
            .to_i128()
            .filter(|v| (0..=i128::from(u64::MAX)).contains(v))?;
        let delta = delta.to_i128()?;
        let sum = if delta < 0 {
            (value + delta).max(0)
        } else {
            (value + delta) % (1i128 << 64)
        };
        // A number while JS holds it exactly, else a bigint (as a read of the item gives).
        Some(Numeric::from_i128(sum))
    }

    /// The integer as an `i128`: a bigint that fits, or an integral number (`None` for a
    /// fraction, an infinity, NaN or a magnitude past 2^126).
    ///
    /// ```
    /// use edgecache::codec::Numeric::{Big, Float};
    /// assert_eq!(Float(-3.0).to_i128(), Some(-3));
    /// assert_eq!(Float(1.5).to_i128(), None);
    /// assert_eq!(Float(1e300).to_i128(), None);
    /// assert_eq!(Big(vec![5]).to_i128(), Some(5));
    /// ```
    pub fn to_i128(&self) -> Option<i128> {
        match self {
            Numeric::Float(x) if x.is_finite() && x.fract() == 0.0 && x.abs() < 2f64.powi(126) => {
                Some(*x as i128)
            }
            Numeric::Float(_) => None,
            Numeric::Big(b) => crate::codec::bigint::to_i128(b),
        }
    }

    /// An integer as JS holds it: a number while exact (within 2^53 - 1), else a bigint.
    ///
    /// ```
    /// use edgecache::codec::Numeric;
    /// assert_eq!(Numeric::from_i128(42), Numeric::Float(42.0));
    /// assert!(matches!(Numeric::from_i128(1 << 60), Numeric::Big(_)));
    /// ```
    pub fn from_i128(x: i128) -> Numeric {
        if x.unsigned_abs() <= MAX_SAFE_INTEGER as u128 {
            Numeric::Float(x as f64)
        } else {
            Numeric::Big(crate::codec::bigint::from_i128(x))
        }
    }

    /// Python's `int + int`, for two integers (a number within 2^53 - 1, or a bigint): the sum
    /// as [`Numeric::from_i128`] would give it, whatever its size. `None` if either is not one.
    ///
    /// ```
    /// use edgecache::codec::Numeric::{self, Big, Float};
    /// assert_eq!(Float(1.0).int_add(&Big(vec![2])), Some(Float(3.0)));
    /// assert!(matches!(Float(9007199254740991.0).int_add(&Float(1.0)), Some(Big(_))));
    /// assert_eq!(Float(1.5).int_add(&Float(1.0)), None);
    /// ```
    pub fn int_add(&self, delta: &Numeric) -> Option<Numeric> {
        use crate::codec::bigint;
        let big = |n: &Numeric| match n {
            Numeric::Float(x) if x.fract() == 0.0 && x.abs() <= MAX_SAFE_INTEGER as f64 => {
                Some(bigint::from_i64(*x as i64))
            }
            Numeric::Float(_) => None,
            Numeric::Big(b) => Some(b.clone()),
        };
        let sum = bigint::add(&big(self)?, &big(delta)?);
        Some(match bigint::to_i128(&sum) {
            Some(x) => Numeric::from_i128(x),
            None => Numeric::Big(sum),
        })
    }

    /// Python's `+` of two numbers Django stored (ints any size, floats): [`Numeric::int_add`]
    /// for two integers, else a float sum (Python turns the int into a float). `None` for a
    /// bigint too large for a float.
    ///
    /// ```
    /// use edgecache::codec::Numeric::{Big, Float};
    /// assert_eq!(Float(0.5).python_add(&Big(vec![2])), Some(Float(2.5)));
    /// assert_eq!(Float(1.0).python_add(&Float(2.0)), Some(Float(3.0)));
    /// ```
    pub fn python_add(&self, delta: &Numeric) -> Option<Numeric> {
        let float = |n: &Numeric| match n {
            Numeric::Float(x) => Some(*x),
            Numeric::Big(b) => crate::codec::bigint::to_i128(b).map(|x| x as f64),
        };
        self.int_add(delta)
            .or_else(|| Some(Numeric::Float(float(self)? + float(delta)?)))
    }

    /// Encodes the number as a stored value.
    pub fn to_value(&self) -> Vec<u8> {
        let mut e = Encoder::new();
        match self {
            Numeric::Float(x) => e.number(*x),
            Numeric::Big(b) => e.bigint(b),
        }
        e.finish()
    }

    /// `self + delta` with JS's rules, except that an integral number delta may be added to a
    /// bigint (so `incr(key)` works on bigint counters). `None` when the types cannot mix.
    pub fn checked_add(&self, delta: &Numeric) -> Option<Numeric> {
        use crate::codec::bigint;
        match (self, delta) {
            (Numeric::Float(a), Numeric::Float(b)) => Some(Numeric::Float(a + b)),
            (Numeric::Big(a), Numeric::Big(b)) => Some(Numeric::Big(bigint::add(a, b))),
            (Numeric::Big(a), Numeric::Float(b))
                if b.fract() == 0.0 && b.abs() <= MAX_SAFE_INTEGER as f64 =>
            {
                Some(Numeric::Big(bigint::add(a, &bigint::from_i64(*b as i64))))
            }
            _ => None,
        }
    }

    /// `incr`'s sum of the value stored under `key` (`None`: not a number) and `delta`:
    /// `NOT_A_NUMBER` for a value that is not one, `INVALID_DELTA` for a delta that does not mix
    /// with it (a bigint delta on a number, a fractional or unsafe number on a bigint) or an
    /// integer sum past 2^53 - 1 of two integers within it.
    ///
    /// ```
    /// use edgecache::codec::Numeric;
    /// let sum = Numeric::add_stored(Some(Numeric::Float(1.0)), &Numeric::Float(2.0), ":1:k");
    /// assert_eq!(sum, Ok(Numeric::Float(3.0)));
    /// let mixed = Numeric::add_stored(Some(Numeric::Float(1.0)), &Numeric::Big(vec![5]), ":1:k");
    /// assert_eq!(mixed.unwrap_err().code(), "INVALID_DELTA");
    /// let past = Numeric::add_stored(Some(Numeric::Float(9007199254740991.0)), &Numeric::Float(1.0), ":1:k");
    /// assert_eq!(past.unwrap_err().code(), "INVALID_DELTA");
    /// ```
    pub fn add_stored(
        current: Option<Numeric>,
        delta: &Numeric,
        key: &str,
    ) -> crate::error::Result<Numeric> {
        use crate::error::Error;
        let current = current.ok_or_else(|| Error::NotANumber(key.to_string()))?;
        // Integers that leave the safe range stop counting by one (2^53 + 1 is 2^53), where
        // Django's ints go on: refused, as incrVersion's range is, rather than a counter that
        // silently stops.
        if let (Numeric::Float(a), Numeric::Float(b)) = (&current, delta) {
            let safe = |x: f64| x.fract() == 0.0 && x.abs() <= MAX_SAFE_INTEGER as f64;
            if safe(*a) && safe(*b) && !safe(a + b) {
                return Err(Error::invalid(
                    "INVALID_DELTA",
                    format!("key '{key}' holds {a}: adding {b} passes 2^53 - 1 (Number.MAX_SAFE_INTEGER), past which a number cannot count by one; store a bigint for counters this large"),
                ));
            }
        }
        current.checked_add(delta).ok_or_else(|| {
            let (held, given) = match delta {
                Numeric::Big(_) => ("a number", "a bigint delta"),
                Numeric::Float(_) => ("a bigint", "a delta that is not a safe integer"),
            };
            Error::invalid(
                "INVALID_DELTA",
                format!("key '{key}' holds {held}: {given} cannot be added to it (JS does not mix numbers and bigints)"),
            )
        })
    }

    /// `-self`.
    pub fn negated(&self) -> Numeric {
        match self {
            // Python negates decr's integer delta: -0 is 0, so a stored -0 minus 0 is 0.
            Numeric::Float(x) if *x == 0.0 => Numeric::Float(0.0),
            Numeric::Float(x) => Numeric::Float(-x),
            Numeric::Big(b) => Numeric::Big(crate::codec::bigint::negate(b)),
        }
    }
}
