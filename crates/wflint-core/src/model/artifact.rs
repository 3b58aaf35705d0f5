//! Artifacts: where they live (one block per storage driver), how they are archived and
//! garbage-collected, and artifact repositories (ConfigMap entries and the controller default).

use k8s_openapi::api::core::v1::{ConfigMapKeySelector, SecretKeySelector};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{
    scalars::{is_default, nullable},
    template::Metadata,
};

/// An input, output or argument artifact: a file or folder moved in or out of a container.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct Artifact {
    /// Name of the artifact, unique among a template's inputs or outputs.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub name: String,
    /// Where the artifact is placed in (inputs) or read from (outputs) the container.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub path: String,
    /// File mode bits (0 to 0777) set on input artifacts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<i32>,
    /// Another artifact to take this one from, e.g. `{{steps.gen.outputs.artifacts.out}}`.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub from: String,
    /// Where the artifact is stored (written inline next to the other artifact fields).
    #[serde(flatten)]
    pub location: ArtifactLocation,
    /// Publishes an output artifact as `workflow.outputs.artifacts.<globalName>`.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub global_name: String,
    /// How the artifact is packed before upload (tar+gzip by default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archive: Option<ArchiveStrategy>,
    /// Whether a missing artifact is tolerated instead of failing the step.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub optional: bool,
    /// A path inside the source artifact to take instead of the whole artifact.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub sub_path: String,
    /// Apply `mode` recursively when the artifact is a folder.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub recurse_mode: bool,
    /// An expression that selects the artifact to take (alternative to `from`).
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub from_expression: String,
    /// When this artifact is deleted from storage; overrides the workflow's `artifactGC`.
    #[serde(rename = "artifactGC", skip_serializing_if = "Option::is_none")]
    pub artifact_gc: Option<ArtifactGC>,
    /// Set by the controller once the artifact was garbage-collected.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub deleted: bool,
}

impl Artifact {
    /// Where the artifact is stored.
    pub fn location(&self) -> &ArtifactLocation {
        &self.location
    }

    /// The storage driver block set on this artifact, if any.
    pub fn driver(&self) -> Option<ArtifactDriver<'_>> {
        self.location.driver()
    }
}

/// Where an artifact is stored: at most one driver block is expected to be set.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct ArtifactLocation {
    /// Whether the container logs are archived to this location.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archive_logs: Option<bool>,
    /// Amazon S3 or an S3-compatible store (MinIO, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub s3: Option<Box<S3Artifact>>,
    /// A git repository, checked out as an input artifact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub git: Option<Box<GitArtifact>>,
    /// An HTTP(S) URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http: Option<Box<HttpArtifact>>,
    /// JFrog Artifactory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub artifactory: Option<Box<ArtifactoryArtifact>>,
    /// Hadoop HDFS.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hdfs: Option<Box<HdfsArtifact>>,
    /// Literal content written into the container (inputs only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw: Option<Box<RawArtifact>>,
    /// Alibaba Cloud OSS.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oss: Option<Box<OssArtifact>>,
    /// Google Cloud Storage.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gcs: Option<Box<GcsArtifact>>,
    /// Azure Blob Storage.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub azure: Option<Box<AzureArtifact>>,
    /// An artifact driver plugin.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plugin: Option<Box<PluginArtifact>>,
}

/// A borrowed view of the one storage driver block of an [`ArtifactLocation`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ArtifactDriver<'a> {
    /// `s3:`
    S3(&'a S3Artifact),
    /// `git:`
    Git(&'a GitArtifact),
    /// `http:`
    Http(&'a HttpArtifact),
    /// `artifactory:`
    Artifactory(&'a ArtifactoryArtifact),
    /// `hdfs:`
    Hdfs(&'a HdfsArtifact),
    /// `raw:`
    Raw(&'a RawArtifact),
    /// `oss:`
    Oss(&'a OssArtifact),
    /// `gcs:`
    Gcs(&'a GcsArtifact),
    /// `azure:`
    Azure(&'a AzureArtifact),
    /// `plugin:`
    Plugin(&'a PluginArtifact),
}

impl<'a> ArtifactDriver<'a> {
    /// The field name of the driver block (`s3`, `gcs`, ...).
    pub fn name(&self) -> &'static str {
        match self {
            Self::S3(_) => "s3",
            Self::Git(_) => "git",
            Self::Http(_) => "http",
            Self::Artifactory(_) => "artifactory",
            Self::Hdfs(_) => "hdfs",
            Self::Raw(_) => "raw",
            Self::Oss(_) => "oss",
            Self::Gcs(_) => "gcs",
            Self::Azure(_) => "azure",
            Self::Plugin(_) => "plugin",
        }
    }

    /// The key (object name, blob, HDFS path) for drivers that store under a key. `None` for
    /// git and raw (no key at all) and for http and artifactory, whose key is the URL's path.
    pub fn key(&self) -> Option<&'a str> {
        match *self {
            Self::S3(a) => Some(&a.key),
            Self::Oss(a) => Some(&a.key),
            Self::Gcs(a) => Some(&a.key),
            Self::Azure(a) => Some(&a.blob),
            Self::Hdfs(a) => Some(&a.path),
            Self::Plugin(a) => Some(&a.key),
            Self::Git(_) | Self::Http(_) | Self::Artifactory(_) | Self::Raw(_) => None,
        }
    }

    /// Whether the block names a complete location on its own (like Argo's `HasLocation`),
    /// rather than only a key to be completed from the artifact repository.
    pub fn has_location(&self) -> bool {
        match self {
            Self::S3(a) => {
                !a.bucket.endpoint.is_empty() && !a.bucket.bucket.is_empty() && !a.key.is_empty()
            }
            Self::Git(a) => !a.repo.is_empty(),
            Self::Http(a) => !a.url.is_empty(),
            Self::Artifactory(a) => !a.url.is_empty() && a.auth.username_secret.is_some(),
            Self::Hdfs(a) => !a.config.addresses.is_empty(),
            Self::Raw(_) => true,
            Self::Oss(a) => {
                !a.bucket.endpoint.is_empty() && !a.bucket.bucket.is_empty() && !a.key.is_empty()
            }
            Self::Gcs(a) => !a.bucket.bucket.is_empty() && !a.key.is_empty(),
            Self::Azure(a) => {
                !a.container.endpoint.is_empty()
                    && !a.container.container.is_empty()
                    && !a.blob.is_empty()
            }
            Self::Plugin(a) => {
                !a.name.is_empty() && !a.configuration.is_empty() && !a.key.is_empty()
            }
        }
    }

    /// Whether Argo can garbage-collect artifacts stored with this driver.
    pub fn supports_gc(&self) -> bool {
        matches!(
            self,
            Self::S3(_) | Self::Oss(_) | Self::Gcs(_) | Self::Azure(_) | Self::Plugin(_)
        )
    }
}

impl ArtifactLocation {
    /// The driver block Argo uses when several are set (its fixed precedence: artifactory,
    /// azure, git, gcs, hdfs, http, oss, raw, s3, plugin).
    pub fn driver(&self) -> Option<ArtifactDriver<'_>> {
        self.drivers().next()
    }

    /// Every driver block that is set, in Argo's precedence order (more than one is a mistake).
    pub fn drivers(&self) -> impl Iterator<Item = ArtifactDriver<'_>> {
        [
            self.artifactory.as_deref().map(ArtifactDriver::Artifactory),
            self.azure.as_deref().map(ArtifactDriver::Azure),
            self.git.as_deref().map(ArtifactDriver::Git),
            self.gcs.as_deref().map(ArtifactDriver::Gcs),
            self.hdfs.as_deref().map(ArtifactDriver::Hdfs),
            self.http.as_deref().map(ArtifactDriver::Http),
            self.oss.as_deref().map(ArtifactDriver::Oss),
            self.raw.as_deref().map(ArtifactDriver::Raw),
            self.s3.as_deref().map(ArtifactDriver::S3),
            self.plugin.as_deref().map(ArtifactDriver::Plugin),
        ]
        .into_iter()
        .flatten()
    }

    /// Whether a driver block is set and names a complete location (Argo's `HasLocation`).
    pub fn has_location(&self) -> bool {
        self.driver().is_some_and(|d| d.has_location())
    }

    /// The key of the driver block, when it has a non-empty one (Argo's `HasKey`).
    pub fn key(&self) -> Option<&str> {
        self.driver()
            .and_then(|d| d.key())
            .filter(|k| !k.is_empty())
    }

    /// Whether `archiveLogs: true` is set.
    pub fn is_archive_logs(&self) -> bool {
        self.archive_logs == Some(true)
    }
}

/// An S3 bucket and the credentials to reach it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct S3Bucket {
    /// Host (and port) of the S3 endpoint, without scheme, e.g. `s3.amazonaws.com`.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub endpoint: String,
    /// Bucket name.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub bucket: String,
    /// Bucket region.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub region: String,
    /// Connect without TLS.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub insecure: Option<bool>,
    /// Secret key holding the access key ID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_key_secret: Option<SecretKeySelector>,
    /// Secret key holding the secret access key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_key_secret: Option<SecretKeySelector>,
    /// Secret key holding a session token for temporary credentials.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_token_secret: Option<SecretKeySelector>,
    /// ARN of an IAM role to assume.
    #[serde(
        rename = "roleARN",
        deserialize_with = "nullable",
        skip_serializing_if = "is_default"
    )]
    pub role_arn: String,
    /// Take credentials from the AWS SDK's default chain (IRSA, instance profile, ...).
    #[serde(
        rename = "useSDKCreds",
        deserialize_with = "nullable",
        skip_serializing_if = "is_default"
    )]
    pub use_sdk_creds: bool,
    /// Create the bucket for output artifacts when it does not exist.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_bucket_if_not_present: Option<CreateS3BucketOptions>,
    /// Server-side encryption settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encryption_options: Option<S3EncryptionOptions>,
    /// Secret key holding a CA certificate to verify the endpoint's TLS certificate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ca_secret: Option<SecretKeySelector>,
    /// `path` or `virtual` hosted-style bucket addressing.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub addressing_style: String,
}

/// Server-side encryption of S3 objects.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct S3EncryptionOptions {
    /// KMS key to encrypt objects with (SSE-KMS).
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub kms_key_id: String,
    /// JSON encryption context passed to KMS.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub kms_encryption_context: String,
    /// Encrypt objects (SSE-S3 unless a KMS key or customer key is given).
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub enable_encryption: bool,
    /// Secret key holding a customer-provided key (SSE-C).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_side_customer_key_secret: Option<SecretKeySelector>,
}

/// Options for creating a missing S3 bucket.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct CreateS3BucketOptions {
    /// Enable object locking on the new bucket.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub object_locking: bool,
}

/// An object in an S3 bucket.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct S3Artifact {
    /// The bucket (written inline).
    #[serde(flatten)]
    pub bucket: S3Bucket,
    /// Object key in the bucket.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub key: String,
}

/// A git repository checkout.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct GitArtifact {
    /// Repository URL.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub repo: String,
    /// Commit, tag or branch to check out.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub revision: String,
    /// Shallow clone depth (number of commits from the tip).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub depth: Option<u64>,
    /// Refs to fetch before the checkout.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub fetch: Vec<String>,
    /// Secret key holding the user name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username_secret: Option<SecretKeySelector>,
    /// Secret key holding the password or token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_secret: Option<SecretKeySelector>,
    /// Secret key holding an SSH private key.
    #[serde(
        rename = "sshPrivateKeySecret",
        skip_serializing_if = "Option::is_none"
    )]
    pub ssh_private_key_secret: Option<SecretKeySelector>,
    /// Skip SSH host key checking.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub insecure_ignore_host_key: bool,
    /// Do not check out submodules.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub disable_submodules: bool,
    /// Clone only `branch`.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub single_branch: bool,
    /// Branch to clone when `singleBranch` is set.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub branch: String,
    /// Skip TLS certificate verification over HTTPS.
    #[serde(
        rename = "insecureSkipTLS",
        deserialize_with = "nullable",
        skip_serializing_if = "is_default"
    )]
    pub insecure_skip_tls: bool,
}

/// Artifactory credentials.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct ArtifactoryAuth {
    /// Secret key holding the user name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username_secret: Option<SecretKeySelector>,
    /// Secret key holding the password or API key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_secret: Option<SecretKeySelector>,
}

/// A file in Artifactory.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct ArtifactoryArtifact {
    /// Full URL of the file.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub url: String,
    /// Credentials (written inline).
    #[serde(flatten)]
    pub auth: ArtifactoryAuth,
}

/// An Azure Blob Storage container and the credentials to reach it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct AzureBlobContainer {
    /// Service URL of the storage account, e.g. `https://<account>.blob.core.windows.net`.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub endpoint: String,
    /// Container name.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub container: String,
    /// Secret key holding the storage account key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_key_secret: Option<SecretKeySelector>,
    /// Take credentials from the Azure SDK's default chain.
    #[serde(
        rename = "useSDKCreds",
        deserialize_with = "nullable",
        skip_serializing_if = "is_default"
    )]
    pub use_sdk_creds: bool,
}

/// A blob in Azure Blob Storage.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct AzureArtifact {
    /// The container (written inline).
    #[serde(flatten)]
    pub container: AzureBlobContainer,
    /// Blob name (path) in the container.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub blob: String,
}

/// Kerberos settings of an HDFS connection.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct HdfsKrbConfig {
    /// Secret key holding a Kerberos credential cache (alternative to a keytab).
    #[serde(rename = "krbCCacheSecret", skip_serializing_if = "Option::is_none")]
    pub krb_ccache_secret: Option<SecretKeySelector>,
    /// Secret key holding a Kerberos keytab (alternative to a ccache).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub krb_keytab_secret: Option<SecretKeySelector>,
    /// Kerberos user name, required with a keytab.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub krb_username: String,
    /// Kerberos realm, required with a keytab.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub krb_realm: String,
    /// ConfigMap key holding `krb5.conf`, required with a ccache or keytab.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub krb_config_config_map: Option<ConfigMapKeySelector>,
    /// Kerberos principal of the HDFS service, required with a ccache or keytab.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub krb_service_principal_name: String,
}

/// How to reach an HDFS cluster.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct HdfsConfig {
    /// Kerberos settings (written inline).
    #[serde(flatten)]
    pub krb: HdfsKrbConfig,
    /// Addresses (`host:port`) of the name nodes.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub addresses: Vec<String>,
    /// HDFS user (ignored when Kerberos is used).
    #[serde(
        rename = "hdfsUser",
        deserialize_with = "nullable",
        skip_serializing_if = "is_default"
    )]
    pub hdfs_user: String,
    /// Data transfer protection level (`dfs.data.transfer.protection`).
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub data_transfer_protection: String,
}

/// A file in HDFS.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct HdfsArtifact {
    /// The cluster (written inline).
    #[serde(flatten)]
    pub config: HdfsConfig,
    /// File path in HDFS.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub path: String,
    /// Overwrite an existing file.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub force: bool,
}

/// Literal artifact content.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct RawArtifact {
    /// The content.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub data: String,
}

/// An HTTP header sent when fetching an artifact.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct Header {
    /// Header name.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub name: String,
    /// Header value.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub value: String,
}

/// HTTP basic authentication.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct BasicAuth {
    /// Secret key holding the user name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username_secret: Option<SecretKeySelector>,
    /// Secret key holding the password.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_secret: Option<SecretKeySelector>,
}

/// TLS client certificate authentication.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct ClientCertAuth {
    /// Secret key holding the client certificate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_cert_secret: Option<SecretKeySelector>,
    /// Secret key holding the client private key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_key_secret: Option<SecretKeySelector>,
}

/// OAuth2 client-credentials authentication.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct OAuth2Auth {
    /// Secret key holding the client ID.
    #[serde(rename = "clientIDSecret", skip_serializing_if = "Option::is_none")]
    pub client_id_secret: Option<SecretKeySelector>,
    /// Secret key holding the client secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret_secret: Option<SecretKeySelector>,
    /// Secret key holding the token endpoint URL.
    #[serde(rename = "tokenURLSecret", skip_serializing_if = "Option::is_none")]
    pub token_url_secret: Option<SecretKeySelector>,
    /// Scopes to request.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub scopes: Vec<String>,
    /// Extra parameters sent to the token endpoint.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub endpoint_params: Vec<OAuth2EndpointParam>,
}

/// One extra parameter of an OAuth2 token request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct OAuth2EndpointParam {
    /// Parameter name.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub key: String,
    /// Parameter value.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub value: String,
}

/// Client authentication for HTTP artifacts (one of the three).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct HttpAuth {
    /// TLS client certificate.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub client_cert: ClientCertAuth,
    /// OAuth2 client credentials.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub oauth2: OAuth2Auth,
    /// Basic authentication.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub basic_auth: BasicAuth,
}

/// A file fetched from (or uploaded to) an HTTP(S) URL.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct HttpArtifact {
    /// URL of the file.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub url: String,
    /// Headers sent with the request.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub headers: Vec<Header>,
    /// Client authentication.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth: Option<HttpAuth>,
    /// Buffer uploads in a temporary file so that redirects can be followed.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub save_stream_via_file: bool,
}

/// A Google Cloud Storage bucket and the credentials to reach it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct GcsBucket {
    /// Bucket name.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub bucket: String,
    /// Secret key holding a service account JSON key (workload identity when absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_account_key_secret: Option<SecretKeySelector>,
}

/// An object in a GCS bucket.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct GcsArtifact {
    /// The bucket (written inline).
    #[serde(flatten)]
    pub bucket: GcsBucket,
    /// Object name in the bucket.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub key: String,
}

/// An Alibaba Cloud OSS bucket and the credentials to reach it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct OssBucket {
    /// Host of the OSS endpoint.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub endpoint: String,
    /// Bucket name.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub bucket: String,
    /// Secret key holding the access key ID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_key_secret: Option<SecretKeySelector>,
    /// Secret key holding the access key secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_key_secret: Option<SecretKeySelector>,
    /// Create the bucket for output artifacts when it does not exist.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub create_bucket_if_not_present: bool,
    /// A temporary security token (STS).
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub security_token: String,
    /// Lifecycle rule applied to the bucket.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lifecycle_rule: Option<OssLifecycleRule>,
    /// Take credentials from the SDK's default chain.
    #[serde(
        rename = "useSDKCreds",
        deserialize_with = "nullable",
        skip_serializing_if = "is_default"
    )]
    pub use_sdk_creds: bool,
}

/// Lifecycle rule of an OSS bucket.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct OssLifecycleRule {
    /// Days before objects move to Infrequent Access storage.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub mark_infrequent_access_after_days: i32,
    /// Days before objects are deleted.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub mark_deletion_after_days: i32,
}

/// An object in an OSS bucket.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct OssArtifact {
    /// The bucket (written inline).
    #[serde(flatten)]
    pub bucket: OssBucket,
    /// Object key in the bucket.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub key: String,
}

/// An artifact stored through an artifact driver plugin.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct PluginArtifact {
    /// Name of the artifact driver plugin.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub name: String,
    /// Plugin-defined configuration (usually YAML or JSON text).
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub configuration: String,
    /// Connection timeout in seconds, overriding the driver's own.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub connection_timeout_seconds: i32,
    /// Key of the artifact in the plugin's storage.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub key: String,
}

/// How an artifact is packed before upload; at most one of the three is set.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct ArchiveStrategy {
    /// A gzipped tarball (the default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tar: Option<TarStrategy>,
    /// No archiving: upload the file (or folder contents) as is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub none: Option<NoneStrategy>,
    /// A zip file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zip: Option<ZipStrategy>,
}

/// Tar+gzip archiving.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct TarStrategy {
    /// Gzip compression level (0 means no compression).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compression_level: Option<i32>,
}

/// No archiving (takes no settings).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct NoneStrategy {}

/// Zip archiving (takes no settings).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ZipStrategy {}

/// When artifacts are deleted from storage.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct ArtifactGC {
    /// `OnWorkflowCompletion`, `OnWorkflowDeletion` or `Never` (empty: inherit).
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub strategy: String,
    /// Labels and annotations of the pod that deletes the artifacts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod_metadata: Option<Metadata>,
    /// Service account of the pod that deletes the artifacts.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub service_account_name: String,
}

/// Artifact garbage collection for a whole workflow.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct WorkflowLevelArtifactGC {
    /// Strategy, pod metadata and service account (written inline).
    #[serde(flatten)]
    pub gc: ArtifactGC,
    /// Remove the workflow's finalizer even when deleting artifacts fails.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub force_finalizer_removal: bool,
    /// Strategic merge patch applied to the garbage-collection pod's spec.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub pod_spec_patch: String,
}

/// The artifact strategies of [`ArtifactGC::strategy`].
pub mod gc_strategy {
    /// Delete the artifacts when the workflow completes.
    pub const ON_WORKFLOW_COMPLETION: &str = "OnWorkflowCompletion";
    /// Delete the artifacts when the workflow is deleted.
    pub const ON_WORKFLOW_DELETION: &str = "OnWorkflowDeletion";
    /// Never delete the artifacts.
    pub const NEVER: &str = "Never";
}

/// A reference to an artifact repository kept in a ConfigMap.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct ArtifactRepositoryRef {
    /// ConfigMap name (default `artifact-repositories`).
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub config_map: String,
    /// Key in the ConfigMap (default: the value of its
    /// `workflows.argoproj.io/default-artifact-repository` annotation).
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub key: String,
}

impl ArtifactRepositoryRef {
    /// The ConfigMap name Argo uses for this reference.
    pub fn config_map_or_default(&self) -> &str {
        if self.config_map.is_empty() {
            "artifact-repositories"
        } else {
            &self.config_map
        }
    }
}

/// An artifact repository: where output artifacts without a full location go. Used by the
/// controller's `artifactRepository` setting and by each entry of an `artifact-repositories`
/// ConfigMap; decode one with [`ArtifactRepository::from_value`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct ArtifactRepository {
    /// Archive the main container's logs of every pod.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archive_logs: Option<bool>,
    /// An S3 bucket.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub s3: Option<S3ArtifactRepository>,
    /// An Artifactory repository.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub artifactory: Option<ArtifactoryArtifactRepository>,
    /// An HDFS cluster.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hdfs: Option<HdfsArtifactRepository>,
    /// An OSS bucket.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oss: Option<OssArtifactRepository>,
    /// A GCS bucket.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gcs: Option<GcsArtifactRepository>,
    /// An Azure Blob Storage container.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub azure: Option<AzureArtifactRepository>,
    /// An artifact driver plugin.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plugin: Option<PluginArtifactRepository>,
}

/// A borrowed view of the driver block of an [`ArtifactRepository`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RepositoryDriver<'a> {
    /// `s3:`
    S3(&'a S3ArtifactRepository),
    /// `artifactory:`
    Artifactory(&'a ArtifactoryArtifactRepository),
    /// `hdfs:`
    Hdfs(&'a HdfsArtifactRepository),
    /// `oss:`
    Oss(&'a OssArtifactRepository),
    /// `gcs:`
    Gcs(&'a GcsArtifactRepository),
    /// `azure:`
    Azure(&'a AzureArtifactRepository),
    /// `plugin:`
    Plugin(&'a PluginArtifactRepository),
}

impl<'a> RepositoryDriver<'a> {
    /// The field name of the driver block (`s3`, `gcs`, ...).
    pub fn name(&self) -> &'static str {
        match self {
            Self::S3(_) => "s3",
            Self::Artifactory(_) => "artifactory",
            Self::Hdfs(_) => "hdfs",
            Self::Oss(_) => "oss",
            Self::Gcs(_) => "gcs",
            Self::Azure(_) => "azure",
            Self::Plugin(_) => "plugin",
        }
    }

    /// The key template written in the repository (`keyFormat`, `blobNameFormat`,
    /// `pathFormat`), if any.
    pub fn key_format(&self) -> Option<&'a str> {
        let format = match *self {
            Self::S3(r) => &r.key_format,
            Self::Artifactory(r) => &r.key_format,
            Self::Hdfs(r) => &r.path_format,
            Self::Oss(r) => &r.key_format,
            Self::Gcs(r) => &r.key_format,
            Self::Azure(r) => &r.blob_name_format,
            Self::Plugin(r) => &r.key_format,
        };
        Some(format.as_str()).filter(|f| !f.is_empty())
    }
}

/// Default key template of a repository that sets none.
pub const DEFAULT_ARCHIVE_PATTERN: &str = "{{workflow.name}}/{{pod.name}}";

impl ArtifactRepository {
    /// Decode a repository (a ConfigMap value or the controller setting) from JSON, ignoring
    /// unknown fields like Argo does for repository ConfigMaps.
    pub fn from_value(value: &serde_json::Value) -> Result<Self, super::DecodeError> {
        let root = crate::path::FieldPath::root();
        super::decode_at(value, root).map_err(|error| super::DecodeError {
            path: super::unknown_fields::refine_type_error(
                super::schema::Root::ArtifactRepository,
                value,
                &error.path,
            ),
            ..error
        })
    }

    /// The driver block Argo uses when several are set (artifactory, azure, gcs, hdfs, oss,
    /// plugin, s3).
    pub fn driver(&self) -> Option<RepositoryDriver<'_>> {
        [
            self.artifactory.as_ref().map(RepositoryDriver::Artifactory),
            self.azure.as_ref().map(RepositoryDriver::Azure),
            self.gcs.as_ref().map(RepositoryDriver::Gcs),
            self.hdfs.as_ref().map(RepositoryDriver::Hdfs),
            self.oss.as_ref().map(RepositoryDriver::Oss),
            self.plugin.as_ref().map(RepositoryDriver::Plugin),
            self.s3.as_ref().map(RepositoryDriver::S3),
        ]
        .into_iter()
        .flatten()
        .next()
    }

    /// Whether `archiveLogs: true` is set.
    pub fn is_archive_logs(&self) -> bool {
        self.archive_logs == Some(true)
    }
}

/// An S3 artifact repository.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct S3ArtifactRepository {
    /// The bucket (written inline).
    #[serde(flatten)]
    pub bucket: S3Bucket,
    /// Template of the object key, may use workflow variables.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub key_format: String,
    /// Deprecated prefix of the object key; use `keyFormat`.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub key_prefix: String,
}

/// An OSS artifact repository.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct OssArtifactRepository {
    /// The bucket (written inline).
    #[serde(flatten)]
    pub bucket: OssBucket,
    /// Template of the object key.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub key_format: String,
}

/// A GCS artifact repository.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct GcsArtifactRepository {
    /// The bucket (written inline).
    #[serde(flatten)]
    pub bucket: GcsBucket,
    /// Template of the object name.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub key_format: String,
}

/// An Artifactory artifact repository.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct ArtifactoryArtifactRepository {
    /// Credentials (written inline).
    #[serde(flatten)]
    pub auth: ArtifactoryAuth,
    /// Base URL of the repository.
    #[serde(
        rename = "repoURL",
        deserialize_with = "nullable",
        skip_serializing_if = "is_default"
    )]
    pub repo_url: String,
    /// Template of the file path under `repoURL`.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub key_format: String,
}

/// An Azure Blob Storage artifact repository.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct AzureArtifactRepository {
    /// The container (written inline).
    #[serde(flatten)]
    pub container: AzureBlobContainer,
    /// Template of the blob name.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub blob_name_format: String,
}

/// An HDFS artifact repository.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct HdfsArtifactRepository {
    /// The cluster (written inline).
    #[serde(flatten)]
    pub config: HdfsConfig,
    /// Template of the file path.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub path_format: String,
    /// Overwrite existing files.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub force: bool,
}

/// An artifact driver plugin repository.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct PluginArtifactRepository {
    /// Name of the artifact driver plugin.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub name: String,
    /// Template of the artifact key.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub key_format: String,
    /// Plugin-defined configuration.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub configuration: String,
}
