//! Argument processing as Argo does it before validating a template (`common.ProcessArgs` and
//! `SubstituteParams`): inputs take the caller's values (placeholders for `FakeArguments`),
//! inputs nobody supplies are reported, and every `{{...}}` the global, local and input values
//! cover is substituted in the whole template.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::Value;

use crate::model::{AnyString, Artifact, Template};

use super::{
    tags,
    walk::{Args, Missing, Validator},
};

/// A template after argument processing.
pub(crate) struct Processed<'t> {
    /// The substituted template; the template itself (borrowed) when it has no inputs to bind
    /// and no tag was substituted.
    pub(crate) template: Cow<'t, Template>,
    /// Its JSON form (what Argo scans for tags), with the same paths as the source.
    pub(crate) value: Value,
}

/// The input parameter values of one call (`None`: taken from a ConfigMap at run time), and
/// the inputs the caller does not supply.
pub(crate) struct Bound {
    values: Vec<Option<String>>,
    /// Inputs the caller does not supply (Argo's `was not supplied`).
    pub(crate) missing: Vec<Missing>,
}

impl Validator<'_> {
    /// The first half of `ProcessArgs(tmpl, args, ..., validateOnly=true)`: each input
    /// parameter's value (default, then the caller's argument; a placeholder for fake
    /// arguments) and every input the caller does not supply (given a placeholder, so the
    /// template can still be checked).
    pub(crate) fn bind_inputs(&mut self, template: &Template, args: Args<'_>) -> Bound {
        let mut values = Vec::with_capacity(template.inputs.parameters.len());
        let mut missing = Vec::new();
        for parameter in &template.inputs.parameters {
            let mut value = parameter
                .value
                .as_deref()
                .or(parameter.default.as_deref())
                .map(str::to_string);
            let mut from_config_map = parameter
                .value_from
                .as_ref()
                .is_some_and(|v| v.config_map_key_ref.is_some());
            match args {
                Args::Fake => {
                    value = Some(
                        self.placeholder_for(&format!("inputs.parameters.{}", parameter.name)),
                    );
                }
                Args::Real(arguments) => {
                    if let Some(argument) = arguments.parameter(&parameter.name) {
                        value = argument.value.as_deref().map(str::to_string);
                        if value.is_none() {
                            from_config_map = argument
                                .value_from
                                .as_ref()
                                .is_some_and(|v| v.config_map_key_ref.is_some());
                        }
                    }
                }
            }
            if value.is_none() && !from_config_map {
                missing.push(Missing::Parameter(parameter.name.clone()));
                value =
                    Some(self.placeholder_for(&format!("inputs.parameters.{}", parameter.name)));
            }
            values.push(value);
        }
        if let Args::Real(arguments) = args {
            for artifact in &template.inputs.artifacts {
                let has_location_or_key =
                    artifact.location.has_location() || artifact.location.key().is_some();
                if !artifact.optional
                    && !has_location_or_key
                    && arguments.artifact(&artifact.name).is_none()
                {
                    missing.push(Missing::Artifact(artifact.name.clone()));
                }
            }
        }
        Bound { values, missing }
    }

    /// The substitution map of one call: globals, then the template's locals.
    fn lookup_in<'l>(
        &'l self,
        locals: &'l [(String, String)],
    ) -> impl Fn(&str) -> Option<String> + 'l {
        move |name: &str| {
            locals
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .or_else(|| self.globals.get(name).map(str::to_string))
        }
    }

    /// `text` as the substituted template would hold it (both passes of `SubstituteParams`),
    /// for the few fields checked on every call.
    pub(crate) fn substitute_field(
        &self,
        text: &str,
        template: &Template,
        bound: &Bound,
        locals: &[(String, String)],
    ) -> String {
        if !tags::has_tags(text) {
            return text.to_string();
        }
        let first = self.lookup_in(locals);
        let after_first = tags::substitute_owned(text, &first).unwrap_or_else(|| text.to_string());
        let inputs: Vec<(String, String)> = template
            .inputs
            .parameters
            .iter()
            .zip(&bound.values)
            .filter_map(|(p, v)| {
                let v = v.as_ref()?;
                let v = tags::substitute_owned(v, &first).unwrap_or_else(|| v.clone());
                Some((format!("inputs.parameters.{}", p.name), v))
            })
            .collect();
        let second = |name: &str| {
            first(name).or_else(|| {
                inputs
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.clone())
            })
        };
        tags::substitute_owned(&after_first, &second).unwrap_or(after_first)
    }

    /// The second half of `ProcessArgs` (`SubstituteParams`): the template with its inputs
    /// bound (input artifacts replaced by the caller's, as Argo does) and every tag the
    /// globals, locals and inputs cover substituted.
    pub(crate) fn substitute_template<'t>(
        &self,
        template: &'t Template,
        args: Args<'_>,
        bound: &Bound,
        locals: &[(String, String)],
    ) -> Processed<'t> {
        // Inputs are bound on a copy; a template without inputs is used as it is.
        let mut processed = Cow::Borrowed(template);
        if !template.inputs.parameters.is_empty() || !template.inputs.artifacts.is_empty() {
            bind(processed.to_mut(), args, bound);
        }

        let Ok(mut value) = serde_json::to_value(processed.as_ref()) else {
            return Processed {
                template: processed,
                value: Value::Null,
            };
        };
        let first = self.lookup_in(locals);
        let mut changed = substitute_value(&mut value, &first);
        let inputs = input_values(&value);
        let second = |name: &str| -> Option<String> {
            first(name).or_else(|| {
                inputs
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.clone())
            })
        };
        changed |= substitute_value(&mut value, &second);
        if changed && let Ok(substituted) = Template::deserialize(&value) {
            processed = Cow::Owned(substituted);
        }
        Processed {
            template: processed,
            value,
        }
    }
}

/// Bind a call's inputs into (a copy of) its template: parameter values, and the caller's
/// artifacts in place of the declared ones (keeping the template's path and modes).
fn bind(processed: &mut Template, args: Args<'_>, bound: &Bound) {
    for (parameter, value) in processed.inputs.parameters.iter_mut().zip(&bound.values) {
        match value {
            Some(value) => {
                parameter.value = Some(AnyString(value.clone()));
                if let Args::Real(arguments) = args
                    && arguments.parameter(&parameter.name).is_some()
                {
                    parameter.value_from = None;
                }
            }
            None => {
                parameter.value = None;
                if let Args::Real(arguments) = args
                    && let Some(argument) = arguments.parameter(&parameter.name)
                {
                    parameter.value_from.clone_from(&argument.value_from);
                }
            }
        }
    }
    for artifact in &mut processed.inputs.artifacts {
        let argument: Option<Artifact> = match args {
            Args::Fake => Some(Artifact {
                name: artifact.name.clone(),
                ..Artifact::default()
            }),
            Args::Real(arguments) => arguments.artifact(&artifact.name).cloned(),
        };
        if let Some(mut argument) = argument {
            argument.path.clone_from(&artifact.path);
            argument.mode = artifact.mode;
            argument.recurse_mode = artifact.recurse_mode;
            *artifact = argument;
        }
    }
}

/// The input values `SubstituteParams` adds after the global pass: input parameter values,
/// the JSON of all input parameters, and input/output artifact and output parameter paths.
fn input_values(template: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    fn list<'v>(value: &'v Value, a: &str, b: &str) -> &'v [Value] {
        value
            .get(a)
            .and_then(|v| v.get(b))
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice)
    }
    let text = |value: &Value, key: &str| -> Option<String> {
        value
            .get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let parameters = list(template, "inputs", "parameters");
    for parameter in parameters {
        if let (Some(name), Some(value)) = (text(parameter, "name"), parameter.get("value"))
            && let Some(value) = value.as_str()
        {
            out.push((format!("inputs.parameters.{name}"), value.to_string()));
        }
    }
    out.push((
        "inputs.parameters".to_string(),
        serde_json::to_string(parameters).unwrap_or_default(),
    ));
    for artifact in list(template, "inputs", "artifacts") {
        if let (Some(name), Some(path)) = (text(artifact, "name"), text(artifact, "path")) {
            out.push((format!("inputs.artifacts.{name}.path"), path));
        }
    }
    for artifact in list(template, "outputs", "artifacts") {
        if let (Some(name), Some(path)) = (text(artifact, "name"), text(artifact, "path")) {
            out.push((format!("outputs.artifacts.{name}.path"), path));
        }
    }
    for parameter in list(template, "outputs", "parameters") {
        let path = parameter.get("valueFrom").and_then(|v| text(v, "path"));
        if let (Some(name), Some(path)) = (text(parameter, "name"), path) {
            out.push((format!("outputs.parameters.{name}.path"), path));
        }
    }
    out
}

/// Substitute the tags `lookup` knows in every string (and mapping key) of `value`; whether
/// anything changed.
pub(crate) fn substitute_value(value: &mut Value, lookup: &dyn Fn(&str) -> Option<String>) -> bool {
    match value {
        Value::String(text) => {
            if !tags::has_tags(text) {
                return false;
            }
            let replaced = tags::substitute_owned(text, lookup);
            match replaced {
                Some(new) => {
                    *text = new;
                    true
                }
                None => false,
            }
        }
        Value::Array(items) => {
            let mut changed = false;
            for item in items {
                changed |= substitute_value(item, lookup);
            }
            changed
        }
        Value::Object(map) => {
            let mut changed = false;
            if map.keys().any(|k| tags::has_tags(k)) {
                let entries: Vec<(String, Value)> = std::mem::take(map).into_iter().collect();
                for (key, mut item) in entries {
                    changed |= substitute_value(&mut item, lookup);
                    let key = match tags::substitute_owned(&key, lookup) {
                        Some(new) => {
                            changed = true;
                            new
                        }
                        None => key,
                    };
                    map.insert(key, item);
                }
            } else {
                for item in map.values_mut() {
                    changed |= substitute_value(item, lookup);
                }
            }
            changed
        }
        _ => false,
    }
}
