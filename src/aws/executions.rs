//! Pipeline executions: start, describe, list, list steps, stop, and the parameters of a run.
//!
//! Same machinery as the pipeline calls in the parent module (`send`: stop signal, DEBUG log
//! line, [`AwsError`] with the pipeline's name), same client, limits and retries, with two
//! additions:
//! - [`SageMaker::start_execution`] takes a `ClientRequestToken` from the caller and sends it
//!   with every attempt, so an attempt whose answer was lost is not started twice; what the
//!   token cannot cover is settled by the caller with [`SageMaker::list_executions_settling`];
//! - `ListPipelineExecutionSteps` and `StopPipelineExecution` are optional: some endpoints (the
//!   local moto endpoint) do not implement them. Such an endpoint is recognised by the error
//!   code (`NotImplemented`, `UnknownOperationException`, ...) or, for endpoints that answer
//!   with a bare HTTP 500/501 carrying no error code at all (moto), by that; the calls then
//!   report "unsupported" (`Ok(None)` / [`StopOutcome::Unsupported`]) instead of an error, and
//!   run with at most [`OPTIONAL_CALL_ATTEMPTS`] attempts so that such an endpoint costs
//!   seconds, not a whole retry budget. The steps answer is remembered per process.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

use aws_sdk_sagemaker::types::{
    ParallelismConfiguration, Parameter, SelectedStep, SelectiveExecutionConfig,
};

use super::{AwsError, Call, ErrorKind, SageMaker};

/// Attempts of the calls an endpoint may not implement (ListPipelineExecutionSteps,
/// StopPipelineExecution).
pub const OPTIONAL_CALL_ATTEMPTS: u32 = 3;

/// Set once the endpoint answered ListPipelineExecutionSteps as not implemented.
static STEPS_UNSUPPORTED: AtomicBool = AtomicBool::new(false);

/// What we send to start a pipeline execution.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExecutionSpec {
    pub pipeline_name: String,
    pub display_name: Option<String>,
    pub description: Option<String>,
    /// Name and value (text, in the declared type's canonical form), sorted by name.
    pub parameters: Vec<(String, String)>,
    pub max_parallel_execution_steps: Option<i32>,
    /// Source execution ARN and the steps to run again.
    pub selective: Option<(String, Vec<String>)>,
    pub pipeline_version_id: Option<i64>,
}

/// What SageMaker reports about one execution.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Execution {
    pub arn: String,
    pub pipeline_arn: String,
    /// `Executing`, `Stopping`, `Stopped`, `Failed` or `Succeeded`.
    pub status: String,
    pub failure_reason: Option<String>,
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub max_parallel_execution_steps: Option<i32>,
    pub selective: Option<(String, Vec<String>)>,
    pub pipeline_version_id: Option<i64>,
}

/// One entry of ListPipelineExecutions.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExecutionSummary {
    pub arn: String,
    pub status: String,
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub start_time: Option<SystemTime>,
}

/// One step of a run, as ListPipelineExecutionSteps reports it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StepState {
    pub name: String,
    pub status: String,
    pub failure_reason: Option<String>,
}

/// What StopPipelineExecution did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopOutcome {
    Stopped,
    /// The execution no longer exists.
    Gone,
    /// The endpoint does not implement StopPipelineExecution.
    Unsupported,
}

/// True for a run that has ended and will not change again.
pub fn is_terminal(status: &str) -> bool {
    matches!(status, "Succeeded" | "Failed" | "Stopped")
}

/// The pipeline name in an execution ARN
/// (`arn:aws:sagemaker:us-east-1:123456789012:pipeline/<name>/execution/<id>`).
pub fn pipeline_of_execution_arn(arn: &str) -> Option<&str> {
    let (_, rest) = arn.split_once(":pipeline/")?;
    let (name, id) = rest.split_once("/execution/")?;
    (!name.is_empty() && !id.is_empty() && !id.contains('/')).then_some(name)
}

/// An endpoint saying it does not implement an operation: by the service's error code, or an
/// HTTP 500/501 with no error code at all (the local moto endpoint answers an unimplemented
/// operation with a bare HTML 500 page; SageMaker's own 5xx answers always carry a code).
pub fn is_not_implemented(e: &AwsError) -> bool {
    match e.code.as_deref() {
        Some(code) => matches!(
            code,
            "NotImplemented"
                | "NotImplementedException"
                | "UnknownOperation"
                | "UnknownOperationException"
                | "InvalidAction"
                | "UnsupportedOperation"
                | "UnsupportedOperationException"
        ),
        None => {
            // The status as the message starts with it (`HTTP 500 with no error code`, `the
            // endpoint answered HTTP 500, ...`), not anywhere: a proxy's page may quote one.
            let m = e.message.strip_prefix("the endpoint answered ").unwrap_or(&e.message);
            matches!(e.kind, ErrorKind::ServerError | ErrorKind::BadResponse)
                && (m.starts_with("HTTP 500") || m.starts_with("HTTP 501"))
        }
    }
}

fn string_of(s: Option<&str>) -> Option<String> {
    // moto reports a missing failure reason as "" or "None".
    s.filter(|s| !s.is_empty() && *s != "None").map(str::to_string)
}

fn system_time(t: &aws_smithy_types::DateTime) -> Option<SystemTime> {
    SystemTime::try_from(*t).ok()
}

fn optional_call_config() -> aws_sdk_sagemaker::config::Builder {
    aws_sdk_sagemaker::config::Builder::default().retry_config(
        aws_sdk_sagemaker::config::retry::RetryConfig::standard()
            .with_max_attempts(OPTIONAL_CALL_ATTEMPTS),
    )
}

impl SageMaker {
    /// Starts a run; `token` is sent as `ClientRequestToken` by every attempt. Returns the ARN.
    pub async fn start_execution(
        &self,
        spec: &ExecutionSpec,
        token: &str,
    ) -> Result<String, AwsError> {
        let parameters = (!spec.parameters.is_empty()).then(|| {
            spec.parameters
                .iter()
                .map(|(k, v)| Parameter::builder().name(k).value(v).build())
                .collect::<Vec<_>>()
        });
        let selective = spec.selective.as_ref().map(|(source, steps)| {
            SelectiveExecutionConfig::builder()
                .source_pipeline_execution_arn(source)
                .set_selected_steps(Some(
                    steps.iter().map(|s| SelectedStep::builder().step_name(s).build()).collect(),
                ))
                .build()
        });
        let req = self
            .client()
            .await
            .start_pipeline_execution()
            .pipeline_name(&spec.pipeline_name)
            .set_pipeline_execution_display_name(spec.display_name.clone())
            .set_pipeline_execution_description(spec.description.clone())
            .set_pipeline_parameters(parameters)
            .set_parallelism_configuration(spec.max_parallel_execution_steps.map(|n| {
                ParallelismConfiguration::builder().max_parallel_execution_steps(n).build()
            }))
            .set_selective_execution_config(selective)
            .set_pipeline_version_id(spec.pipeline_version_id)
            .client_request_token(token);
        let out =
            self.send(Call::new("StartPipelineExecution", &spec.pipeline_name), req.send()).await?;
        Ok(out.pipeline_execution_arn().unwrap_or_default().to_string())
    }

    /// `Ok(None)` when the execution (or its pipeline) does not exist.
    pub async fn describe_execution(&self, arn: &str) -> Result<Option<Execution>, AwsError> {
        let pipeline = pipeline_of_execution_arn(arn).unwrap_or(arn);
        let req = self.client().await.describe_pipeline_execution().pipeline_execution_arn(arn);
        let out =
            match self.send(Call::new("DescribePipelineExecution", pipeline), req.send()).await {
                Ok(o) => o,
                Err(e) if e.kind == ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(e),
            };
        Ok(Some(Execution {
            arn: out.pipeline_execution_arn().unwrap_or(arn).to_string(),
            pipeline_arn: out.pipeline_arn().unwrap_or_default().to_string(),
            status: out
                .pipeline_execution_status()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            failure_reason: string_of(out.failure_reason()),
            display_name: string_of(out.pipeline_execution_display_name()),
            description: string_of(out.pipeline_execution_description()),
            max_parallel_execution_steps: out
                .parallelism_configuration()
                .and_then(|p| p.max_parallel_execution_steps()),
            selective: out.selective_execution_config().map(|s| {
                (
                    s.source_pipeline_execution_arn().unwrap_or_default().to_string(),
                    s.selected_steps()
                        .iter()
                        .filter_map(|s| s.step_name().map(str::to_string))
                        .collect(),
                )
            }),
            pipeline_version_id: out.pipeline_version_id(),
        }))
    }

    /// The parameters a run was started with, sorted by name (ListPipelineParametersForExecution).
    pub async fn execution_parameters(&self, arn: &str) -> Result<Vec<(String, String)>, AwsError> {
        self.execution_parameters_call(arn, true).await
    }

    /// [`execution_parameters`](Self::execution_parameters) that runs on after a stop request,
    /// briefly (as [`SageMaker::describe_settling`]), to tell whether a run listed after an
    /// interrupted start is the one it started.
    pub async fn execution_parameters_settling(
        &self,
        arn: &str,
    ) -> Result<Vec<(String, String)>, AwsError> {
        self.execution_parameters_call(arn, false).await
    }

    async fn execution_parameters_call(
        &self,
        arn: &str,
        stoppable: bool,
    ) -> Result<Vec<(String, String)>, AwsError> {
        let pipeline = pipeline_of_execution_arn(arn).unwrap_or(arn);
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let req = self
                .client()
                .await
                .list_pipeline_parameters_for_execution()
                .pipeline_execution_arn(arn)
                .set_next_token(token.take());
            let call =
                Call { stoppable, ..Call::new("ListPipelineParametersForExecution", pipeline) };
            let page = self.send(call, req.send()).await?;
            for p in page.pipeline_parameters() {
                if let Some(name) = p.name() {
                    out.push((name.to_string(), p.value().unwrap_or_default().to_string()));
                }
            }
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
        out.sort();
        Ok(out)
    }

    /// The runs of a pipeline created after `since`, newest first; runs on after a stop request
    /// (one attempt's worth of waiting), to learn what an interrupted start left behind.
    pub async fn list_executions_settling(
        &self,
        pipeline: &str,
        since: SystemTime,
    ) -> Result<Vec<ExecutionSummary>, AwsError> {
        self.list_executions_call(
            Call { stoppable: false, ..Call::new("ListPipelineExecutions", pipeline) },
            Some(since),
        )
        .await
    }

    /// The runs of a pipeline created after `since`, newest first.
    pub async fn list_executions_since(
        &self,
        pipeline: &str,
        since: SystemTime,
    ) -> Result<Vec<ExecutionSummary>, AwsError> {
        self.list_executions_call(Call::new("ListPipelineExecutions", pipeline), Some(since)).await
    }

    /// Whether a pipeline has any run (one page of at most one). `false` when it does not exist.
    /// Runs on briefly after a stop request, as the check it serves (adoption after a create).
    pub async fn has_executions(&self, pipeline: &str) -> Result<bool, AwsError> {
        let req =
            self.client().await.list_pipeline_executions().pipeline_name(pipeline).max_results(1);
        let call = Call { stoppable: false, ..Call::new("ListPipelineExecutions", pipeline) };
        match self.send(call, req.send()).await {
            Ok(page) => Ok(!page.pipeline_execution_summaries().is_empty()),
            Err(e) if e.kind == ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Every run of a pipeline, newest first.
    pub async fn list_executions(&self, pipeline: &str) -> Result<Vec<ExecutionSummary>, AwsError> {
        self.list_executions_call(Call::new("ListPipelineExecutions", pipeline), None).await
    }

    async fn list_executions_call(
        &self,
        call: Call<'_>,
        since: Option<SystemTime>,
    ) -> Result<Vec<ExecutionSummary>, AwsError> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        for _page in 0..100 {
            let req = self
                .client()
                .await
                .list_pipeline_executions()
                .pipeline_name(call.pipeline)
                .set_created_after(since.map(aws_smithy_types::DateTime::from))
                .sort_by(aws_sdk_sagemaker::types::SortPipelineExecutionsBy::CreationTime)
                .sort_order(aws_sdk_sagemaker::types::SortOrder::Descending)
                .max_results(100)
                .set_next_token(token.take());
            let page = self.send(call, req.send()).await?;
            for s in page.pipeline_execution_summaries() {
                let start_time = s.start_time().and_then(system_time);
                // Endpoints that ignore CreatedAfter (moto) are filtered here.
                if let (Some(since), Some(t)) = (since, start_time) {
                    if t < since {
                        continue;
                    }
                }
                out.push(ExecutionSummary {
                    arn: s.pipeline_execution_arn().unwrap_or_default().to_string(),
                    status: s
                        .pipeline_execution_status()
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default(),
                    display_name: string_of(s.pipeline_execution_display_name()),
                    description: string_of(s.pipeline_execution_description()),
                    start_time,
                });
            }
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
        Ok(out)
    }

    /// The steps of a run in the order SageMaker lists them (oldest first); `Ok(None)` when the
    /// endpoint does not implement ListPipelineExecutionSteps.
    pub async fn execution_steps(&self, arn: &str) -> Result<Option<Vec<StepState>>, AwsError> {
        if STEPS_UNSUPPORTED.load(Ordering::Relaxed) {
            return Ok(None);
        }
        let pipeline = pipeline_of_execution_arn(arn).unwrap_or(arn);
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        for _page in 0..100 {
            let req = self
                .client()
                .await
                .list_pipeline_execution_steps()
                .pipeline_execution_arn(arn)
                .sort_order(aws_sdk_sagemaker::types::SortOrder::Ascending)
                .max_results(100)
                .set_next_token(token.take())
                .customize()
                .config_override(optional_call_config());
            let page = match self
                .send(Call::new("ListPipelineExecutionSteps", pipeline), req.send())
                .await
            {
                Ok(p) => p,
                Err(e) if is_not_implemented(&e) => {
                    STEPS_UNSUPPORTED.store(true, Ordering::Relaxed);
                    crate::logging::info(
                            "the SageMaker endpoint does not implement ListPipelineExecutionSteps; step statuses are not reported",
                            &[("endpoint", &e.endpoint)],
                        );
                    return Ok(None);
                }
                Err(e) => return Err(e),
            };
            for s in page.pipeline_execution_steps() {
                out.push(StepState {
                    name: s.step_name().unwrap_or_default().to_string(),
                    status: s.step_status().map(|s| s.as_str().to_string()).unwrap_or_default(),
                    failure_reason: string_of(s.failure_reason()),
                });
            }
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
        Ok(Some(out))
    }

    /// Stops a run that is still going.
    pub async fn stop_execution(&self, arn: &str) -> Result<StopOutcome, AwsError> {
        let pipeline = pipeline_of_execution_arn(arn).unwrap_or(arn);
        let req = self
            .client()
            .await
            .stop_pipeline_execution()
            .pipeline_execution_arn(arn)
            .client_request_token(super::request_token())
            .customize()
            .config_override(optional_call_config());
        match self.send(Call::new("StopPipelineExecution", pipeline), req.send()).await {
            Ok(_) => Ok(StopOutcome::Stopped),
            Err(e) if e.kind == ErrorKind::NotFound => Ok(StopOutcome::Gone),
            Err(e) if is_not_implemented(&e) => Ok(StopOutcome::Unsupported),
            Err(e) => Err(e),
        }
    }
}

/// The next wait between two polls of a running execution: 1 s, doubling, at most `max`.
pub fn next_poll_interval(current: Duration, max: Duration) -> Duration {
    (current * 2).min(max)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(kind: ErrorKind, code: Option<&str>, message: &str) -> AwsError {
        AwsError {
            service: crate::aws::Service::SageMaker,
            operation: "ListPipelineExecutionSteps",
            pipeline: "p".into(),
            endpoint: "http://127.0.0.1:1".into(),
            region: "us-east-1".into(),
            kind,
            code: code.map(str::to_string),
            message: message.into(),
            request_id: None,
            limits: super::super::AwsSettings::default().limits(),
            last_refusal: None,
            no_effect: false,
        }
    }

    #[test]
    fn not_implemented_is_recognised_by_code_or_a_bare_500() {
        assert!(is_not_implemented(&err(ErrorKind::Rejected, Some("NotImplemented"), "x")));
        assert!(is_not_implemented(&err(
            ErrorKind::Rejected,
            Some("UnknownOperationException"),
            ""
        )));
        assert!(is_not_implemented(&err(
            ErrorKind::ServerError,
            None,
            "HTTP 500 with no error code"
        )));
        assert!(!is_not_implemented(&err(ErrorKind::ServerError, Some("InternalFailure"), "")));
        assert!(!is_not_implemented(&err(ErrorKind::Throttled, Some("ThrottlingException"), "")));
        assert!(!is_not_implemented(&err(ErrorKind::Connection, None, "refused")));
    }

    #[test]
    fn execution_arns_name_their_pipeline() {
        assert_eq!(
            pipeline_of_execution_arn(
                "arn:aws:sagemaker:us-east-1:123456789012:pipeline/churn/execution/abc123"
            ),
            Some("churn")
        );
        assert_eq!(pipeline_of_execution_arn("arn:aws:sagemaker:us-east-1:1:pipeline/churn"), None);
        assert_eq!(pipeline_of_execution_arn("churn"), None);
    }

    #[test]
    fn polling_backs_off_to_the_cap() {
        let mut d = Duration::from_secs(1);
        let mut seen = Vec::new();
        for _ in 0..7 {
            seen.push(d.as_secs());
            d = next_poll_interval(d, Duration::from_secs(30));
        }
        assert_eq!(seen, [1, 2, 4, 8, 16, 30, 30]);
    }
}
