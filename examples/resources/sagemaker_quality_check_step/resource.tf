# Compute data-quality statistics of the training data and check them for drift against the
# baseline registered with the latest approved model.
resource "sagemaker_quality_check_step" "data_quality" {
  name                     = "DataQuality"
  check_type               = "DATA_QUALITY"
  baseline_dataset         = "{{ Parameters.TrainData }}"
  dataset_format           = "csv"
  image_uri                = "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer"
  output_s3_uri            = "s3://my-bucket/monitoring/{{ Execution.PipelineExecutionId }}/data-quality"
  model_package_group_name = "ChurnModels"

  # The first run has no baseline to compare with: skip the check and register the result.
  skip_check            = "{{ Parameters.SkipCheck }}"
  register_new_baseline = "{{ Parameters.RegisterNewBaseline }}"
}

resource "sagemaker_ml_pipeline" "example" {
  name     = "quality-check-step-example"
  role_arn = "arn:aws:iam::123456789012:role/sagemaker-pipeline"

  parameter {
    name    = "TrainData"
    default = "s3://my-bucket/churn/train.csv"
  }
  parameter {
    name    = "SkipCheck"
    type    = "Boolean"
    default = "false"
  }
  parameter {
    name    = "RegisterNewBaseline"
    type    = "Boolean"
    default = "false"
  }

  steps = [sagemaker_quality_check_step.data_quality.json]

  step_defaults {
    role_arn = "arn:aws:iam::123456789012:role/sagemaker-jobs"
  }
}
