//! Acceptance test of the `sagemaker_ml_pipeline_policy` data source through the real Terraform
//! CLI: `examples/least-privilege-role` is applied against the local endpoint, and the policy it
//! outputs must name exactly the jobs, roles, S3 locations, keys, function, queue and images its
//! steps use, and the logs and metrics its jobs write (and nothing for the pipeline's own role,
//! which SageMaker assumes, not passes).

mod support;

use serde_json::{json, Value as Json};
use support::{project_root, terraform_binaries, LocalSageMaker, Workspace};

fn statement<'a>(doc: &'a Json, sid: &str) -> &'a Json {
    doc["Statement"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["Sid"] == sid))
        .unwrap_or_else(|| panic!("no statement {sid} in {doc:#}"))
}

#[test]
fn the_examples_policy_names_exactly_what_its_steps_use() {
    let sm = LocalSageMaker::start();
    let example = project_root().join("examples/least-privilege-role/main.tf");
    let main_tf = std::fs::read_to_string(example).expect("the example");
    for terraform in terraform_binaries() {
        sm.reset();
        let v = &terraform.version;
        let ws = Workspace::new(&terraform, &sm);
        ws.write("main.tf", &main_tf);
        ws.init();
        ws.apply();
        let doc: Json = serde_json::from_str(&ws.tf_ok(&["output", "-raw", "role_policy"]))
            .expect("the policy is JSON");
        let sids: Vec<&str> = doc["Statement"]
            .as_array()
            .expect("statements")
            .iter()
            .filter_map(|s| s["Sid"].as_str())
            .collect();
        assert_eq!(
            sids,
            [
                "SageMakerJobs",
                "PassRoles",
                "S3Read",
                "S3Write",
                "S3ListBuckets",
                "Kms",
                "KmsByAlias",
                "InvokeLambdas",
                "CallbackQueues",
                "EcrPull",
                "EcrAuth",
                "JobLogs",
                "JobMetrics"
            ],
            "[{v}] {doc:#}"
        );
        let jobs = statement(&doc, "SageMakerJobs");
        assert_eq!(
            jobs["Action"],
            json!([
                "sagemaker:AddTags",
                "sagemaker:CreateProcessingJob",
                "sagemaker:CreateTrainingJob",
                "sagemaker:DescribeProcessingJob",
                "sagemaker:DescribeTrainingJob",
                "sagemaker:StopProcessingJob",
                "sagemaker:StopTrainingJob"
            ]),
            "[{v}]"
        );
        assert_eq!(
            jobs["Resource"],
            json!([
                "arn:aws:sagemaker:*:*:processing-job/*",
                "arn:aws:sagemaker:*:*:training-job/*"
            ]),
            "[{v}]"
        );
        assert_eq!(
            statement(&doc, "PassRoles")["Resource"],
            json!(["arn:aws:iam::123456789012:role/churn-jobs"]),
            "[{v}]"
        );
        // The code and the raw data are read; the training input is the prepare step's output,
        // covered by the write statement; the run-time output prefix widens to its literal part,
        // which covers the model output path.
        assert_eq!(
            statement(&doc, "S3Read")["Resource"],
            json!([
                "arn:aws:s3:::acme-ml-code/churn/prepare.py*",
                "arn:aws:s3:::acme-raw/churn/2026/*"
            ]),
            "[{v}]"
        );
        assert_eq!(
            statement(&doc, "S3Write")["Resource"],
            json!(["arn:aws:s3:::acme-ml/churn/*"]),
            "[{v}]"
        );
        assert_eq!(
            statement(&doc, "S3ListBuckets")["Resource"],
            json!(["arn:aws:s3:::acme-ml", "arn:aws:s3:::acme-ml-code", "arn:aws:s3:::acme-raw"]),
            "[{v}]"
        );
        assert_eq!(
            statement(&doc, "Kms")["Resource"],
            json!(["arn:aws:kms:us-east-1:123456789012:key/1111aaaa-22bb-33cc-44dd-555555eeeeee"]),
            "[{v}]"
        );
        // IAM checks Decrypt and GenerateDataKey against the key's ARN, never an alias ARN: the
        // alias is a condition on any key.
        assert_eq!(
            statement(&doc, "KmsByAlias")["Condition"],
            json!({"ForAnyValue:StringEquals": {"kms:ResourceAliases": ["alias/churn-output"]}}),
            "[{v}]"
        );
        assert_eq!(
            statement(&doc, "JobLogs")["Resource"],
            json!(["arn:aws:logs:*:*:log-group:/aws/sagemaker/*"]),
            "[{v}] the jobs' role writes their logs"
        );
        assert_eq!(
            statement(&doc, "InvokeLambdas")["Resource"],
            json!(["arn:aws:lambda:us-east-1:123456789012:function:churn-notify"]),
            "[{v}]"
        );
        assert_eq!(
            statement(&doc, "CallbackQueues")["Resource"],
            json!(["arn:aws:sqs:us-east-1:123456789012:churn-review"]),
            "[{v}]"
        );
        assert_eq!(
            statement(&doc, "EcrPull")["Resource"],
            json!([
                "arn:aws:ecr:us-east-1:683313688378:repository/sagemaker-scikit-learn",
                "arn:aws:ecr:us-east-1:683313688378:repository/sagemaker-xgboost"
            ]),
            "[{v}]"
        );
        assert_eq!(ws.plan_exit_code(), 0, "[{v}] plan after apply");
        ws.destroy();
    }
}

/// Steps of a type the provider does not know, and a definition that needs no permission at
/// all, are warnings at plan rather than a document that silently lacks what they need (or one
/// IAM rejects for having no statement).
#[test]
fn uncovered_steps_and_empty_documents_are_warnings() {
    let sm = LocalSageMaker::start();
    for terraform in terraform_binaries() {
        let v = &terraform.version;
        let ws = Workspace::new(&terraform, &sm);
        ws.write(
            "main.tf",
            r#"
terraform {
  required_providers {
    sagemaker = { source = "sagemaker-pipelines/sagemaker" }
  }
}

data "sagemaker_ml_pipeline_policy" "endpoint" {
  definition = jsonencode({
    Version = "2020-12-01"
    Steps = [{ Name = "Deploy", Type = "Endpoint", Arguments = { EndpointName = "e", EndpointConfigName = "c" } }]
  })
}

data "sagemaker_ml_pipeline_policy" "fail" {
  definition = jsonencode({
    Version = "2020-12-01"
    Steps = [{ Name = "Stop", Type = "Fail", Arguments = { ErrorMessage = "x" } }]
  })
}

output "endpoint" {
  value = data.sagemaker_ml_pipeline_policy.endpoint.json
}
"#,
        );
        ws.init();
        let out = support::flat(&ws.tf_ok(&["plan", "-no-color", "-input=false"]));
        assert!(out.contains("Warning: The policy does not cover every step"), "[{v}] {out}");
        assert!(out.contains("Deploy (Endpoint)"), "[{v}] {out}");
        assert!(out.contains("Warning: The pipeline's steps need no permissions"), "[{v}] {out}");
    }
}
