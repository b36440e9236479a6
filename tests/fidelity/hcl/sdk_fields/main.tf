# Fidelity case sdk_fields: the fields issue 7 point 5 added (debugger/profiler, quality check
# exports, drift check baselines, the tuning step's best model, transform data processing), the
# same pipeline as tests/fidelity/sdk/sdk_fields.py builds with the SageMaker SDK.
terraform {
  required_providers {
    sagemaker = { source = "sagemaker-pipelines/sagemaker" }
  }
}

locals {
  role    = "arn:aws:iam::123456789012:role/sagemaker-pipeline"
  bucket  = "sagemaker-us-east-1-123456789012"
  xgboost = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
}

resource "sagemaker_training_step" "train" {
  name          = "Train"
  image_uri     = local.xgboost
  instance_type = "ml.m5.xlarge"
  output_path   = "s3://${local.bucket}/models"
  hyperparameters = {
    objective = "reg:squarederror"
    num_round = "50"
  }
  input {
    channel      = "train"
    s3_uri       = "s3://${local.bucket}/abalone/train"
    content_type = "text/csv"
  }
  debug_hook_config {
    s3_output_path  = "s3://${local.bucket}/debug"
    local_path      = "/opt/ml/output/tensors"
    hook_parameters = { save_interval = "100" }
    collection {
      name       = "losses"
      parameters = { save_interval = "10" }
    }
  }
  profiler_config {
    profiling_interval_in_milliseconds = "500"
  }
}

resource "sagemaker_training_step" "quiet" {
  name          = "TrainQuiet"
  image_uri     = local.xgboost
  instance_type = "ml.m5.xlarge"
  output_path   = "s3://${local.bucket}/models"
  input {
    channel      = "train"
    s3_uri       = "s3://${local.bucket}/abalone/train"
    content_type = "text/csv"
  }
  profiler_config {
    disable_profiler = true
  }
}

resource "sagemaker_quality_check_step" "data" {
  name                     = "DataQuality"
  check_type               = "DATA_QUALITY"
  baseline_dataset         = "s3://${local.bucket}/abalone/train"
  dataset_format           = "csv"
  csv_header               = false
  output_s3_uri            = "s3://${local.bucket}/monitor/data-quality"
  image_uri                = "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer"
  instance_type            = "ml.m5.xlarge"
  model_package_group_name = "fidelity-models"
  skip_check               = "true"
  register_new_baseline    = "true"
}

resource "sagemaker_tuning_step" "tune" {
  name                       = "Tune"
  image_uri                  = local.xgboost
  instance_type              = "ml.m5.xlarge"
  output_path                = "s3://${local.bucket}/tuning"
  static_hyperparameters     = { objective = "reg:squarederror" }
  max_number_of_training_jobs = "4"
  max_parallel_training_jobs = "2"
  input {
    channel      = "train"
    s3_uri       = "s3://${local.bucket}/abalone/train"
    content_type = "text/csv"
  }
  objective {
    type        = "Minimize"
    metric_name = "validation:rmse"
  }
  continuous_parameter_range {
    name      = "eta"
    min_value = "0.1"
    max_value = "0.5"
  }
  integer_parameter_range {
    name      = "max_depth"
    min_value = "3"
    max_value = "10"
  }
}

resource "sagemaker_model_step" "best" {
  name           = "BestModel-CreateModel"
  image_uri      = local.xgboost
  model_data_url = sagemaker_tuning_step.tune.best_model_artifacts
}

resource "sagemaker_transform_step" "batch" {
  name          = "BatchScore"
  model_name    = sagemaker_model_step.best.model_name
  instance_type = "ml.m5.xlarge"
  output_path   = "s3://${local.bucket}/scores"
  accept        = "text/csv"
  assemble_with = "Line"
  input {
    s3_uri       = "s3://${local.bucket}/batch/input.csv"
    content_type = "text/csv"
    split_type   = "Line"
  }
  data_processing {
    input_filter  = "$[1:]"
    output_filter = "$[0,-1]"
    join_source   = "Input"
  }
}

resource "sagemaker_register_model_step" "register" {
  name                     = "Register-RegisterModel"
  model_package_group_name = "fidelity-models"
  image_uri                = local.xgboost
  model_data_url           = sagemaker_training_step.train.model_artifacts
  content_types            = ["text/csv"]
  response_types           = ["text/csv"]
  inference_instances      = ["ml.m5.large"]
  transform_instances      = ["ml.m5.large"]

  drift_check_baselines {
    model_data_quality {
      statistics {
        content_type = "application/json"
        s3_uri       = sagemaker_quality_check_step.data.baseline_used_for_drift_check_statistics
      }
      constraints {
        content_type = "application/json"
        s3_uri       = sagemaker_quality_check_step.data.baseline_used_for_drift_check_constraints
      }
    }
    bias {
      config_file {
        s3_uri       = "s3://${local.bucket}/clarify/analysis_config.json"
        content_type = "application/json"
      }
    }
    explainability {
      config_file {
        s3_uri = "s3://${local.bucket}/clarify/explain/analysis_config.json"
      }
    }
  }
}

resource "sagemaker_ml_pipeline" "this" {
  name     = "fidelity-sdk-fields"
  role_arn = local.role

  steps = [
    sagemaker_training_step.train.json,
    sagemaker_training_step.quiet.json,
    sagemaker_quality_check_step.data.json,
    sagemaker_tuning_step.tune.json,
    sagemaker_model_step.best.json,
    sagemaker_transform_step.batch.json,
    sagemaker_register_model_step.register.json,
  ]

  step_defaults {
    role_arn = local.role
  }
}

output "definition_sha256" {
  value = sagemaker_ml_pipeline.this.definition_sha256
}
