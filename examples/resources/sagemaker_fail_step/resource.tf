# Stop a run early, with status Failed and a message, when it is started with a mode the
# pipeline does not know.
resource "sagemaker_fail_step" "unknown_mode" {
  name          = "UnknownMode"
  error_message = "Unknown mode {{ Parameters.Mode }}: use full or quick"
}

resource "sagemaker_condition_step" "check_mode" {
  name       = "CheckMode"
  conditions = ["{{ Parameters.Mode }} in [\"full\", \"quick\"]"]
  else_steps = [sagemaker_fail_step.unknown_mode.json]
}

resource "sagemaker_ml_pipeline" "example" {
  name     = "fail-step-example"
  role_arn = "arn:aws:iam::123456789012:role/sagemaker-pipeline"

  parameter {
    name    = "Mode"
    default = "full"
  }

  steps = [sagemaker_condition_step.check_mode.json]
}
