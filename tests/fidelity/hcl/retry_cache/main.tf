# Fidelity case retry_cache (tests/fidelity/README.md): one Processing step with a cache config
# and both kinds of retry policy, the same pipeline as tests/fidelity/sdk/retry_cache.py builds
# with the SageMaker SDK.
terraform {
  required_providers {
    sagemaker = { source = "sagemaker-pipelines/sagemaker" }
  }
}

locals {
  role    = "arn:aws:iam::123456789012:role/sagemaker-pipeline"
  bucket  = "sagemaker-us-east-1-123456789012"
  sklearn = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
}

resource "sagemaker_processing_step" "prep" {
  name                   = "Prep"
  display_name           = "Prepare features"
  description            = "Feature preparation, cached for 30 days"
  image_uri              = local.sklearn
  instance_type          = "ml.m5.xlarge"
  instance_count         = "1"
  volume_size_in_gb      = "100"
  max_runtime_in_seconds = "7200"
  environment = {
    MODE = "full"
    SEED = "42"
  }
  container_arguments = ["--split", "0.2"]
  code                = "s3://${local.bucket}/code/prep.py"

  input {
    name                      = "raw"
    source                    = "s3://${local.bucket}/abalone/raw"
    destination               = "/opt/ml/processing/input"
    s3_input_mode             = "Pipe"
    s3_data_distribution_type = "ShardedByS3Key"
  }
  output {
    name           = "features"
    source         = "/opt/ml/processing/features"
    destination    = "s3://${local.bucket}/fidelity/prep/features"
    s3_upload_mode = "Continuous"
  }

  cache {
    enabled      = true
    expire_after = "P30D"
  }
  retry {
    exception_types  = ["Step.SERVICE_FAULT", "Step.THROTTLING"]
    interval_seconds = 5
    backoff_rate     = 2.0
    max_attempts     = 3
  }
  retry {
    exception_types      = ["SageMaker.CAPACITY_ERROR", "SageMaker.RESOURCE_LIMIT"]
    interval_seconds     = 30
    backoff_rate         = 1.5
    expire_after_minutes = 60
  }
}

resource "sagemaker_ml_pipeline" "this" {
  name     = "fidelity-retry-cache"
  role_arn = local.role

  steps = [
    sagemaker_processing_step.prep.json,
  ]

  step_defaults {
    role_arn = local.role
  }
}

output "definition_sha256" {
  value = sagemaker_ml_pipeline.this.definition_sha256
}
