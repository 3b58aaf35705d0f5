//! Template inputs (Argo's `validateInputs`: P7, A3-A9) and artifact locations
//! (`validateArtifactLocation`, `hdfs.ValidateArtifact`: A8-A10).

use super::{
    names::NameRule,
    paths::{PathProblem, clean_artifact_path},
    workflow::report_name_list,
};
use crate::{
    diagnostic::Diagnostic,
    model::{ArtifactLocation, HdfsArtifact, Template},
    path::FieldPath,
    rules::argo_checks::{
        ARTIFACT_LOCATION_INVALID, ARTIFACT_PATH_INVALID, ARTIFACT_SOURCE_INVALID,
    },
};

/// P7, A3-A9 (`validateInputs`, run on the template as written): input names; input
/// artifact paths (required and traversal-free on leaf templates, absent on others); no
/// `from`; git and HDFS locations complete. `at` is the path of the template.
pub(crate) fn check_inputs(template: &Template, at: &FieldPath, out: &mut Vec<Diagnostic>) {
    let name = template.name.as_str();
    let parameters_at = at.key("inputs").key("parameters");
    report_name_list(
        template.inputs.parameters.iter().map(|p| p.name.as_str()),
        NameRule::ParamOrArtifact,
        &format_args!("templates.{name}.inputs.parameters"),
        "input parameter",
        |i| parameters_at.index(i),
        out,
    );
    let artifacts_at = at.key("inputs").key("artifacts");
    report_name_list(
        template.inputs.artifacts.iter().map(|a| a.name.as_str()),
        NameRule::ParamOrArtifact,
        &format_args!("templates.{name}.inputs.artifacts"),
        "input artifact",
        |i| artifacts_at.index(i),
        out,
    );
    let leaf = template.is_leaf();
    for (index, artifact) in template.inputs.artifacts.iter().enumerate() {
        let here = artifacts_at.index(index);
        let reference = format!("inputs.artifacts.{}", artifact.name);
        if leaf {
            check_artifact_path(
                name,
                &reference,
                &artifact.name,
                &artifact.path,
                &here,
                "input",
                out,
            );
        } else if !artifact.path.is_empty() {
            out.push(path_on_non_leaf(
                name,
                &reference,
                &artifact.name,
                "input",
                &here,
            ));
        }
        if !artifact.from.is_empty() {
            out.push(
                Diagnostic::new(
                    &ARTIFACT_SOURCE_INVALID,
                    here.key("from"),
                    format!(
                        "input artifact `{}` of template `{name}` has `from`, which only arguments can have",
                        artifact.name
                    ),
                )
                .on_key()
                .argo(format!("templates.{name}.{reference}.from not valid in inputs"))
                .help("remove `from` here and pass the artifact from the calling step's or task's `arguments`"),
            );
        }
        check_artifact_location(
            &format!("templates.{name}.{reference}"),
            &artifact.location,
            &here,
            out,
        );
    }
}

/// A5/A4/A12 (`Artifact.CleanPath`): a leaf template's artifact needs a path that does not
/// climb out of its folder. `reference` is `inputs.artifacts.<name>` or
/// `outputs.artifacts.<name>`; `here` the artifact's path.
pub(super) fn check_artifact_path(
    template: &str,
    reference: &str,
    artifact: &str,
    path: &str,
    here: &FieldPath,
    direction: &str,
    out: &mut Vec<Diagnostic>,
) {
    let Err(problem) = clean_artifact_path(path) else {
        return;
    };
    let argo = format!(
        "error in templates.{template}.{reference}: {}",
        problem.argo_text(artifact)
    );
    let diagnostic = match problem {
        PathProblem::Missing => Diagnostic::new(
            &ARTIFACT_PATH_INVALID,
            here.key("path"),
            format!("{direction} artifact `{artifact}` of template `{template}` has no `path`"),
        )
        .help(format!(
            "set `path:` to where the artifact is {} in the container",
            if direction == "input" { "placed" } else { "read from" }
        )),
        PathProblem::Traversal => Diagnostic::new(
            &ARTIFACT_PATH_INVALID,
            here.key("path"),
            format!(
                "{direction} artifact `{artifact}` of template `{template}` has a path whose `..` climbs out of the folder before it: `{path}`"
            ),
        )
        .help("write the path without `..` segments"),
    };
    out.push(diagnostic.argo(argo));
}

/// A6/A13: an artifact `path` on a steps, DAG or suspend template.
pub(super) fn path_on_non_leaf(
    template: &str,
    reference: &str,
    artifact: &str,
    direction: &str,
    here: &FieldPath,
) -> Diagnostic {
    Diagnostic::new(
        &ARTIFACT_PATH_INVALID,
        here.key("path"),
        format!(
            "{direction} artifact `{artifact}` of template `{template}` has a `path`, but the template runs no container"
        ),
    )
    .on_key()
    .argo(format!(
        "templates.{template}.{reference}.path only valid in container/script templates"
    ))
    .help(if direction == "input" {
        "remove `path`; steps and tasks pass the artifact on with `from: \"{{inputs.artifacts.<name>}}\"`"
    } else {
        "remove `path` and take the artifact `from` a step or task output"
    })
}

/// A10 (`validateTemplate` → `validateArtifactLocation`): the template's `archiveLocation`.
pub(crate) fn check_archive_location(
    template: &Template,
    at: &FieldPath,
    out: &mut Vec<Diagnostic>,
) {
    if let Some(location) = &template.archive_location {
        check_artifact_location(
            &format!("templates.{}.archiveLocation", template.name),
            location,
            &at.key("archiveLocation"),
            out,
        );
    }
}

/// A8/A9 (`validateArtifactLocation`): a git location needs `repo`; an HDFS one the fields of
/// `hdfs.ValidateArtifact`. `argo_prefix` names the location in Argo's text
/// (`templates.main.inputs.artifacts.src`), `here` is its path.
pub(super) fn check_artifact_location(
    argo_prefix: &str,
    location: &ArtifactLocation,
    here: &FieldPath,
    out: &mut Vec<Diagnostic>,
) {
    if let Some(git) = &location.git
        && git.repo.is_empty()
    {
        out.push(
            Diagnostic::new(
                &ARTIFACT_LOCATION_INVALID,
                here.key("git").key("repo"),
                "git artifact has no `repo`",
            )
            .argo(format!("{argo_prefix}.git.repo is required"))
            .help("set `repo:` to the repository URL"),
        );
    }
    if let Some(hdfs) = &location.hdfs {
        check_hdfs(&format!("{argo_prefix}.hdfs"), hdfs, &here.key("hdfs"), out);
    }
}

fn check_hdfs(prefix: &str, hdfs: &HdfsArtifact, here: &FieldPath, out: &mut Vec<Diagnostic>) {
    let mut report = |path: FieldPath, plain: &str, argo: String, help: &str| {
        out.push(
            Diagnostic::new(&ARTIFACT_LOCATION_INVALID, path, plain)
                .argo(argo)
                .help(help),
        );
    };
    let config = &hdfs.config;
    if config.addresses.is_empty() {
        report(
            here.key("addresses"),
            "HDFS location has no `addresses`",
            format!("{prefix}.addresses is required"),
            "list the name node addresses (`host:port`) under `addresses`",
        );
    }
    if hdfs.path.is_empty() {
        report(
            here.key("path"),
            "HDFS location has no `path`",
            format!("{prefix}.path is required"),
            "set `path:` to the absolute HDFS path",
        );
    } else if !hdfs.path.starts_with('/') {
        report(
            here.key("path"),
            "HDFS path is not absolute (Argo checks it before `{{...}}` substitution)",
            format!("{prefix}.path must be a absolute file path"),
            "start the path with `/`",
        );
    }
    let krb = &config.krb;
    let has_ccache = krb.krb_ccache_secret.is_some();
    let has_keytab = krb.krb_keytab_secret.is_some();
    if config.hdfs_user.is_empty() && !has_ccache && !has_keytab {
        report(
            here.key("hdfsUser"),
            "HDFS location has no credentials: none of hdfsUser, krbCCacheSecret, krbKeytabSecret",
            format!(
                "either {prefix}.hdfsUser, {prefix}.krbCCacheSecret or {prefix}.krbKeytabSecret is required"
            ),
            "set `hdfsUser`, or Kerberos settings with `krbCCacheSecret` or `krbKeytabSecret`",
        );
    }
    if has_keytab
        && (krb.krb_service_principal_name.is_empty()
            || krb.krb_config_config_map.is_none()
            || krb.krb_username.is_empty()
            || krb.krb_realm.is_empty())
    {
        report(
            here.key("krbKeytabSecret"),
            "HDFS Kerberos keytab needs krbServicePrincipalName, krbConfigConfigMap, krbUsername and krbRealm",
            format!(
                "{prefix}.krbServicePrincipalName, {prefix}.krbConfigConfigMap, {prefix}.krbUsername and {prefix}.krbRealm are required with {prefix}.krbKeytabSecret"
            ),
            "add the missing Kerberos fields",
        );
    }
    if has_ccache
        && (krb.krb_service_principal_name.is_empty() || krb.krb_config_config_map.is_none())
    {
        report(
            here.key("krbCCacheSecret"),
            "HDFS Kerberos ccache needs krbServicePrincipalName and krbConfigConfigMap",
            format!(
                "{prefix}.krbServicePrincipalName and {prefix}.krbConfigConfigMap are required with {prefix}.krbCCacheSecret"
            ),
            "add the missing Kerberos fields",
        );
    }
}
