//! Lenient scalar types of Argo's API and the serde helpers that give the model Go's decoding
//! semantics (a `null` value means "not set").

use std::{borrow::Cow, fmt};

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, de};

pub use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// Decode a field whose `null` value means its default, as Go's JSON decoder treats it.
pub(crate) fn nullable<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// Whether a value equals its type's default (used to keep serialized output as small as Go's
/// `omitempty`).
pub(crate) fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

/// A string that may be written as a string, a number or a boolean (`value: 3`, `value: true`);
/// Argo keeps the text of whichever was given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct AnyString(pub String);

impl AnyString {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AnyString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for AnyString {
    fn from(text: &str) -> Self {
        Self(text.to_string())
    }
}

impl From<String> for AnyString {
    fn from(text: String) -> Self {
        Self(text)
    }
}

impl std::ops::Deref for AnyString {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for AnyString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AnyStringVisitor;

        impl de::Visitor<'_> for AnyStringVisitor {
            type Value = AnyString;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string, number or boolean")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<AnyString, E> {
                Ok(AnyString(v.to_string()))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<AnyString, E> {
                Ok(AnyString(v))
            }

            fn visit_bool<E: de::Error>(self, v: bool) -> Result<AnyString, E> {
                Ok(AnyString(v.to_string()))
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<AnyString, E> {
                Ok(AnyString(v.to_string()))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<AnyString, E> {
                Ok(AnyString(v.to_string()))
            }

            // Rust prints floats in plain decimal without an exponent, like Go's
            // `strconv.FormatFloat(v, 'f', -1, 64)` that Argo uses.
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<AnyString, E> {
                Ok(AnyString(v.to_string()))
            }
        }

        deserializer.deserialize_any(AnyStringVisitor)
    }
}

impl JsonSchema for AnyString {
    fn schema_name() -> Cow<'static, str> {
        "AnyString".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": ["string", "number", "boolean"] })
    }
}

/// One element of `withItems`: any JSON value (string, number, boolean, list or mapping).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Item(pub serde_json::Value);

impl Item {
    /// The value as written.
    pub fn value(&self) -> &serde_json::Value {
        &self.0
    }
}

impl JsonSchema for Item {
    fn schema_name() -> Cow<'static, str> {
        "Item".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Any value: a string, number, boolean, list or mapping."
        })
    }
}

/// A number as written (histogram bucket bounds); kept exact rather than rounded to `f64`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Amount(pub serde_json::Number);

impl Amount {
    /// The value as a float.
    pub fn as_f64(&self) -> Option<f64> {
        self.0.as_f64()
    }
}

impl JsonSchema for Amount {
    fn schema_name() -> Cow<'static, str> {
        "Amount".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "number" })
    }
}

/// Free-form JSON (plugin configuration, object status).
pub type Json = serde_json::Value;

/// A `key: value` map of strings (labels, annotations, node selectors), sorted by key.
pub type StringMap = std::collections::BTreeMap<String, String>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_string_keeps_the_text_of_numbers_and_booleans() {
        let parse = |v: serde_json::Value| AnyString::deserialize(&v).map(|s| s.0);
        assert_eq!(parse(serde_json::json!("x")).unwrap(), "x");
        assert_eq!(parse(serde_json::json!(3)).unwrap(), "3");
        assert_eq!(parse(serde_json::json!(-3)).unwrap(), "-3");
        assert_eq!(parse(serde_json::json!(1.5)).unwrap(), "1.5");
        assert_eq!(parse(serde_json::json!(true)).unwrap(), "true");
        assert!(parse(serde_json::json!({"a": 1})).is_err());
        assert!(parse(serde_json::json!([1])).is_err());
    }

    #[test]
    fn null_means_default() {
        #[derive(Deserialize, Default)]
        #[serde(default)]
        struct Holder {
            #[serde(deserialize_with = "nullable")]
            list: Vec<String>,
        }
        let v = serde_json::json!({"list": null});
        assert!(Holder::deserialize(&v).unwrap().list.is_empty());
    }
}
