# Call a Lambda function with the run's input location, and read back what it returns.
resource "sagemaker_lambda_step" "lookup" {
  name         = "LookupDataset"
  function_arn = "arn:aws:lambda:us-east-1:123456789012:function:lookup-dataset"
  inputs = {
    input_uri = "{{ Parameters.InputData }}"
    run_id    = "{{ Execution.PipelineExecutionId }}"
  }

  # Keys of the function's response; later steps read them as outputs["<name>"].
  output {
    name = "row_count"
    type = "Integer"
  }
  output {
    name = "dataset_uri"
  }
}

resource "sagemaker_fail_step" "empty" {
  name          = "EmptyDataset"
  error_message = "The dataset at {{ Parameters.InputData }} has no rows"
}

resource "sagemaker_condition_step" "has_rows" {
  name       = "HasRows"
  conditions = ["${sagemaker_lambda_step.lookup.outputs["row_count"]} > 0"]
  else_steps = [sagemaker_fail_step.empty.json]
}

resource "sagemaker_ml_pipeline" "example" {
  name     = "lambda-step-example"
  role_arn = "arn:aws:iam::123456789012:role/sagemaker-pipeline"

  parameter {
    name    = "InputData"
    default = "s3://my-bucket/input"
  }

  steps = [
    sagemaker_lambda_step.lookup.json,
    sagemaker_condition_step.has_rows.json,
  ]
}
