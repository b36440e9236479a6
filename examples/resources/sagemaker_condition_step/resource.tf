# Evaluate the model, then register it when its error is low enough and fail the run otherwise.
resource "sagemaker_processing_step" "evaluate" {
  name          = "Evaluate"
  image_uri     = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
  instance_type = "ml.m5.xlarge"
  code          = "s3://my-bucket/code/evaluate.py"

  input {
    source      = "{{ Parameters.ModelData }}"
    destination = "/opt/ml/processing/model"
  }
  output {
    name        = "evaluation"
    source      = "/opt/ml/processing/evaluation"
    destination = "s3://my-bucket/evaluation/{{ Execution.PipelineExecutionId }}"
  }
  property_file {
    name        = "EvaluationReport"
    output_name = "evaluation"
    path        = "evaluation.json"
  }
}

resource "sagemaker_register_model_step" "register" {
  name                     = "RegisterModel"
  model_package_group_name = "AbaloneModels"
  image_uri                = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
  model_data_url           = "{{ Parameters.ModelData }}"
}

resource "sagemaker_fail_step" "too_high" {
  name          = "MseTooHigh"
  error_message = "MSE above the threshold {{ Parameters.MseThreshold }}"
}

resource "sagemaker_condition_step" "check" {
  name = "CheckMse"
  conditions = [
    "{{ Steps.Evaluate.PropertyFiles.EvaluationReport.regression_metrics.mse.value }} <= {{ Parameters.MseThreshold }}",
  ]
  # Branch steps are listed here, not in the pipeline's `steps`.
  if_steps   = [sagemaker_register_model_step.register.json]
  else_steps = [sagemaker_fail_step.too_high.json]
}

resource "sagemaker_ml_pipeline" "example" {
  name     = "condition-step-example"
  role_arn = "arn:aws:iam::123456789012:role/sagemaker-pipeline"

  parameter {
    name    = "ModelData"
    default = "s3://my-bucket/models/model.tar.gz"
  }
  parameter {
    name    = "MseThreshold"
    type    = "Float"
    default = "6.0"
  }

  steps = [
    sagemaker_processing_step.evaluate.json,
    sagemaker_condition_step.check.json,
  ]

  step_defaults {
    role_arn = "arn:aws:iam::123456789012:role/sagemaker-jobs"
  }
}
