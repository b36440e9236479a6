# A multi-model pipeline composed from one Terraform module per model.
terraform {
  required_providers {
    sagemaker = { source = "sagemaker-pipelines/sagemaker" }
  }
}

locals {
  role    = "arn:aws:iam::123456789012:role/sagemaker-pipeline"
  bucket  = "sagemaker-us-east-1-123456789012"
  xgboost = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
  models  = ["churn", "upsell", "fraud"]
}

module "model" {
  source     = "./modules/model"
  for_each   = toset(local.models)
  model      = each.key
  train_data = "{{ Parameters.DataRoot }}/${each.key}/train"
  image_uri  = local.xgboost
  bucket     = local.bucket
}

resource "sagemaker_ml_pipeline" "models" {
  name     = "multi-model"
  role_arn = local.role

  parameter {
    name    = "DataRoot"
    default = "s3://${local.bucket}/data"
  }

  steps = flatten([for m in local.models : module.model[m].steps])

  step_defaults {
    role_arn = local.role
    network {
      enable_network_isolation = true
    }
    tags = { cost-center = "ml-42" }
  }

  parallelism_config {
    max_parallel_execution_steps = 3
  }
}
