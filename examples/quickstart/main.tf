# Quickstart: one pipeline with two parameters and a single step, deployed to the SageMaker
# endpoint your AWS environment points at (`make demo` points it at a local one).
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

# Fingerprint of the compiled definition; the whole text is the `json` of the
# sagemaker_ml_pipeline_definition data source, or the deployed `definition` of the
# sagemaker_ml_pipeline data source.
output "definition_sha256" {
  value = sagemaker_ml_pipeline.quickstart.definition_sha256
}

# The pipeline as a Mermaid flowchart: `terraform output -raw pipeline_mermaid`, then paste it
# into a ```mermaid block of a README or pull request.
output "pipeline_mermaid" {
  value = sagemaker_ml_pipeline.quickstart.mermaid
}
