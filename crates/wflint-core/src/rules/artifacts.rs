//! Rules of the `artifacts` group: artifact failures that pass `argo lint` and only show up at
//! run time (repository resolution, key-only artifacts, secrets, archive, garbage collection).
//!
//! The checks live in `crate::artifacts::rules` (one file per rule); this file declares their
//! codes and documentation.

use crate::declare_rule;

use super::Rule;

declare_rule! {
    /// ## What it does
    /// Reports an output artifact without a full location, a key-only input or argument
    /// artifact, or archived logs, in a namespace where no artifact repository resolves. wflint
    /// follows Argo's resolution: the template's full `archiveLocation`, then
    /// `spec.artifactRepositoryRef`, then the namespace's `artifact-repositories` ConfigMap (only
    /// with its `workflows.argoproj.io/default-artifact-repository` annotation), then the
    /// controller's `artifactRepository`. The help text lists what was found at each step.
    /// A key-only argument is followed to the templates that load it (passed on with
    /// `from: "{{inputs.artifacts.NAME}}"` through steps and DAGs; workflow arguments go to the
    /// entrypoint and the exit handlers): it is not reported when each of them has a full
    /// archive location (its own or `templateDefaults`'), and it is when one cannot be followed
    /// (`templateRef`, an unknown template). An argument taking (`from`) the output of a step
    /// whose template stores it through a full `archiveLocation` (the output giving no location
    /// of its own) counts too: Argo records that output by its key only, so the next pod reads
    /// it from the repository. A key-only input default of a steps or DAG template is followed
    /// the same way as an argument (such a template loads nothing itself).
    ///
    /// ## Why it matters
    /// Nothing fails at submission or in `argo lint`. The pod runs its main container to the
    /// end, then the wait container cannot upload the output and the step ends in Error:
    /// `artifact storage is not configured; see the docs for setup instructions:
    /// https://argo-workflows.readthedocs.io/en/latest/configure-artifact-repository/` (Argo
    /// v3.5: `You need to configure artifact storage. More information on how to do this can be
    /// found in the docs: ...`). A key-only input fails the same way before the main container
    /// starts.
    ///
    /// ## Example
    /// ```yaml
    /// # namespace team-b: no annotated artifact-repositories ConfigMap, no controller repository
    /// outputs:
    ///   artifacts:
    ///     - name: result
    ///       path: /tmp/result.txt
    /// ```
    ///
    /// ## Fix
    /// Configure a repository for the namespace: an `artifact-repositories` ConfigMap with the
    /// `workflows.argoproj.io/default-artifact-repository` annotation, or the controller's
    /// `artifactRepository`, or an explicit `spec.artifactRepositoryRef`; or give the artifact a
    /// full location (for s3: `endpoint`, `bucket` and `key`).
    pub static REPOSITORY_MISSING = {
        code: "artifact-repository-missing",
        group: "artifacts",
        severity: Error,
        summary: "artifact needs a repository and none resolves",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a `spec.artifactRepositoryRef` (written in the workflow, or inherited from the
    /// WorkflowTemplate of `workflowTemplateRef` or from the controller's `workflowDefaults`)
    /// that matches no repository: its ConfigMap (default `artifact-repositories`) is in neither
    /// the workflow's namespace nor the controller's, it lacks the key, it has no default
    /// annotation while the ref gives no key, or the value under the key is not an
    /// ArtifactRepository.
    ///
    /// ## Why it matters
    /// Argo looks the ref up in the workflow's namespace, then in the controller's namespace, and
    /// does **not** fall back to the default repository. The workflow goes to Error before any
    /// pod runs, whether or not it uses artifacts: `failed to resolve artifact repository: failed
    /// to find any artifact repository for artifact repository ref "my-repos#v3"` (or
    /// `... error getting config map for artifact repository ref "...": failed to unmarshall
    /// config map key ...` for a value that is not a repository).
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   artifactRepositoryRef:
    ///     configMap: my-artifact-repository
    ///     key: v3-s3-artifact-repository   # the ConfigMap has v1-... and v2-... only
    /// ```
    ///
    /// ## Fix
    /// Name an existing ConfigMap and key (`kubectl get configmap NAME -n NS -o yaml` lists the
    /// keys), add the default annotation when the ref gives no key, or remove the ref to use the
    /// namespace or controller default.
    pub static REPOSITORY_REF_NOT_FOUND = {
        code: "artifact-repository-ref-not-found",
        group: "artifacts",
        severity: Error,
        summary: "artifactRepositoryRef matches no repository",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a workflow that stores artifacts in a namespace whose `artifact-repositories`
    /// ConfigMap has no `workflows.argoproj.io/default-artifact-repository` annotation (or one
    /// naming a key the ConfigMap lacks), while the workflow has no `artifactRepositoryRef`.
    ///
    /// ## Why it matters
    /// Without the annotation Argo silently skips the namespace's ConfigMap and uses the
    /// controller's repository (a different bucket, other credentials), or no repository at all
    /// (then the upload fails with `artifact storage is not configured`). Nothing tells you the
    /// ConfigMap was ignored.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: artifact-repositories
    ///   namespace: team-b          # no annotations: ignored by Argo
    /// data:
    ///   my-artifact-repository: |
    ///     s3: {endpoint: minio:9000, bucket: team-b}
    /// ```
    ///
    /// ## Fix
    /// `kubectl annotate configmap artifact-repositories -n team-b
    /// workflows.argoproj.io/default-artifact-repository=my-artifact-repository`, or pin the
    /// entry with `spec.artifactRepositoryRef: {key: my-artifact-repository}`.
    pub static REPOSITORY_UNANNOTATED = {
        code: "artifact-repository-unannotated",
        group: "artifacts",
        severity: Warning,
        summary: "namespace repository ConfigMap ignored: no default annotation",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports an artifact location that sets some fields (a bucket, an endpoint, credentials)
    /// but is not a *full* location: s3 and oss need `endpoint`, `bucket` and `key`; gcs
    /// `bucket` and `key`; azure `endpoint`, `container` and `blob`; artifactory `url` and
    /// `usernameSecret`; hdfs `addresses`; http `url`; plugin `name`, `configuration` and `key`.
    /// Also a partial template `archiveLocation`.
    ///
    /// ## Why it matters
    /// Argo treats anything less than a full location as key-only: it replaces the whole
    /// location with the artifact repository's and keeps only the key. The bucket, region or
    /// credentials you wrote are silently discarded (argo-workflows issues #12564 "workflow
    /// ignores inputs.artifacts.s3.bucket and uses the bucket from artifactRepositoryRef" and
    /// #8172). A partial `archiveLocation` is replaced entirely, key included.
    ///
    /// ## Example
    /// ```yaml
    /// - name: result
    ///   path: /tmp/result
    ///   s3:
    ///     bucket: reports     # ignored: no endpoint, so this is key-only
    ///     key: result.tgz
    /// ```
    ///
    /// ## Fix
    /// Either complete the location (add the `endpoint`) or keep only the key and let the
    /// repository supply the rest.
    pub static PARTIAL_LOCATION = {
        code: "artifact-partial-location",
        group: "artifacts",
        severity: Warning,
        summary: "partial location: Argo discards it and uses the repository",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a Secret named by an artifact's location (s3, gcs, azure, oss, artifactory, git,
    /// http auth, hdfs) or by the resolved artifact repository that does not exist in the
    /// workflow's namespace, and says where it does exist (e.g. only in the controller's
    /// namespace).
    ///
    /// ## Why it matters
    /// Argo mounts every credential Secret as a volume of the workflow's pods, so it must be in
    /// the namespace the workflow runs in, whichever namespace defines the repository
    /// (argo-workflows #9338, #13828). The pod stays in `ContainerCreating` with the kubelet
    /// event `MountVolume.SetUp failed for volume "my-s3-secret" : secret "my-s3-secret" not
    /// found`, with no Argo error and no timeout.
    ///
    /// ## Example
    /// ```yaml
    /// # the controller's repository uses Secret my-s3-secret, which exists only in `argo`
    /// metadata:
    ///   namespace: team-d
    /// ```
    ///
    /// ## Fix
    /// Create the Secret in the workflow's namespace, e.g. `kubectl get secret my-s3-secret -n
    /// argo -o yaml | grep -v -e '^  namespace:' -e '^  uid:' -e '^  resourceVersion:' |
    /// kubectl apply -n team-d -f -`, or keep copies in sync with a replicator such as
    /// kubernetes-replicator or reflector.
    pub static SECRET_MISSING = {
        code: "artifact-secret-missing",
        group: "artifacts",
        severity: Error,
        summary: "credentials Secret not in the workflow's namespace",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a Secret selector whose Secret exists in the workflow's namespace but has no such
    /// key (the Secret's key names are compared, never its values).
    ///
    /// ## Why it matters
    /// Argo mounts only the selected keys; a missing key fails the mount and the pod stays in
    /// `ContainerCreating` (`MountVolume.SetUp failed for volume "my-s3-secret" : couldn't find
    /// key secretkey in Secret team-d/my-s3-secret`). Key names are case-sensitive (issue #916:
    /// `secret 'my-s3-secret' does not have the key 'accesskey'`).
    ///
    /// ## Example
    /// ```yaml
    /// secretKeySecret:
    ///   name: my-s3-secret
    ///   key: secretkey      # the Secret has `secretKey`
    /// ```
    ///
    /// ## Fix
    /// Use a key the Secret has (`kubectl get secret NAME -n NS -o jsonpath='{.data}'` lists
    /// them), or add the key to the Secret.
    pub static SECRET_KEY_MISSING = {
        code: "artifact-secret-key-missing",
        group: "artifacts",
        severity: Error,
        summary: "credentials Secret lacks the selected key",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a Secret selector without `name` or `key`, and half of a pair Argo needs whole:
    /// s3/oss `accessKeySecret` without `secretKeySecret` (or the reverse), artifactory
    /// `usernameSecret` without `passwordSecret`, http `clientCert` with one of its two Secrets,
    /// http `oauth2` with some of its three. With `useSDKCreds: true` the credentials come from
    /// the SDK chain: oss pairs are not checked, and an s3 `secretKeySecret` alone is not
    /// reported (an s3 `accessKeySecret` alone still is: the executor reads both whenever it
    /// names a Secret). Checked on full locations in the workflow and on the resolved
    /// repository.
    ///
    /// ## Why it matters
    /// A selector without `key` is not mounted, and the executor then fails reading the Secret
    /// directory (issue #2600: `failed to save outputs: read /argo/secret: is a directory`). With
    /// only `accessKeySecret`, the executor dereferences the missing `secretKeySecret` and
    /// crashes (`invalid memory address or nil pointer dereference`, issues #5110, #5733); with
    /// only `secretKeySecret`, or a partial client certificate or OAuth2 set, the credentials are
    /// silently not used.
    ///
    /// ## Example
    /// ```yaml
    /// s3:
    ///   endpoint: minio:9000
    ///   bucket: b
    ///   key: k
    ///   accessKeySecret: {name: s3-creds, key: accessKey}
    ///   # secretKeySecret missing
    /// ```
    ///
    /// ## Fix
    /// Give every selector both `name` and `key`, and set both halves of the pair.
    pub static SECRET_SELECTOR_INCOMPLETE = {
        code: "artifact-secret-selector-incomplete",
        group: "artifacts",
        severity: Error,
        summary: "Secret selector without name/key, or half a credential pair",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a full object-store location (s3, gcs, azure, oss) whose credentials (Secret
    /// selectors) are written in the workflow instead of coming from an artifact repository.
    ///
    /// ## Why it matters
    /// Every template repeats the endpoint, bucket and Secret names, so moving storage or
    /// rotating credentials means editing every workflow; a repository (`artifactRepositoryRef`
    /// or the namespace default) keeps them in one place, and the artifact can then name only
    /// its key.
    ///
    /// ## Example
    /// ```yaml
    /// s3:
    ///   endpoint: s3.amazonaws.com
    ///   bucket: my-bucket
    ///   key: path/in/bucket/out.tgz
    ///   accessKeySecret: {name: my-aws-s3-credentials, key: accessKey}
    ///   secretKeySecret: {name: my-aws-s3-credentials, key: secretKey}
    /// ```
    ///
    /// ## Fix
    /// Move the location into an artifact repository ConfigMap and keep only
    /// `s3: {key: path/in/bucket/out.tgz}` in the workflow, or suppress the finding with
    /// `# wflint: ignore[artifact-inline-credentials]` for a deliberate one-off.
    pub static INLINE_CREDENTIALS = {
        code: "artifact-inline-credentials",
        group: "artifacts",
        severity: Warning,
        summary: "object-store credentials written in the workflow",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports `insecure: true` on an s3 location, git `insecureIgnoreHostKey: true` or
    /// `insecureSkipTLS: true`, and plain `http://` URLs that carry credentials (user
    /// information in the URL, http `auth`, artifactory credentials).
    ///
    /// ## Why it matters
    /// The executor then talks to the store without TLS, or without checking the server's
    /// identity, so credentials and artifact contents can be read or altered on the way.
    ///
    /// ## Example
    /// ```yaml
    /// http:
    ///   url: http://user:password@downloads.example.com/kubectl
    /// ```
    ///
    /// ## Fix
    /// Use `https://` (and a CA with s3 `caSecret` for private certificates), keep host-key and
    /// TLS checks on, and put credentials in Secrets.
    pub static INSECURE = {
        code: "artifact-insecure",
        group: "artifacts",
        severity: Warning,
        summary: "artifact transfer without TLS or host verification",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports S3 `encryptionOptions` Argo cannot use: a customer-provided key
    /// (`serverSideCustomerKeySecret`, SSE-C) without `enableEncryption: true`, or together with
    /// `kmsKeyId`.
    ///
    /// ## Why it matters
    /// The executor reads the SSE-C key whenever it is named, but the controller mounts its
    /// Secret into the pod only when `enableEncryption` is true: the read fails with `open
    /// /argo/secret/NAME/KEY: no such file or directory` and so does the transfer. With
    /// `kmsKeyId` as well, the S3 driver is refused: `serverSideCustomerKeySecret and kmsKeyId
    /// cannot be set together`. Either way only after the pod has started (for an output, after
    /// the main container has done its work).
    ///
    /// ## Example
    /// ```yaml
    /// s3:
    ///   key: reports/{{workflow.uid}}.tgz
    ///   encryptionOptions:
    ///     serverSideCustomerKeySecret:
    ///       name: sse-c-key
    ///       key: key
    /// ```
    ///
    /// ## Fix
    /// Add `enableEncryption: true` next to `serverSideCustomerKeySecret`; use either SSE-C or
    /// `kmsKeyId`, not both.
    pub static ENCRYPTION_INVALID = {
        code: "artifact-encryption-invalid",
        group: "artifacts",
        severity: Error,
        summary: "S3 encryption options Argo cannot use",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports an output artifact whose `archive` sets more than one strategy (`tar`, `none`,
    /// `zip`).
    ///
    /// ## Why it matters
    /// Nothing rejects it, and the executor's precedence differs by code path: for a path on a
    /// mirrored volume mount `none` wins, then `zip`, then `tar`; for a path in the container's
    /// own filesystem `tar` wins. The same output is stored in different formats depending on
    /// where its file lives, and consumers extract it wrongly. (Inputs and arguments are not
    /// reported: loading always picks `none`, then `tar`, then `zip`, and stores nothing.)
    ///
    /// ## Example
    /// ```yaml
    /// archive:
    ///   none: {}
    ///   zip: {}
    /// ```
    ///
    /// ## Fix
    /// Keep exactly one strategy.
    pub static ARCHIVE_CONFLICT = {
        code: "artifact-archive-conflict",
        group: "artifacts",
        severity: Error,
        summary: "more than one archive strategy",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports `archive.tar.compressionLevel` of an output artifact outside -2..9, the levels
    /// Go's gzip accepts (-2 Huffman only, -1 default, 0 no compression, 1-9).
    ///
    /// ## Why it matters
    /// Neither `argo lint` nor the CRD checks it; the wait container fails while staging the
    /// output, after the main container has run, with `gzip: invalid compression level: 12`.
    /// (Inputs and arguments are not reported: loading ignores the level.)
    ///
    /// ## Example
    /// ```yaml
    /// archive:
    ///   tar:
    ///     compressionLevel: 12
    /// ```
    ///
    /// ## Fix
    /// Use 0 (store) or 1-9 (fast to best), or leave the field out for gzip's default.
    pub static ARCHIVE_LEVEL = {
        code: "artifact-archive-level",
        group: "artifacts",
        severity: Error,
        summary: "compressionLevel outside -2..9",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a tar-archived output (the default) whose explicit key does not end in `.tgz` or
    /// `.tar.gz`, and one whose key ends in `/`.
    ///
    /// ## Why it matters
    /// Outputs are tarred and gzipped unless `archive` says otherwise, and an explicit key is
    /// used as is: `result.txt` then holds a gzip archive, which confuses whoever downloads it
    /// (Argo's docs recommend the `.tgz` suffix). A key ending in `/` names a directory, where
    /// Argo cannot store the archive file.
    ///
    /// ## Example
    /// ```yaml
    /// - name: report
    ///   path: /tmp/report.txt
    ///   s3:
    ///     key: "{{workflow.name}}/report.txt"   # holds a .tgz
    /// ```
    ///
    /// ## Fix
    /// End the key in `.tgz`, or set `archive: {none: {}}` to store the file as is.
    pub static KEY_EXTENSION = {
        code: "artifact-key-extension",
        group: "artifacts",
        severity: Info,
        summary: "tarred output's key does not say .tgz",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports output artifacts of pod templates stored with the `git` or `raw` driver.
    ///
    /// ## Why it matters
    /// These drivers can only load artifacts. `argo lint` never checks output locations, so the
    /// step runs its main container and then fails in the wait container with `git output
    /// artifacts unsupported` or `Raw output artifacts unsupported`.
    ///
    /// ## Example
    /// ```yaml
    /// outputs:
    ///   artifacts:
    ///     - name: source
    ///       path: /src
    ///       git:
    ///         repo: https://github.com/example/repo.git
    /// ```
    ///
    /// ## Fix
    /// Store the output in an object store (the repository, or s3/gcs/azure/oss), or push to
    /// git from the container itself.
    pub static OUTPUT_UNSUPPORTED = {
        code: "artifact-output-unsupported",
        group: "artifacts",
        severity: Error,
        summary: "git or raw output artifact",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports an `artifactGC.strategy` other than `OnWorkflowCompletion`, `OnWorkflowDeletion`
    /// and `Never`.
    ///
    /// ## Why it matters
    /// `argo lint` does not check it, and clusters with minimal CRDs accept it. A misspelt
    /// strategy still counts as "GC configured": Argo adds the `workflows.argoproj.io/artifact-gc`
    /// finalizer but never processes the strategy, so the artifacts are never marked deleted and
    /// the workflow can never be deleted without `argo delete --force` or a finalizer patch.
    ///
    /// ## Example
    /// ```yaml
    /// artifactGC:
    ///   strategy: OnWorkflowFinish
    /// ```
    ///
    /// ## Fix
    /// Use one of the three strategies (the suggestion names the closest).
    pub static GC_STRATEGY_INVALID = {
        code: "artifact-gc-strategy-invalid",
        group: "artifacts",
        severity: Error,
        summary: "unknown artifactGC strategy",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports an output artifact with an effective deleting GC strategy (its own, else the
    /// workflow's) that is stored on a driver that cannot delete: http, artifactory, hdfs, git,
    /// raw (also
    /// when the output is key-only and the repository uses such a driver). Not when the
    /// workflow sets `artifactGC.forceFinalizerRemoval: true` (or an unreadable WorkflowTemplate
    /// it runs might set it): the
    /// finalizer then goes once the GC pods have finished, and the artifact simply stays.
    ///
    /// ## Why it matters
    /// The GC pod fails with `delete not supported for this artifact storage, please check the
    /// following issue for details: https://github.com/argoproj/argo-workflows/issues/3102`, the
    /// workflow gets an `ArtifactGCError` condition, and the `workflows.argoproj.io/artifact-gc`
    /// finalizer is never removed: the workflow cannot be deleted (unless
    /// `forceFinalizerRemoval: true`).
    ///
    /// ## Example
    /// ```yaml
    /// artifactGC:
    ///   strategy: OnWorkflowDeletion
    /// # ...
    ///       - name: upload
    ///         path: /tmp/a.txt
    ///         http:
    ///           url: https://artifacts.example.com/upload/a.txt
    /// ```
    ///
    /// ## Fix
    /// Set `artifactGC: {strategy: Never}` on that artifact, store it on s3, gcs, azure or
    /// oss, or set `spec.artifactGC.forceFinalizerRemoval: true` to keep the workflow deletable
    /// (the artifact is then left where it is).
    pub static GC_UNSUPPORTED_DRIVER = {
        code: "artifact-gc-unsupported-driver",
        group: "artifacts",
        severity: Error,
        summary: "artifact GC on a driver that cannot delete",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports an output artifact with an effective deleting GC strategy whose key does not vary
    /// per run (no `{{workflow.uid}}`, `{{workflow.name}}`, `{{pod.name}}`,
    /// `{{workflow.creationTimestamp...}}` or other run-specific tag), in a Workflow with
    /// `generateName`, a CronWorkflow, or a WorkflowTemplate/ClusterWorkflowTemplate. A
    /// Workflow with a `name` of its own runs once (Kubernetes ignores `generateName` then);
    /// the name the API server generates from `generateName`, which the validating webhook
    /// sees, does not count as one.
    ///
    /// ## Why it matters
    /// Runs of the same spec write the same key. When one run finishes (or is deleted) its GC
    /// deletes the object another run just wrote and still needs; Argo's docs recommend
    /// `{{workflow.uid}}` in keys for this reason.
    ///
    /// ## Example
    /// ```yaml
    /// metadata:
    ///   generateName: nightly-
    /// spec:
    ///   artifactGC:
    ///     strategy: OnWorkflowDeletion
    /// # ...
    ///         s3:
    ///           key: temporary-artifact.tgz
    /// ```
    ///
    /// ## Fix
    /// Put `{{workflow.uid}}` (or `{{workflow.name}}`) in the key, or drop the key and let the
    /// repository's `keyFormat` place it.
    pub static GC_SHARED_KEY = {
        code: "artifact-gc-shared-key",
        group: "artifacts",
        severity: Warning,
        summary: "garbage-collected key shared between runs",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports `artifactGC` set on input artifacts, argument artifacts, or outputs of
    /// steps/DAG (and other pod-less) templates.
    ///
    /// ## Why it matters
    /// Argo only collects output artifacts recorded on pod nodes; an `artifactGC` anywhere else
    /// does nothing, so the artifact you meant to delete is kept (or the one you meant to keep
    /// follows the workflow's strategy).
    ///
    /// ## Example
    /// ```yaml
    /// inputs:
    ///   artifacts:
    ///     - name: data
    ///       path: /data
    ///       artifactGC:
    ///         strategy: Never
    /// ```
    ///
    /// ## Fix
    /// Set `artifactGC` on the output artifact of the template that produces it.
    pub static GC_INEFFECTIVE = {
        code: "artifact-gc-ineffective",
        group: "artifacts",
        severity: Info,
        summary: "artifactGC where Argo ignores it",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports artifact garbage collection that deletes outputs but names no
    /// `serviceAccountName` (neither on the artifact's `artifactGC` nor on the workflow's).
    ///
    /// ## Why it matters
    /// The GC pod does not use the workflow's service account: it runs as the namespace's
    /// `default` service account, which usually lacks the RBAC it needs and fails with
    /// `workflowartifactgctasks.argoproj.io is forbidden` (issues #10036, #9953). The failure is
    /// easy to miss, and the workflow then keeps its finalizer.
    ///
    /// ## Example
    /// ```yaml
    /// artifactGC:
    ///   strategy: OnWorkflowDeletion
    /// ```
    ///
    /// ## Fix
    /// Set `artifactGC.serviceAccountName` to a service account bound to a Role with `list` and
    /// `watch` on `workflowartifactgctasks` and `patch` on `workflowartifactgctasks/status`
    /// (group `argoproj.io`), plus whatever the store needs to delete (e.g. an IAM role
    /// annotation).
    pub static GC_NO_SERVICE_ACCOUNT = {
        code: "artifact-gc-no-service-account",
        group: "artifacts",
        severity: Info,
        summary: "artifact GC pod runs as the default service account",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a step that references an output artifact
    /// (`{{steps.X.outputs.artifacts.Y}}`, also in `fromExpression`) of a step in its own
    /// parallel group.
    ///
    /// ## Why it matters
    /// Steps of one group start together, so the producer's output does not exist yet. `argo
    /// lint` accepts a reference to a step listed earlier in the same group, and the consumer
    /// then fails at run time with `Unable to resolve: "steps.X.outputs.artifacts.Y"`.
    ///
    /// ## Example
    /// ```yaml
    /// steps:
    ///   - - name: generate
    ///       template: producer
    ///     - name: consume          # same group: runs in parallel with generate
    ///       template: consumer
    ///       arguments:
    ///         artifacts:
    ///           - name: in
    ///             from: "{{steps.generate.outputs.artifacts.out}}"
    /// ```
    ///
    /// ## Fix
    /// Move the consumer to a later group (a new `- -` item).
    pub static REF_SIBLING = {
        code: "artifact-ref-sibling",
        group: "artifacts",
        severity: Error,
        summary: "step uses an artifact of a step in its parallel group",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a DAG task that references an output artifact (`{{tasks.X.outputs.artifacts.Y}}`,
    /// in any field, also in expressions) of a task that is not among its ancestors through
    /// `dependencies` or `depends`.
    ///
    /// ## Why it matters
    /// Without the dependency the task may start before the producer has finished, and fails
    /// with `Unable to resolve: "tasks.X.outputs.artifacts.Y"` (or reads nothing). `argo lint`
    /// only checks values that start with `{{tasks.`; references inside longer strings or in
    /// `fromExpression` pass. Where Argo's own check reports the reference
    /// (`dag-missing-dependency`), that finding is given alone.
    ///
    /// ## Example
    /// ```yaml
    /// - name: consume
    ///   template: consumer
    ///   arguments:
    ///     artifacts:
    ///       - name: in
    ///         fromExpression: "tasks.generate.outputs.artifacts.out"
    ///   # no dependencies: [generate]
    /// ```
    ///
    /// ## Fix
    /// Add the producer to the task's `dependencies` (or its `depends` expression).
    pub static REF_NOT_ANCESTOR = {
        code: "artifact-ref-not-ancestor",
        group: "artifacts",
        severity: Error,
        summary: "task uses an artifact of a task it does not depend on",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a reference to an output artifact of a step or task that loops (`withItems`,
    /// `withParam`, `withSequence`): `{{steps.X.outputs.artifacts.Y}}` or
    /// `{{tasks.X.outputs.artifacts.Y}}` in any field of the template's other steps or tasks,
    /// also in expressions (`fromExpression`), and in the template's own `outputs`.
    ///
    /// ## Why it matters
    /// A looped step or task runs as one node per item, and Argo aggregates only their
    /// `outputs.result` and `outputs.parameters` (into JSON lists); their artifacts are not
    /// collected under the loop's name. `argo lint` accepts the reference, and the consumer
    /// fails at run time with `Unable to resolve: "tasks.X.outputs.artifacts.Y"`.
    ///
    /// ## Example
    /// ```yaml
    /// - name: generate
    ///   template: producer
    ///   withItems: [a, b]
    /// - name: consume
    ///   template: consumer
    ///   depends: generate
    ///   arguments:
    ///     artifacts:
    ///       - name: in
    ///         from: "{{tasks.generate.outputs.artifacts.out}}"
    /// ```
    ///
    /// ## Fix
    /// Store each iteration's artifact under its own key (e.g. with `{{item}}` in an s3 key)
    /// and read them by key or prefix in the consumer, pass values through output parameters,
    /// or move the consumer into the looped template (a steps template per item).
    pub static REF_LOOPED = {
        code: "artifact-ref-looped",
        group: "artifacts",
        severity: Error,
        summary: "reference to an output artifact of a looped step or task",
    }
}

/// The rules of this group.
pub static RULES: &[&Rule] = &[
    &REPOSITORY_MISSING,
    &REPOSITORY_REF_NOT_FOUND,
    &REPOSITORY_UNANNOTATED,
    &PARTIAL_LOCATION,
    &SECRET_MISSING,
    &SECRET_KEY_MISSING,
    &SECRET_SELECTOR_INCOMPLETE,
    &INLINE_CREDENTIALS,
    &INSECURE,
    &ENCRYPTION_INVALID,
    &ARCHIVE_CONFLICT,
    &ARCHIVE_LEVEL,
    &KEY_EXTENSION,
    &OUTPUT_UNSUPPORTED,
    &GC_STRATEGY_INVALID,
    &GC_UNSUPPORTED_DRIVER,
    &GC_SHARED_KEY,
    &GC_INEFFECTIVE,
    &GC_NO_SERVICE_ACCOUNT,
    &REF_SIBLING,
    &REF_NOT_ANCESTOR,
    &REF_LOOPED,
];
