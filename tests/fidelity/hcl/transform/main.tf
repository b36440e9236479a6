# Fidelity case transform (tests/fidelity/README.md): CreateModel-CreateModel -> BatchScore,
# the same pipeline as tests/fidelity/sdk/transform.py builds with the SageMaker SDK.
terraform {
  required_providers {
    sagemaker = { source = "sagemaker-pipelines/sagemaker" }
  }
}

locals {
  role    = "arn:aws:iam::123456789012:role/sagemaker-pipeline"
  bucket  = "sagemaker-us-east-1-123456789012"
  xgboost = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
}

resource "sagemaker_model_step" "create_model" {
  name           = "CreateModel-CreateModel"
  image_uri      = local.xgboost
  model_data_url = "s3://${local.bucket}/models/model.tar.gz"
  environment = {
    SAGEMAKER_PROGRAM = "inference.py"
    LOG_LEVEL         = "info"
  }
}

resource "sagemaker_transform_step" "batch_score" {
  name           = "BatchScore"
  model_name     = sagemaker_model_step.create_model.model_name
  instance_type  = "ml.m5.xlarge"
  instance_count = "1"
  # Where the SDK puts a transform output that has no path: s3://<bucket>/<pipeline>/<execution>/<step>
  output_path   = "s3://${local.bucket}/fidelity-transform/{{ Execution.PipelineExecutionId }}/BatchScore"
  accept        = "text/csv"
  assemble_with = "Line"

  input {
    s3_uri       = "{{ Parameters.BatchData }}"
    content_type = "text/csv"
    split_type   = "Line"
    data_type    = "S3Prefix"
  }
}

resource "sagemaker_ml_pipeline" "this" {
  name     = "fidelity-transform"
  role_arn = local.role

  parameter {
    name    = "BatchData"
    type    = "String"
    default = "s3://${local.bucket}/batch/input.csv"
  }

  steps = [
    sagemaker_model_step.create_model.json,
    sagemaker_transform_step.batch_score.json,
  ]

  step_defaults {
    role_arn = local.role
  }
}

output "definition_sha256" {
  value = sagemaker_ml_pipeline.this.definition_sha256
}
