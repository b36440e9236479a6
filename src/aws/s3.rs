//! Pipeline definitions in S3, through `aws-sdk-s3`: the object a `PipelineDefinitionS3Location`
//! points at is put here before CreatePipeline/UpdatePipeline, and read back where
//! DescribePipeline does not return the definition as JSON.
//!
//! The S3 client is built from the same loaded AWS configuration as the SageMaker client
//! (credentials, region, retry and timeout settings), and its calls go through the same
//! [`SageMaker::send`](super::SageMaker) as SageMaker's: adaptive retries, per-attempt and
//! overall timeouts, stop requests, error classification into [`ErrorKind`](super::ErrorKind),
//! a DEBUG line per call and per attempt. Errors name the S3 endpoint, not SageMaker's.
//!
//! Endpoint: the provider block's `endpoints.s3` wins; otherwise the SDK applies
//! `AWS_ENDPOINT_URL_S3`, a profile's `services` section or `AWS_ENDPOINT_URL`. With any custom
//! endpoint, requests use path-style addressing (`http://host/bucket/key`): S3 emulators and
//! proxies (the local moto endpoint, MinIO, LocalStack) do not resolve `bucket.host` names,
//! and an IP address cannot carry a bucket name at all; AWS's own S3 endpoints take both.
//!
//! Which key an object gets (content-addressed, from the definition's SHA-256) is the caller's
//! decision; this module stores and fetches the text it is given. Objects are never deleted.
//!
//! Must not know about Terraform values, schemas or diagnostics.

use aws_sdk_s3::primitives::ByteStream;
use aws_types::SdkConfig;

use super::{AwsError, Call, ErrorKind, SageMaker, Service};

/// Where a definition object lives: `s3://<bucket>/<key>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct S3Object {
    pub bucket: String,
    pub key: String,
}

impl S3Object {
    /// `s3://bucket/key`
    pub fn uri(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.key)
    }

    /// The object an `s3://bucket/key` URI names (`None` for anything else).
    pub fn from_uri(uri: &str) -> Option<S3Object> {
        let (bucket, key) = uri.strip_prefix("s3://")?.split_once('/')?;
        (!bucket.is_empty() && !key.is_empty())
            .then(|| S3Object { bucket: bucket.to_string(), key: key.to_string() })
    }
}

/// The S3 client, built from the shared configuration `ready()` loaded (credentials, region,
/// retries, timeouts) with the SageMaker client's interceptor and retry classifier: the provider
/// block's endpoint (`configured`) wins over the environment's (which the SDK applies itself),
/// and any custom endpoint means path-style addressing.
pub(super) fn client(
    shared: &SdkConfig,
    configured: Option<&str>,
    from_environment: Option<&str>,
) -> aws_sdk_s3::Client {
    let mut builder = aws_sdk_s3::config::Builder::from(shared)
        .interceptor(super::AttemptLog)
        .retry_classifier(super::OperationMissing);
    if let Some(ep) = configured {
        builder = builder.endpoint_url(ep);
    }
    if configured.is_some() || from_environment.is_some() {
        builder = builder.force_path_style(true);
    }
    aws_sdk_s3::Client::from_conf(builder.build())
}

impl SageMaker {
    /// Puts a pipeline definition at `object` (`Content-Type: application/json`). Putting the
    /// same text at the same key again changes nothing, so a retried or repeated put is
    /// harmless.
    pub async fn put_definition(
        &self,
        pipeline: &str,
        object: &S3Object,
        definition: &str,
    ) -> Result<(), AwsError> {
        let req = self
            .ready()
            .await
            .s3()
            .put_object()
            .bucket(&object.bucket)
            .key(&object.key)
            .content_type("application/json")
            .body(ByteStream::from(definition.as_bytes().to_vec()));
        self.send(Call::s3("PutObject", pipeline), req.send()).await?;
        Ok(())
    }

    /// The text of a definition object.
    pub async fn get_definition(
        &self,
        pipeline: &str,
        object: &S3Object,
    ) -> Result<String, AwsError> {
        let call = Call::s3("GetObject", pipeline);
        let req = self.ready().await.s3().get_object().bucket(&object.bucket).key(&object.key);
        let out = self.send(call, req.send()).await?;
        // The body streams after the answer's head: bound it by one attempt's time too.
        let body = tokio::time::timeout(self.limits().call_timeout, out.body.collect()).await;
        let failure = |kind, message: String| self.failure(call, kind, None, message, None);
        let bytes = match body {
            Ok(Ok(b)) => b.into_bytes(),
            Ok(Err(e)) => {
                return Err(failure(
                    ErrorKind::Connection,
                    format!("the object's body could not be read ({})", super::chain(&e)),
                ))
            }
            Err(_) => {
                return Err(failure(
                    ErrorKind::Timeout,
                    "the object's body did not arrive within call_timeout".into(),
                ))
            }
        };
        String::from_utf8(bytes.to_vec()).map_err(|_| {
            failure(ErrorKind::BadResponse, "the object is not UTF-8 text".to_string())
        })
    }
}

/// The endpoint S3 calls go to, for logs and errors.
pub(super) fn endpoint(
    configured: Option<&str>,
    from_environment: Option<&str>,
    region: &str,
) -> String {
    super::effective_endpoint(Service::S3, configured, from_environment, region)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_round_trip() {
        let o = S3Object { bucket: "ml-defs".into(), key: "pipelines/p/abc.json".into() };
        assert_eq!(o.uri(), "s3://ml-defs/pipelines/p/abc.json");
        assert_eq!(S3Object::from_uri(&o.uri()), Some(o));
        for bad in ["", "s3://", "s3://bucket", "s3://bucket/", "s3:///key", "https://b/k"] {
            assert_eq!(S3Object::from_uri(bad), None, "{bad}");
        }
    }
}
