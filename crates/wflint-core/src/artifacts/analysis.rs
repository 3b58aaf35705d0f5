//! What the artifact rules know about one object, computed once and shared by every rule:
//! its own templates and artifacts, the templates it runs from WorkflowTemplates and
//! ClusterWorkflowTemplates (`workflowTemplateRef`, `templateRef`), the execution-spec settings
//! (object > WorkflowTemplate > controller `workflowDefaults`) and the artifact repository Argo
//! resolves for it.
//!
//! Findings about inherited templates point at the `workflowTemplateRef`/`templateRef` that
//! brings them into the linted object, since their own text is in another file (or in the
//! cluster).

use std::{cell::OnceCell, collections::VecDeque, sync::Arc};

use serde_json::Value;

use crate::{
    context::Lookup,
    diagnostic::{Diagnostic, Target},
    engine::ObjectCx,
    model::ArgoKind,
    path::{FieldPath, PointerExt as _},
    rules::Rule,
};

use super::{
    execution::{
        Layer, SpecField, effective_spec_field, effective_spec_value, workflow_spec,
        workflow_spec_path,
    },
    location::{NeedSettings, SiteNeed, spec_needs, workflow_receivers},
    resolve::{RepositoryRef, Resolution, Resolved, resolve},
    sites::{LocationSite, SpecSites, TemplateSite, walk_spec, walk_template},
};

/// At most this many WorkflowTemplates are followed from one object.
const MAX_HOLDERS: usize = 64;
/// At most this many templates are pulled in from them.
const MAX_CALLED_TEMPLATES: usize = 512;

/// A WorkflowTemplate or ClusterWorkflowTemplate whose templates the object runs.
#[derive(Debug)]
pub(crate) struct Holder {
    /// Its JSON.
    pub value: Arc<Value>,
    /// `WorkflowTemplate` or `ClusterWorkflowTemplate`.
    pub kind: ArgoKind,
    /// Its name.
    pub name: String,
    /// The field of the linted object that first brings it in (`workflowTemplateRef` or a
    /// step's `templateRef`).
    pub anchor: FieldPath,
    /// All its templates run (`workflowTemplateRef`), not just the called ones.
    pub whole: bool,
    /// The templates called through `templateRef` (and the ones they call in turn).
    pub called: Vec<String>,
}

impl Holder {
    /// `WorkflowTemplate `name``.
    pub(crate) fn label(&self) -> String {
        format!("{} `{}`", self.kind.as_str(), self.name)
    }
}

/// Where a site's text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    /// In the linted object.
    Own,
    /// In `holders[i]`.
    Inherited(usize),
}

/// The sites of the linted object or of one holder.
pub(crate) struct Part<'a> {
    /// Whose text.
    pub origin: Origin,
    /// Its templates and locations (paths inside its own object).
    pub sites: SpecSites<'a>,
}

/// The `artifactRepositoryRef` of the execution spec.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RefSetting {
    /// No layer sets one.
    Absent,
    /// Set (fields merged over the layers); `layer` is the first layer that has the ref.
    Present {
        reference: RepositoryRef,
        layer: Layer,
    },
    /// A layer cannot be read, or the ref is templated (`{{...}}`).
    Unknown,
}

/// Everything the artifact rules need about one object.
pub(crate) struct ArtifactCx<'a> {
    /// The engine's view of the object.
    pub object: &'a ObjectCx<'a>,
    /// Its workflow spec (`spec`, or `spec.workflowSpec`).
    pub spec: Option<&'a Value>,
    /// Where that spec is.
    pub spec_path: FieldPath,
    /// The WorkflowTemplates it runs templates of.
    pub holders: &'a [Holder],
    /// `parts[0]` is the object itself, then one part per holder with templates.
    pub parts: Vec<Part<'a>>,
    ref_setting: OnceCell<RefSetting>,
    resolved: OnceCell<Resolved>,
    needs: OnceCell<Vec<(usize, SiteNeed)>>,
    gc_strategy: OnceCell<SpecField>,
    gc_service_account: OnceCell<SpecField>,
    secret_uses: OnceCell<Vec<super::rules::SecretUse>>,
}

/// A `templateRef` or `workflowTemplateRef` to follow.
struct Request {
    cluster: bool,
    name: String,
    /// `None`: all templates (`workflowTemplateRef`).
    template: Option<String>,
    anchor: FieldPath,
}

fn plain_text(value: Option<&Value>) -> Option<&str> {
    value
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty() && !s.contains("{{"))
}

fn template_ref_request(reference: &Value, anchor: FieldPath) -> Option<Request> {
    Some(Request {
        cluster: reference
            .get("clusterScope")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        name: plain_text(reference.get("name"))?.to_string(),
        template: Some(plain_text(reference.get("template"))?.to_string()),
        anchor,
    })
}

/// The template named `name` among the holder's `spec.templates`, with its index.
fn find_template<'v>(holder: &'v Value, name: &str) -> Option<(usize, &'v Value)> {
    holder
        .at("/spec/templates")?
        .as_array()?
        .iter()
        .enumerate()
        .find(|(_, t)| t.get("name").and_then(Value::as_str) == Some(name))
}

/// The object's own templates and locations.
pub(crate) fn own_sites<'a>(cx: &ObjectCx<'a>) -> SpecSites<'a> {
    workflow_spec(cx.kind, cx.value).map_or_else(SpecSites::default, |spec| {
        walk_spec(spec, &workflow_spec_path(cx.kind))
    })
}

/// Follow the object's `workflowTemplateRef` and the `templateRef`s of its own sites
/// (transitively) through the context. Unknown or missing templates are skipped: other rules
/// report them.
pub(crate) fn discover_holders(cx: &ObjectCx<'_>, own: &SpecSites<'_>) -> Vec<Holder> {
    let Some(spec) = workflow_spec(cx.kind, cx.value) else {
        return Vec::new();
    };
    let spec_path = workflow_spec_path(cx.kind);
    let mut queue = VecDeque::new();
    if matches!(cx.kind, ArgoKind::Workflow | ArgoKind::CronWorkflow)
        && let Some(reference) = spec.get("workflowTemplateRef").filter(|r| r.is_object())
        && let Some(name) = plain_text(reference.get("name"))
    {
        queue.push_back(Request {
            cluster: reference
                .get("clusterScope")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            name: name.to_string(),
            template: None,
            anchor: spec_path.key("workflowTemplateRef"),
        });
    }
    for call in &own.template_refs {
        queue.extend(template_ref_request(call.reference, call.path.clone()));
    }
    let own_name = cx
        .value
        .at("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("");
    let mut holders: Vec<Holder> = Vec::new();
    let mut looked_up: Vec<(bool, String)> = Vec::new();
    let mut called_total = 0;
    while let Some(request) = queue.pop_front() {
        let is_self = match cx.kind {
            ArgoKind::WorkflowTemplate => !request.cluster && request.name == own_name,
            ArgoKind::ClusterWorkflowTemplate => request.cluster && request.name == own_name,
            _ => false,
        };
        if is_self {
            // The object's own templates are linted as its own already.
            continue;
        }
        let index = match holders.iter().position(|h| {
            (h.kind == ArgoKind::ClusterWorkflowTemplate) == request.cluster
                && h.name == request.name
        }) {
            Some(index) => index,
            None => {
                let identity = (request.cluster, request.name.clone());
                if looked_up.contains(&identity) || holders.len() >= MAX_HOLDERS {
                    continue;
                }
                looked_up.push(identity);
                let lookup = if request.cluster {
                    cx.context.cluster_workflow_template(&request.name)
                } else {
                    match cx.namespace {
                        Some(namespace) => cx.context.workflow_template(namespace, &request.name),
                        None => Lookup::Unknown,
                    }
                };
                let Lookup::Found(found) = lookup else {
                    continue;
                };
                holders.push(Holder {
                    value: found.value,
                    kind: if request.cluster {
                        ArgoKind::ClusterWorkflowTemplate
                    } else {
                        ArgoKind::WorkflowTemplate
                    },
                    name: request.name.clone(),
                    anchor: request.anchor.clone(),
                    whole: false,
                    called: Vec::new(),
                });
                holders.len() - 1
            }
        };
        let Some(holder) = holders.get_mut(index) else {
            continue;
        };
        let value = Arc::clone(&holder.value);
        let anchor = holder.anchor.clone();
        let mut found_refs = Vec::new();
        let mut local_calls = Vec::new();
        match request.template {
            None => {
                if holder.whole {
                    continue;
                }
                holder.whole = true;
                if let Some(spec) = value.get("spec") {
                    let sites = walk_spec(spec, &FieldPath::root());
                    found_refs.extend(sites.template_refs.iter().map(|c| c.reference.clone()));
                }
            }
            Some(template) => {
                if holder.whole
                    || holder.called.contains(&template)
                    || called_total >= MAX_CALLED_TEMPLATES
                {
                    continue;
                }
                let Some((_, body)) = find_template(&value, &template) else {
                    continue;
                };
                holder.called.push(template);
                called_total += 1;
                let mut sites = SpecSites::default();
                walk_template(body, &FieldPath::root(), &mut sites);
                found_refs.extend(sites.template_refs.iter().map(|c| c.reference.clone()));
                for site in &sites.templates {
                    local_calls.extend(site.calls.iter().map(|c| c.to_string()));
                }
            }
        }
        for reference in found_refs {
            queue.extend(template_ref_request(&reference, anchor.clone()));
        }
        let holder_cluster = holders
            .get(index)
            .is_some_and(|h| h.kind == ArgoKind::ClusterWorkflowTemplate);
        let holder_name = holders
            .get(index)
            .map(|h| h.name.clone())
            .unwrap_or_default();
        for call in local_calls {
            queue.push_back(Request {
                cluster: holder_cluster,
                name: holder_name.clone(),
                template: Some(call),
                anchor: anchor.clone(),
            });
        }
    }
    holders
}

impl<'a> ArtifactCx<'a> {
    /// The object (its sites from [`own_sites`]) and the templates of its holders.
    pub(crate) fn new(object: &'a ObjectCx<'a>, own: SpecSites<'a>, holders: &'a [Holder]) -> Self {
        let spec = workflow_spec(object.kind, object.value);
        let spec_path = workflow_spec_path(object.kind);
        let mut parts = vec![Part {
            origin: Origin::Own,
            sites: own,
        }];
        for (index, holder) in holders.iter().enumerate() {
            let Some(holder_spec) = holder.value.get("spec") else {
                continue;
            };
            let spec_root = FieldPath::root().key("spec");
            let sites = if holder.whole {
                walk_spec(holder_spec, &spec_root)
            } else {
                let mut sites = SpecSites::default();
                for name in &holder.called {
                    if let Some((i, body)) = find_template(&holder.value, name) {
                        walk_template(body, &spec_root.key("templates").index(i), &mut sites);
                    }
                }
                sites
            };
            parts.push(Part {
                origin: Origin::Inherited(index),
                sites,
            });
        }
        Self {
            object,
            spec,
            spec_path,
            holders,
            parts,
            ref_setting: OnceCell::new(),
            resolved: OnceCell::new(),
            needs: OnceCell::new(),
            gc_strategy: OnceCell::new(),
            gc_service_account: OnceCell::new(),
            secret_uses: OnceCell::new(),
        }
    }

    /// The object's own part.
    pub(crate) fn own(&self) -> &Part<'a> {
        &self.parts[0]
    }

    /// Every location of every part, with its part index.
    pub(crate) fn all_locations(&self) -> impl Iterator<Item = (usize, &LocationSite<'a>)> {
        self.parts
            .iter()
            .enumerate()
            .flat_map(|(p, part)| part.sites.locations.iter().map(move |l| (p, l)))
    }

    /// The template a location belongs to.
    pub(crate) fn template_of(
        &self,
        part: usize,
        site: &LocationSite<'a>,
    ) -> Option<&TemplateSite<'a>> {
        self.parts.get(part)?.sites.templates.get(site.template?)
    }

    /// The namespace the object runs in (`None` for ClusterWorkflowTemplates).
    pub(crate) fn namespace(&self) -> Option<&'a str> {
        self.object.namespace
    }

    /// A nested field of the execution spec.
    pub(crate) fn spec_value(&self, fields: &[&str]) -> SpecField {
        effective_spec_value(
            self.object.kind,
            self.object.value,
            self.object.namespace.unwrap_or(""),
            self.object.context,
            fields,
        )
    }

    /// `artifactGC.strategy` of the execution spec.
    pub(crate) fn gc_strategy(&self) -> &SpecField {
        self.gc_strategy
            .get_or_init(|| self.spec_value(&["artifactGC", "strategy"]))
    }

    /// `artifactGC.serviceAccountName` of the execution spec.
    pub(crate) fn gc_service_account(&self) -> &SpecField {
        self.gc_service_account
            .get_or_init(|| self.spec_value(&["artifactGC", "serviceAccountName"]))
    }

    /// The execution spec's `artifactRepositoryRef`.
    pub(crate) fn ref_setting(&self) -> &RefSetting {
        self.ref_setting.get_or_init(|| {
            let presence = effective_spec_field(
                self.object.kind,
                self.object.value,
                self.object.namespace.unwrap_or(""),
                self.object.context,
                "artifactRepositoryRef",
            );
            let layer = match presence {
                SpecField::Unset => return RefSetting::Absent,
                SpecField::Unknown { .. } => return RefSetting::Unknown,
                SpecField::Set { layer, .. } => layer,
            };
            let mut fields = Vec::new();
            for field in ["configMap", "key"] {
                match self.spec_value(&["artifactRepositoryRef", field]) {
                    SpecField::Unknown { .. } => return RefSetting::Unknown,
                    SpecField::Unset => fields.push(String::new()),
                    SpecField::Set { value, .. } => match value.as_str() {
                        Some(text) if !text.contains("{{") => fields.push(text.to_string()),
                        // Templated (substituted at run time) or not a string.
                        _ => return RefSetting::Unknown,
                    },
                }
            }
            let key = fields.pop().unwrap_or_default();
            let config_map = fields.pop().unwrap_or_default();
            RefSetting::Present {
                reference: RepositoryRef { config_map, key },
                layer,
            }
        })
    }

    /// The repository Argo resolves for this object (unknown for ClusterWorkflowTemplates,
    /// whose runs can be in any namespace).
    pub(crate) fn resolved(&self) -> &Resolved {
        self.resolved.get_or_init(|| {
            let unknown = Resolved {
                resolution: Resolution::Unknown,
                chain: Vec::new(),
            };
            let Some(namespace) = self.object.namespace else {
                return unknown;
            };
            match self.ref_setting() {
                RefSetting::Unknown => unknown,
                RefSetting::Absent => resolve(None, namespace, self.object.context),
                RefSetting::Present { reference, .. } => {
                    resolve(Some(reference), namespace, self.object.context)
                }
            }
        })
    }

    /// Every Secret selector the object's pods mount (see
    /// [`super::rules::collect_secret_uses`]), collected once for the rules that check them.
    pub(crate) fn secret_uses(&self) -> &[super::rules::SecretUse] {
        self.secret_uses
            .get_or_init(|| super::rules::collect_secret_uses(self))
    }

    /// Every place (of every part) that needs the repository, with its part index.
    pub(crate) fn needs(&self) -> &[(usize, SiteNeed)] {
        self.needs.get_or_init(|| {
            let spec_archive_logs = self
                .spec_value(&["archiveLogs"])
                .value()
                .and_then(Value::as_bool);
            let default_archive_location =
                self.spec_value(&["templateDefaults", "archiveLocation"]);
            let entrypoint = self.spec_value(&["entrypoint"]);
            let on_exit = self.spec_value(&["onExit"]);
            let hooks = self.spec_value(&["hooks"]);
            let known = |field: &SpecField| !matches!(field, SpecField::Unknown { .. });
            let receivers = if known(&entrypoint) && known(&on_exit) && known(&hooks) {
                workflow_receivers(entrypoint.value(), on_exit.value(), hooks.value())
            } else {
                None
            };
            let settings = NeedSettings {
                spec_archive_logs,
                repository_archive_logs: self.resolved().resolution.archives_logs(),
                default_archive_location: default_archive_location.value(),
                workflow_receivers: receivers.as_deref(),
            };
            self.parts
                .iter()
                .enumerate()
                .flat_map(|(p, part)| {
                    spec_needs(&part.sites, &settings)
                        .into_iter()
                        .map(move |need| (p, need))
                })
                .collect()
        })
    }

    /// The origin of a part.
    pub(crate) fn origin(&self, part: usize) -> Origin {
        self.parts.get(part).map_or(Origin::Own, |p| p.origin)
    }

    /// The holder of an inherited part.
    pub(crate) fn holder(&self, part: usize) -> Option<&Holder> {
        match self.origin(part) {
            Origin::Own => None,
            Origin::Inherited(h) => self.holders.get(h),
        }
    }

    /// A finding at `path` of part `part`: in the object itself, or at the reference that
    /// brings an inherited template in.
    pub(crate) fn finding(
        &self,
        rule: &'static Rule,
        part: usize,
        path: FieldPath,
        target: Target,
        message: impl Into<String>,
    ) -> Diagnostic {
        match self.holder(part) {
            None => {
                let diagnostic = Diagnostic::new(rule, path, message);
                match target {
                    Target::Key => diagnostic.on_key(),
                    Target::Entry => diagnostic.on_entry(),
                    Target::Value => diagnostic,
                }
            }
            Some(holder) => Diagnostic::new(rule, holder.anchor.clone(), message).on_key(),
        }
    }

    /// " (template `t` of WorkflowTemplate `w`)" for inherited sites, "" for own ones.
    pub(crate) fn where_inherited(
        &self,
        part: usize,
        template: Option<&TemplateSite<'_>>,
    ) -> String {
        match self.holder(part) {
            None => String::new(),
            Some(holder) => match template.map(|t| t.name).filter(|n| !n.is_empty()) {
                Some(name) => format!(" (template `{name}` of {})", holder.label()),
                None => format!(" (in {})", holder.label()),
            },
        }
    }

    /// "output artifact `x`" with the inherited origin, for messages.
    pub(crate) fn describe(&self, part: usize, site: &LocationSite<'_>) -> String {
        let template = self.template_of(part, site);
        let name = site.name();
        let what = if site.role.is_artifact() && !name.is_empty() {
            format!("{} `{name}`", site.role.noun())
        } else if let Some(t) = template.filter(|t| !t.name.is_empty()) {
            format!("the {} of template `{}`", site.role.noun(), t.name)
        } else {
            site.role.noun().to_string()
        };
        format!("{what}{}", self.where_inherited(part, template))
    }

    /// Whether runs of this object can overlap with other runs of the same spec: a Workflow
    /// named by `generateName` (no `name` yet, or the name the API server made of it), a
    /// CronWorkflow, or a template meant for reuse.
    pub(crate) fn runs_repeatedly(&self) -> bool {
        let metadata = self.object.value.get("metadata");
        let meta = |field: &str| {
            metadata
                .and_then(|m| m.get(field))
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
        };
        match self.object.kind {
            ArgoKind::Workflow => match (meta("generateName"), meta("name")) {
                (Some(_), None) => true,
                // What a validating admission webhook sees: the API server names the object
                // before validating admission (and after mutating admission).
                (Some(prefix), Some(name)) => crate::model::is_generated_name(name, prefix),
                (None, _) => false,
            },
            ArgoKind::CronWorkflow
            | ArgoKind::WorkflowTemplate
            | ArgoKind::ClusterWorkflowTemplate => true,
        }
    }
}
