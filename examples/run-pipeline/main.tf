# Run a pipeline from Terraform: a pipeline with typed parameters, and one run of it started
# with parameter values (checked against the declared types at plan time). A new run starts
# whenever the pipeline's definition changes (`triggers`) or a start argument changes;
# re-applying an unchanged configuration starts nothing.
terraform {
  required_providers {
    sagemaker = {
      source = "sagemaker-pipelines/sagemaker"
    }
  }
}

resource "sagemaker_ml_pipeline" "training" {
  name     = "run-pipeline-example"
  role_arn = "arn:aws:iam::123456789012:role/sagemaker-pipeline"

  parameter {
    name    = "InputData"
    default = "s3://my-bucket/input"
  }
  parameter {
    name    = "Epochs"
    type    = "Integer"
    default = "3"
  }

  steps = [
    jsonencode({
      Name = "NotReadyYet"
      Type = "Fail"
      Arguments = {
        ErrorMessage = "Replace this step with your processing and training steps."
      }
    }),
  ]
}

resource "sagemaker_ml_pipeline_execution" "nightly" {
  pipeline_name = sagemaker_ml_pipeline.training.name
  display_name  = "nightly"
  parameters = {
    InputData = "s3://my-bucket/2026-12-01"
    Epochs    = "5"
  }

  # A changed definition starts a new run.
  triggers = { definition = sagemaker_ml_pipeline.training.definition_sha256 }

  # Wait for the run to end: progress is logged at INFO (TF_LOG_PROVIDER=INFO), a failed run
  # is an error naming the failed step and its reason.
  wait_for_completion = true
  wait_timeout        = "2h"
}

output "execution_status" {
  value = sagemaker_ml_pipeline_execution.nightly.status
}
