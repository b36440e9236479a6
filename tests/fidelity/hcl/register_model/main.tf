# Fidelity case register_model (tests/fidelity/README.md): Train -> Register-RegisterModel,
# the same pipeline as tests/fidelity/sdk/register_model.py builds with the SageMaker SDK.
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

resource "sagemaker_training_step" "train" {
  name                   = "Train"
  image_uri              = local.xgboost
  instance_type          = "ml.m5.xlarge"
  instance_count         = "1"
  volume_size_in_gb      = "50"
  max_runtime_in_seconds = "3600"
  output_path            = "s3://${local.bucket}/models"
  hyperparameters = {
    objective = "reg:squarederror"
    num_round = "100"
  }
  input {
    channel      = "train"
    s3_uri       = "s3://${local.bucket}/abalone/train"
    content_type = "text/csv"
  }
}

resource "sagemaker_register_model_step" "register" {
  name                     = "Register-RegisterModel"
  model_package_group_name = "fidelity-models"
  image_uri                = local.xgboost
  model_data_url           = sagemaker_training_step.train.model_artifacts
  content_types            = ["text/csv"]
  response_types           = ["text/csv"]
  inference_instances      = ["ml.m5.large", "ml.m5.xlarge"]
  transform_instances      = ["ml.m5.xlarge"]
  approval_status          = "{{ Parameters.ModelApprovalStatus }}"

  model_metrics {
    model_quality {
      statistics {
        content_type = "application/json"
        s3_uri       = "s3://${local.bucket}/evaluation/statistics.json"
      }
    }
  }

  customer_metadata = {
    team       = "ml"
    "use-case" = "abalone"
  }
}

resource "sagemaker_ml_pipeline" "this" {
  name     = "fidelity-register-model"
  role_arn = local.role

  parameter {
    name    = "ModelApprovalStatus"
    type    = "String"
    default = "PendingManualApproval"
  }

  steps = [
    sagemaker_training_step.train.json,
    sagemaker_register_model_step.register.json,
  ]

  step_defaults {
    role_arn = local.role
  }
}

output "definition_sha256" {
  value = sagemaker_ml_pipeline.this.definition_sha256
}
