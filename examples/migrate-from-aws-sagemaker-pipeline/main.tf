# Moving a pipeline from the AWS provider's `aws_sagemaker_pipeline` (its definition a JSON file)
# to `sagemaker_ml_pipeline` without recreating it: docs/guides/migrate-from-aws-sagemaker-pipeline.md.
# The same pipeline.json keeps describing the pipeline; its parameters and steps are read from it.
terraform {
  required_providers {
    sagemaker = {
      source = "sagemaker-pipelines/sagemaker"
    }
  }
}

provider "sagemaker" {}

locals {
  definition = jsondecode(file("${path.module}/pipeline.json"))
}

# Terraform >= 1.7: hand the pipeline over in one apply, with these two blocks in the place of
# the aws_sagemaker_pipeline block. The AWS provider forgets it without deleting it, and this
# provider imports it. On older versions, run
# `terraform state rm aws_sagemaker_pipeline.churn` and
# `terraform import sagemaker_ml_pipeline.churn churn-training` instead.
#
# removed {
#   from = aws_sagemaker_pipeline.churn
#   lifecycle {
#     destroy = false
#   }
# }
#
# import {
#   to = sagemaker_ml_pipeline.churn
#   id = "churn-training"
# }

resource "sagemaker_ml_pipeline" "churn" {
  name         = "churn-training"     # was pipeline_name
  display_name = "churn-weekly"       # was pipeline_display_name
  description  = "Weekly churn model" # was pipeline_description
  role_arn     = "arn:aws:iam::123456789012:role/sagemaker-pipeline"

  # The definition's Parameters, as blocks: a default is written as text ("10", "0.7", "false").
  dynamic "parameter" {
    for_each = try(local.definition.Parameters, [])
    content {
      name        = parameter.value.Name
      type        = parameter.value.Type
      default     = try(tostring(parameter.value.DefaultValue), null)
      enum_values = try(parameter.value.EnumValues, null)
    }
  }

  # The definition's PipelineExperimentConfig, if it has one: {"Get": "Execution.PipelineName"}
  # becomes "{{ Execution.PipelineName }}", a plain name stays as it is.
  dynamic "experiment_config" {
    for_each = try(local.definition.PipelineExperimentConfig, null) == null ? [] : [local.definition.PipelineExperimentConfig]
    content {
      experiment_name = try("{{ ${experiment_config.value.ExperimentName.Get} }}", experiment_config.value.ExperimentName, null)
      trial_name      = try("{{ ${experiment_config.value.TrialName.Get} }}", experiment_config.value.TrialName, null)
    }
  }

  # Each step as JSON, for now; replace them one by one with typed step resources.
  steps = [for s in local.definition.Steps : jsonencode(s)]

  tags = {
    team = "ml"
  }
}
