# Fidelity case automl (tests/fidelity/README.md): AutoML -> BestModel-CreateModel, the same
# pipeline as tests/fidelity/sdk/automl.py builds with the SageMaker SDK 2.x.
terraform {
  required_providers {
    sagemaker = { source = "sagemaker-pipelines/sagemaker" }
  }
}

locals {
  role   = "arn:aws:iam::123456789012:role/sagemaker-pipeline"
  bucket = "sagemaker-us-east-1-123456789012"
}

resource "sagemaker_automl_step" "automl" {
  name                         = "AutoML"
  target_attribute_name        = "churn"
  sample_weight_attribute_name = "weight"
  output_path                  = "s3://${local.bucket}/automl/output"
  output_kms_key_id            = "arn:aws:kms:us-east-1:123456789012:key/output"
  volume_kms_key_id            = "arn:aws:kms:us-east-1:123456789012:key/volume"

  enable_inter_container_traffic_encryption = true

  problem_type                            = "BinaryClassification"
  objective_metric                        = "F1"
  max_candidates                          = "20"
  max_runtime_per_training_job_in_seconds = "900"
  max_automl_job_runtime_in_seconds       = "7200"
  feature_specification_s3_uri            = "s3://${local.bucket}/automl/features.json"
  tags                                    = { team = "ml" }

  input {
    s3_uri           = "{{ Parameters.TrainData }}"
    channel_type     = "training"
    content_type     = "text/csv;header=present"
    compression_type = "Gzip"
  }
  input {
    s3_uri           = "s3://${local.bucket}/automl/validation.csv"
    channel_type     = "validation"
    content_type     = "text/csv;header=present"
    compression_type = "Gzip"
  }

  vpc_config {
    subnets            = ["subnet-0a1b2c3d"]
    security_group_ids = ["sg-0a1b2c3d"]
  }

  cache {
    enabled      = true
    expire_after = "P7D"
  }
  retry {
    exception_types  = ["SageMaker.CAPACITY_ERROR"]
    interval_seconds = 60
    backoff_rate     = 2
    max_attempts     = 3
  }
}

# The SDK's AutoMLStep.get_best_auto_ml_model, deployed as a model.
resource "sagemaker_model_step" "best" {
  name           = "BestModel-CreateModel"
  image_uri      = sagemaker_automl_step.automl.best_model_image
  model_data_url = sagemaker_automl_step.automl.best_model_data_url
  environment    = sagemaker_automl_step.automl.best_model_environment
}

resource "sagemaker_ml_pipeline" "this" {
  name     = "fidelity-automl"
  role_arn = local.role

  parameter {
    name    = "TrainData"
    type    = "String"
    default = "s3://${local.bucket}/automl/train.csv"
  }

  steps = [
    sagemaker_automl_step.automl.json,
    sagemaker_model_step.best.json,
  ]

  step_defaults {
    role_arn = local.role
  }
}

output "definition_sha256" {
  value = sagemaker_ml_pipeline.this.definition_sha256
}
