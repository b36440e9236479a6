# Fidelity case lambda_callback (tests/fidelity/README.md): Preprocess -> Notify -> HumanReview,
# the same pipeline as tests/fidelity/sdk/lambda_callback.py builds with the SageMaker SDK.
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

resource "sagemaker_processing_step" "preprocess" {
  name           = "Preprocess"
  image_uri      = local.sklearn
  instance_type  = "ml.m5.xlarge"
  instance_count = "1"
  code           = "s3://${local.bucket}/code/preprocess.py"

  input {
    name        = "raw"
    source      = "s3://${local.bucket}/abalone/abalone.csv"
    destination = "/opt/ml/processing/input"
  }
  output {
    name        = "train"
    source      = "/opt/ml/processing/train"
    destination = "s3://${local.bucket}/fidelity/preprocess/train"
  }
}

resource "sagemaker_lambda_step" "notify" {
  name         = "Notify"
  function_arn = "arn:aws:lambda:us-east-1:123456789012:function:notify"
  inputs = {
    output_uri = sagemaker_processing_step.preprocess.outputs["train"]
    run        = "{{ Execution.PipelineName }}-{{ Execution.PipelineExecutionId }}"
    mode       = "batch"
  }
  output {
    name = "ticket"
    type = "String"
  }
  output {
    name = "priority"
    type = "Integer"
  }
}

resource "sagemaker_callback_step" "human_review" {
  name          = "HumanReview"
  sqs_queue_url = "https://sqs.us-east-1.amazonaws.com/123456789012/review-queue"
  inputs = {
    ticket   = sagemaker_lambda_step.notify.outputs["ticket"]
    priority = sagemaker_lambda_step.notify.outputs["priority"]
  }
  output {
    name = "approved"
    type = "Boolean"
  }
  output {
    name = "score"
    type = "Float"
  }
  depends_on_steps = ["Preprocess", "Notify"]
}

resource "sagemaker_ml_pipeline" "this" {
  name     = "fidelity-lambda-callback"
  role_arn = local.role

  steps = [
    sagemaker_processing_step.preprocess.json,
    sagemaker_lambda_step.notify.json,
    sagemaker_callback_step.human_review.json,
  ]

  step_defaults {
    role_arn = local.role
  }
}

output "definition_sha256" {
  value = sagemaker_ml_pipeline.this.definition_sha256
}
