# Measure bias in the training data with SageMaker Clarify; the analysis configuration (label,
# facets, methods) is a JSON file in S3.
resource "sagemaker_clarify_check_step" "data_bias" {
  name                     = "DataBias"
  check_type               = "DATA_BIAS"
  analysis_config_s3_uri   = "s3://my-bucket/clarify/analysis_config.json"
  data_input_s3_uri        = "s3://my-bucket/churn/train.csv"
  image_uri                = "205585389593.dkr.ecr.us-east-1.amazonaws.com/sagemaker-clarify-processing:1.0"
  output_s3_uri            = "s3://my-bucket/clarify/{{ Execution.PipelineExecutionId }}"
  model_package_group_name = "ChurnModels"
  skip_check               = "true"
  register_new_baseline    = "true"
}

resource "sagemaker_ml_pipeline" "example" {
  name     = "clarify-check-step-example"
  role_arn = "arn:aws:iam::123456789012:role/sagemaker-pipeline"

  steps = [sagemaker_clarify_check_step.data_bias.json]

  step_defaults {
    role_arn = "arn:aws:iam::123456789012:role/sagemaker-jobs"
  }
}
