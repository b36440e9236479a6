# Split raw data into train and test sets with a scikit-learn script, and write a report other
# steps can read values from.
resource "sagemaker_processing_step" "prepare" {
  name           = "Prepare"
  image_uri      = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
  instance_type  = "ml.m5.xlarge"
  instance_count = "{{ Parameters.InstanceCount }}"
  code           = "s3://my-bucket/code/prepare.py"
  container_arguments = [
    "--test-fraction", "0.2",
  ]
  environment = { LOG_LEVEL = "INFO" }

  input {
    source      = "{{ Parameters.InputData }}"
    destination = "/opt/ml/processing/input"
  }
  output {
    name        = "train"
    source      = "/opt/ml/processing/train"
    destination = "s3://my-bucket/{{ Execution.PipelineExecutionId }}/train"
  }
  output {
    name        = "test"
    source      = "/opt/ml/processing/test"
    destination = "s3://my-bucket/{{ Execution.PipelineExecutionId }}/test"
  }
  output {
    name        = "report"
    source      = "/opt/ml/processing/report"
    destination = "s3://my-bucket/{{ Execution.PipelineExecutionId }}/report"
  }
  # Read as {{ Steps.Prepare.PropertyFiles.DataReport.rows }}.
  property_file {
    name        = "DataReport"
    output_name = "report"
    path        = "report.json"
  }

  cache {
    enabled      = true
    expire_after = "P30D"
  }
}

resource "sagemaker_ml_pipeline" "example" {
  name     = "processing-step-example"
  role_arn = "arn:aws:iam::123456789012:role/sagemaker-pipeline"

  parameter {
    name    = "InputData"
    default = "s3://my-bucket/raw"
  }
  parameter {
    name    = "InstanceCount"
    type    = "Integer"
    default = "1"
  }

  steps = [sagemaker_processing_step.prepare.json]

  step_defaults {
    role_arn = "arn:aws:iam::123456789012:role/sagemaker-jobs"
  }
}
