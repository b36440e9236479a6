# Start a run of a pipeline with parameter values, and a new run whenever the pipeline's
# definition changes. Values are checked against the parameters' declared types at plan time.
resource "sagemaker_processing_step" "score" {
  name          = "Score"
  image_uri     = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
  instance_type = "ml.m5.xlarge"
  code          = "s3://my-bucket/code/score.py"

  input {
    source      = "{{ Parameters.InputData }}"
    destination = "/opt/ml/processing/input"
  }
  output {
    name        = "scores"
    source      = "/opt/ml/processing/scores"
    destination = "s3://my-bucket/scores/{{ Execution.PipelineExecutionId }}"
  }
}

resource "sagemaker_ml_pipeline" "nightly" {
  name     = "nightly-scoring"
  role_arn = "arn:aws:iam::123456789012:role/sagemaker-pipeline"

  parameter {
    name    = "InputData"
    default = "s3://my-bucket/input"
  }
  parameter {
    name    = "Epochs"
    type    = "Integer"
    default = "3"
  }

  steps = [sagemaker_processing_step.score.json]

  step_defaults {
    role_arn = "arn:aws:iam::123456789012:role/sagemaker-jobs"
  }
}

resource "sagemaker_ml_pipeline_execution" "nightly" {
  pipeline_name = sagemaker_ml_pipeline.nightly.name
  display_name  = "nightly"
  parameters = {
    InputData = "s3://my-bucket/2026-12-01"
    Epochs    = "5"
  }

  # A changed definition starts a new run.
  triggers = { definition = sagemaker_ml_pipeline.nightly.definition_sha256 }

  # Wait for the run to end; a failed run is an error naming the failed step.
  wait_for_completion = true
  wait_timeout        = "2h"
}
