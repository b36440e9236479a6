# A deployment pipeline with no training: wrap an existing model artifact in a model, package
# it with a processing job, and register the package for approval.
terraform {
  required_providers {
    sagemaker = { source = "sagemaker-pipelines/sagemaker" }
  }
}

locals {
  role    = "arn:aws:iam::123456789012:role/sagemaker-pipeline"
  bucket  = "sagemaker-us-east-1-123456789012"
  xgboost = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
  sklearn = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
}

resource "sagemaker_model_step" "model" {
  name           = "CreateModel"
  image_uri      = local.xgboost
  model_data_url = "{{ Parameters.ModelArtifact }}"
}

resource "sagemaker_processing_step" "package" {
  name                = "Package"
  image_uri           = local.sklearn
  instance_type       = "ml.m5.large"
  code                = "s3://${local.bucket}/code/package.py"
  container_arguments = ["--model-name", "{{ Steps.CreateModel.ModelName }}"]

  input {
    source      = "{{ Parameters.ModelArtifact }}"
    destination = "/opt/ml/processing/model"
  }
  output {
    name        = "package"
    source      = "/opt/ml/processing/package"
    destination = "s3://${local.bucket}/packages/{{ Execution.PipelineExecutionId }}"
  }
}

resource "sagemaker_register_model_step" "register" {
  name                     = "Register"
  model_package_group_name = "abalone-packages"
  image_uri                = local.xgboost
  model_data_url           = "{{ Parameters.ModelArtifact }}"
  content_types            = ["text/csv"]
  response_types           = ["text/csv"]
  inference_instances      = ["ml.m5.large"]
  transform_instances      = ["ml.m5.large"]
  approval_status          = "{{ Parameters.ApprovalStatus }}"
  depends_on_steps         = ["Package"]
}

resource "sagemaker_ml_pipeline" "deploy" {
  name     = "abalone-deploy"
  role_arn = local.role

  parameter {
    name    = "ModelArtifact"
    default = "s3://${local.bucket}/models/model.tar.gz"
  }
  parameter {
    name        = "ApprovalStatus"
    default     = "PendingManualApproval"
    enum_values = ["PendingManualApproval", "Approved"]
  }

  steps = [
    sagemaker_model_step.model.json,
    sagemaker_processing_step.package.json,
    sagemaker_register_model_step.register.json,
  ]

  step_defaults {
    role_arn = local.role
  }
}
