//! The `params!` macro that gives every scenario parameter one home: its type, default, allowed
//! range, unit and documentation are written once, and validation messages and the generated
//! parameter reference (docs/PARAMETERS.md) both quote them.

use std::ops::RangeInclusive;

/// One documented parameter, as listed in the parameter reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamDoc {
    /// Key within its table.
    pub name: &'static str,
    /// One-line description.
    pub doc: &'static str,
    /// The default, as written in the source.
    pub default: &'static str,
    /// The allowed range, as written in the source (`()` means any value of the type).
    pub range: &'static str,
    /// Unit of the value, or `-` when dimensionless.
    pub unit: &'static str,
}

/// A value that can be checked against an allowed range, giving the reason when it is outside.
pub trait Check<R> {
    /// `Ok` when the value is allowed; otherwise a lower-case message saying what is allowed.
    fn check(&self, range: &R) -> Result<(), String>;
}

impl Check<RangeInclusive<f64>> for f64 {
    fn check(&self, range: &RangeInclusive<f64>) -> Result<(), String> {
        if self.is_finite() && range.contains(self) {
            Ok(())
        } else {
            Err(format!(
                "must be a number from {} to {}, got {}",
                range.start(),
                range.end(),
                self
            ))
        }
    }
}

macro_rules! integer_check {
    ($($ty:ty),*) => {$(
        impl Check<RangeInclusive<$ty>> for $ty {
            fn check(&self, range: &RangeInclusive<$ty>) -> Result<(), String> {
                if range.contains(self) {
                    Ok(())
                } else {
                    Err(format!(
                        "must be a whole number from {} to {}, got {}",
                        range.start(),
                        range.end(),
                        self
                    ))
                }
            }
        }
    )*};
}
integer_check!(u32, u64);

/// Values whose type alone says what is allowed (booleans, names, choices checked by serde).
impl<T> Check<()> for T {
    fn check(&self, _: &()) -> Result<(), String> {
        Ok(())
    }
}

/// A parameter a `[[schedule]]` may set to a number during a run.
pub trait Number {
    /// Sets the value to `value`; `sub` is the rest of the key below the field (the platform type
    /// of a per-type value). An error says why it cannot be set.
    fn set_number(&mut self, sub: Option<&str>, value: f64) -> Result<(), String>;
}

impl Number for f64 {
    fn set_number(&mut self, sub: Option<&str>, value: f64) -> Result<(), String> {
        match sub {
            None => {
                *self = value;
                Ok(())
            }
            Some(sub) => Err(format!("has no key `{sub}`")),
        }
    }
}

impl Number for u32 {
    fn set_number(&mut self, sub: Option<&str>, value: f64) -> Result<(), String> {
        if let Some(sub) = sub {
            return Err(format!("has no key `{sub}`"));
        }
        if value.fract() != 0.0 || !(0.0..=f64::from(u32::MAX)).contains(&value) {
            return Err(format!("takes whole numbers, got {value}"));
        }
        *self = value as u32;
        Ok(())
    }
}

/// Types that are not numbers: a schedule cannot set them.
macro_rules! not_a_number {
    ($($ty:ty),*) => {$(
        impl Number for $ty {
            fn set_number(&mut self, _: Option<&str>, _: f64) -> Result<(), String> {
                Err("is not a number".to_string())
            }
        }
    )*};
}
not_a_number!(
    bool,
    String,
    crate::scenario::dist::Dist,
    crate::scenario::tables::NetworkKind,
    crate::scenario::tables::Targeting,
    crate::scenario::event::PlatformSelector,
    crate::scenario::warning::Level
);

/// Declares a parameter table: a struct whose fields each carry a doc line, a default, an
/// allowed range and a unit. Generates the struct (serde, with defaults for missing keys and
/// unknown keys rejected), `Default`, `validate` and the `PARAMETERS` reference table.
macro_rules! params {
    (
        $(#[doc = $struct_doc:expr])*
        pub struct $name:ident {
            $(
                #[doc = $doc:expr]
                $field:ident : $ty:ty = $default:expr, $range:expr, $unit:expr;
            )*
        }
    ) => {
        $(#[doc = $struct_doc])*
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(default, deny_unknown_fields)]
        pub struct $name {
            $(
                #[doc = $doc]
                pub $field: $ty,
            )*
        }

        impl Default for $name {
            fn default() -> Self {
                $name { $($field: $default,)* }
            }
        }

        impl $name {
            /// Every parameter of this table with its default, range and unit.
            pub const PARAMETERS: &'static [$crate::scenario::params::ParamDoc] = &[
                $($crate::scenario::params::ParamDoc {
                    name: stringify!($field),
                    doc: $doc,
                    default: stringify!($default),
                    range: stringify!($range),
                    unit: $unit,
                },)*
            ];

            /// Sets the numeric parameter `key` of this table (a field, or `field.type` for a
            /// per-type value) to `value`, for a `[[schedule]]`; the message says why it cannot.
            pub fn set_number(&mut self, key: &str, value: f64) -> Result<(), String> {
                let (field, sub) = match key.split_once('.') {
                    Some((field, sub)) => (field, Some(sub)),
                    None => (key, None),
                };
                match field {
                    $(stringify!($field) => $crate::scenario::params::Number::set_number(&mut self.$field, sub, value),)*
                    _ => Err("is not a key of its table".to_string()),
                }
            }

            /// Checks every parameter against its allowed range; `table` is this table's dotted
            /// key in the scenario, used to name the offending key.
            pub fn validate(&self, table: &str) -> Result<(), $crate::scenario::problem::Problem> {
                $(
                    $crate::scenario::params::Check::check(&self.$field, &$range).map_err(|message| {
                        $crate::scenario::problem::Problem::new(
                            format!("{}{}", $crate::scenario::problem::prefix(table), stringify!($field)),
                            message,
                        )
                    })?;
                )*
                Ok(())
            }
        }
    };
}

pub(crate) use params;
