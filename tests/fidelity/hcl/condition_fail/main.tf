# Fidelity case condition_fail (tests/fidelity/README.md): Evaluate -> CheckMse ->
# RegisterModel-RegisterModel | MseTooHigh, the same pipeline as
# tests/fidelity/sdk/condition_fail.py builds with the SageMaker SDK.
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

resource "sagemaker_processing_step" "evaluate" {
  name           = "Evaluate"
  image_uri      = local.xgboost
  instance_type  = "ml.m5.xlarge"
  instance_count = "1"
  code           = "s3://${local.bucket}/code/evaluate.py"

  input {
    name        = "model"
    source      = "s3://${local.bucket}/models/model.tar.gz"
    destination = "/opt/ml/processing/model"
  }
  input {
    name        = "test"
    source      = "{{ Parameters.TestData }}"
    destination = "/opt/ml/processing/test"
  }
  output {
    name        = "evaluation"
    source      = "/opt/ml/processing/evaluation"
    destination = "s3://${local.bucket}/fidelity-condition-fail/{{ Execution.PipelineExecutionId }}/Evaluate/output/evaluation"
  }
  property_file {
    name        = "EvaluationReport"
    output_name = "evaluation"
    path        = "evaluation.json"
  }
}

resource "sagemaker_register_model_step" "register" {
  name                     = "RegisterModel-RegisterModel"
  model_package_group_name = "fidelity-models"
  image_uri                = local.xgboost
  model_data_url           = "s3://${local.bucket}/models/model.tar.gz"
  content_types            = ["text/csv"]
  response_types           = ["text/csv"]
  inference_instances      = ["ml.m5.large"]
  transform_instances      = ["ml.m5.large"]
  approval_status          = "{{ Parameters.ModelApprovalStatus }}"
}

resource "sagemaker_fail_step" "mse_too_high" {
  name          = "MseTooHigh"
  error_message = "MSE above threshold {{ Parameters.MseThreshold }}"
}

resource "sagemaker_condition_step" "check_mse" {
  name       = "CheckMse"
  conditions = ["{{ Steps.Evaluate.PropertyFiles.EvaluationReport.regression_metrics.mse.value }} <= {{ Parameters.MseThreshold }}"]
  if_steps   = [sagemaker_register_model_step.register.json]
  else_steps = [sagemaker_fail_step.mse_too_high.json]
}

resource "sagemaker_ml_pipeline" "this" {
  name     = "fidelity-condition-fail"
  role_arn = local.role

  parameter {
    name    = "TestData"
    type    = "String"
    default = "s3://${local.bucket}/abalone/test"
  }
  parameter {
    name    = "MseThreshold"
    type    = "Float"
    default = "6.0"
  }
  parameter {
    name        = "ModelApprovalStatus"
    type        = "String"
    default     = "PendingManualApproval"
    enum_values = ["PendingManualApproval", "Approved"]
  }

  steps = [
    sagemaker_processing_step.evaluate.json,
    sagemaker_condition_step.check_mse.json,
  ]

  step_defaults {
    role_arn = local.role
  }
}

output "definition_sha256" {
  value = sagemaker_ml_pipeline.this.definition_sha256
}
