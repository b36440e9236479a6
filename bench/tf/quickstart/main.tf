# Copy of examples/quickstart for scripts/bench (provider suite): one sagemaker_ml_pipeline,
# applied once against a private local endpoint, then planned (with refresh) to measure peak RSS.
terraform {
  required_providers {
    sagemaker = {
      source = "sagemaker-pipelines/sagemaker"
    }
  }
}

provider "sagemaker" {
  default_tags = { managed-by = "terraform" }
}

resource "sagemaker_ml_pipeline" "quickstart" {
  name        = "quickstart"
  role_arn    = "arn:aws:iam::123456789012:role/sagemaker-pipeline"
  description = "A first pipeline managed by Terraform"

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

  parallelism_config {
    max_parallel_execution_steps = 4
  }

  tags = { owner = "ml-platform" }
}

output "pipeline_arn" {
  value = sagemaker_ml_pipeline.quickstart.arn
}

output "definition" {
  value = sagemaker_ml_pipeline.quickstart.definition
}
