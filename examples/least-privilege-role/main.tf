# The role policy a pipeline and its jobs need, derived from its steps: prepare -> train ->
# notify -> review.
# `data.sagemaker_ml_pipeline_policy` reads the pipeline's compiled definition and grants exactly
# the jobs, roles, S3 prefixes, KMS keys, function and queue the steps use.
terraform {
  required_providers {
    sagemaker = { source = "sagemaker-pipelines/sagemaker" }
  }
}

locals {
  pipeline_role = "arn:aws:iam::123456789012:role/churn-pipeline"
  job_role      = "arn:aws:iam::123456789012:role/churn-jobs"
  sklearn       = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
  xgboost       = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
}

resource "sagemaker_processing_step" "prepare" {
  name          = "Prepare"
  image_uri     = local.sklearn
  instance_type = "ml.m5.xlarge"
  code          = "s3://acme-ml-code/churn/prepare.py"

  input {
    source      = "s3://acme-raw/churn/2026/"
    destination = "/opt/ml/processing/input"
  }
  output {
    name        = "train"
    source      = "/opt/ml/processing/train"
    destination = "s3://acme-ml/churn/{{ Execution.PipelineExecutionId }}/train"
  }
}

resource "sagemaker_training_step" "train" {
  name          = "Train"
  image_uri     = local.xgboost
  instance_type = "ml.m5.xlarge"
  output_path   = "s3://acme-ml/churn/models"
  hyperparameters = {
    objective = "binary:logistic"
    num_round = "50"
  }
  input {
    channel = "train"
    s3_uri  = sagemaker_processing_step.prepare.outputs["train"]
  }
}

resource "sagemaker_lambda_step" "notify" {
  name         = "Notify"
  function_arn = "arn:aws:lambda:us-east-1:123456789012:function:churn-notify"
  inputs       = { model = sagemaker_training_step.train.model_artifacts }
}

resource "sagemaker_callback_step" "review" {
  name             = "Review"
  sqs_queue_url    = "https://sqs.us-east-1.amazonaws.com/123456789012/churn-review"
  depends_on_steps = ["Notify"]
  output {
    name = "approved"
  }
}

resource "sagemaker_ml_pipeline" "churn" {
  name     = "churn"
  role_arn = local.pipeline_role

  step_defaults {
    role_arn          = local.job_role
    volume_kms_key_id = "arn:aws:kms:us-east-1:123456789012:key/1111aaaa-22bb-33cc-44dd-555555eeeeee"
    output_kms_key_id = "alias/churn-output"
  }

  steps = [
    sagemaker_processing_step.prepare.json,
    sagemaker_training_step.train.json,
    sagemaker_lambda_step.notify.json,
    sagemaker_callback_step.review.json,
  ]
}

data "sagemaker_ml_pipeline_policy" "churn" {
  definition_parts = sagemaker_ml_pipeline.churn.definition_parts
}

# With the AWS provider, attach it to the pipeline's role and to the role its jobs run as (the
# pipeline's role starts the jobs and passes theirs; the jobs' role reads and writes the data):
#   resource "aws_iam_role_policy" "churn" {
#     for_each = toset(["churn-pipeline", "churn-jobs"])
#     role     = each.key
#     policy   = data.sagemaker_ml_pipeline_policy.churn.json
#   }
output "role_policy" {
  value = data.sagemaker_ml_pipeline_policy.churn.json
}
