# Phase B of tests/acceptance_edit_cycle.rs: every optional attribute and every optional block
# (nested ones too) of every resource type set to a valid value. c_changed.tf changes each of
# them; the test checks both files against the schema docs so a new attribute cannot be missed.
terraform {
  required_providers {
    sagemaker = { source = "sagemaker-pipelines/sagemaker" }
  }
}

locals {
  role = "arn:aws:iam::123456789012:role/sagemaker-pipeline"
  kms  = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
}

resource "sagemaker_processing_step" "prep" {
  name                   = "Prep"
  image_uri              = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
  instance_type          = "ml.m5.xlarge"
  role_arn               = local.role
  depends_on_steps       = ["QualityData"]
  code                   = "s3://acme-ml/code/preprocess.py"
  container_entrypoint   = ["python3"]
  container_arguments    = ["--split", "0.2"]
  description            = "Prepare the data"
  display_name           = "Prepare"
  environment            = { STAGE = "b" }
  instance_count         = "1"
  max_runtime_in_seconds = "3600"
  output_kms_key_id      = local.kms
  volume_kms_key_id      = local.kms
  volume_size_in_gb      = "30"
  tags                   = { stage = "b" }
  cache {
    enabled      = true
    expire_after = "PT12H"
  }
  retry {
    exception_types  = ["Step.SERVICE_FAULT"]
    max_attempts     = 3
    interval_seconds = 5
    backoff_rate     = 2
  }
  input {
    name                      = "raw"
    source                    = "s3://acme-ml/raw"
    destination               = "/opt/ml/processing/input"
    s3_data_distribution_type = "FullyReplicated"
    s3_data_type              = "S3Prefix"
    s3_input_mode             = "File"
  }
  output {
    name           = "train"
    source         = "/opt/ml/processing/train"
    destination    = "s3://acme-ml/train"
    s3_upload_mode = "EndOfJob"
  }
  property_file {
    name        = "Report"
    output_name = "train"
    path        = "report.json"
  }
  network {
    enable_network_isolation = true
    vpc_config {
      security_group_ids = ["sg-0123456789abcdef0"]
      subnets            = ["subnet-0123456789abcdef0"]
    }
  }
}

# Only in phases B and C: a job step that sets nothing step_defaults can fill, to see the
# defaults in the deployed definition (and a resource added in B and removed in D).
resource "sagemaker_processing_step" "defaulted" {
  name          = "Defaulted"
  image_uri     = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
  instance_type = "ml.m5.xlarge"
}

resource "sagemaker_training_step" "train" {
  name                     = "Train"
  image_uri                = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
  instance_type            = "ml.m5.xlarge"
  output_path              = "s3://acme-ml/models"
  role_arn                 = local.role
  checkpoint_local_path    = "/opt/ml/checkpoints"
  checkpoint_s3_uri        = "s3://acme-ml/checkpoints"
  depends_on_steps         = ["Prep"]
  description              = "Train the model"
  display_name             = "Training"
  environment              = { STAGE = "b" }
  hyperparameters          = { num_round = "50" }
  input_mode               = "File"
  instance_count           = "1"
  max_runtime_in_seconds   = "3600"
  max_wait_time_in_seconds = "7200"
  output_kms_key_id        = local.kms
  volume_kms_key_id        = local.kms
  volume_size_in_gb        = "30"
  use_spot_instances       = true
  tags                     = { stage = "b" }
  cache {
    enabled      = true
    expire_after = "P1D"
  }
  retry {
    exception_types  = ["SageMaker.CAPACITY_ERROR"]
    max_attempts     = 2
    interval_seconds = 10
    backoff_rate     = 2
  }
  input {
    channel                   = "train"
    s3_uri                    = "s3://acme-ml/train"
    compression_type          = "None"
    content_type              = "text/csv"
    input_mode                = "File"
    s3_data_distribution_type = "FullyReplicated"
    s3_data_type              = "S3Prefix"
  }
  metric_definition {
    name  = "validation:rmse"
    regex = "rmse=([0-9.]+)"
  }
  network {
    enable_network_isolation = true
    vpc_config {
      security_group_ids = ["sg-0123456789abcdef0"]
      subnets            = ["subnet-0123456789abcdef0"]
    }
  }
  # The SDK 2.x estimator's Debugger and Profiler settings, written out.
  debug_hook_config {
    s3_output_path  = "s3://acme-ml/debug"
    local_path      = "/opt/ml/output/tensors"
    hook_parameters = { save_interval = "100" }
    collection {
      name       = "losses"
      parameters = { save_interval = "10" }
    }
  }
  profiler_config {
    s3_output_path                     = "s3://acme-ml/profile"
    disable_profiler                   = false
    profiling_interval_in_milliseconds = "500"
    profiling_parameters               = { DataloaderProfilingConfig = "{\"StartStep\": 5}" }
  }
}

resource "sagemaker_tuning_step" "tune" {
  name                        = "Tune"
  image_uri                   = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
  instance_type               = "ml.m5.xlarge"
  output_path                 = "s3://acme-ml/tuning"
  role_arn                    = local.role
  depends_on_steps            = ["Prep"]
  description                 = "Tune the model"
  display_name                = "Tuning"
  early_stopping_type         = "Off"
  input_mode                  = "File"
  instance_count              = "1"
  max_number_of_training_jobs = "10"
  max_parallel_training_jobs  = "2"
  max_runtime_in_seconds      = "3600"
  output_kms_key_id           = local.kms
  volume_kms_key_id           = local.kms
  volume_size_in_gb           = "30"
  static_hyperparameters      = { objective = "binary:logistic" }
  strategy                    = "Bayesian"
  tags                        = { stage = "b" }
  cache {
    enabled      = true
    expire_after = "P1D"
  }
  retry {
    exception_types = ["Step.THROTTLING"]
    max_attempts    = 2
  }
  input {
    channel                   = "train"
    s3_uri                    = "s3://acme-ml/train"
    compression_type          = "None"
    content_type              = "text/csv"
    input_mode                = "File"
    s3_data_distribution_type = "FullyReplicated"
    s3_data_type              = "S3Prefix"
  }
  metric_definition {
    name  = "validation:auc"
    regex = "auc=([0-9.]+)"
  }
  objective {
    type        = "Maximize"
    metric_name = "validation:auc"
  }
  continuous_parameter_range {
    name         = "eta"
    min_value    = "0.1"
    max_value    = "0.5"
    scaling_type = "Linear"
  }
  integer_parameter_range {
    name         = "max_depth"
    min_value    = "3"
    max_value    = "6"
    scaling_type = "Linear"
  }
  categorical_parameter_range {
    name   = "booster"
    values = ["gbtree", "dart"]
  }
  network {
    enable_network_isolation = true
    vpc_config {
      security_group_ids = ["sg-0123456789abcdef0"]
      subnets            = ["subnet-0123456789abcdef0"]
    }
  }
}

resource "sagemaker_model_step" "model" {
  name             = "CreateModel"
  image_uri        = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
  role_arn         = local.role
  depends_on_steps = ["Train"]
  description      = "Create the model"
  display_name     = "Model"
  environment      = { STAGE = "b" }
  model_data_url   = sagemaker_training_step.train.model_artifacts
  tags             = { stage = "b" }
  retry {
    exception_types = ["Step.SERVICE_FAULT"]
    max_attempts    = 2
  }
  network {
    enable_network_isolation = true
    vpc_config {
      security_group_ids = ["sg-0123456789abcdef0"]
      subnets            = ["subnet-0123456789abcdef0"]
    }
  }
}

resource "sagemaker_transform_step" "score" {
  name                      = "Score"
  model_name                = sagemaker_model_step.model.model_name
  instance_type             = "ml.m5.large"
  output_path               = "s3://acme-ml/scores"
  accept                    = "text/csv"
  assemble_with             = "Line"
  batch_strategy            = "MultiRecord"
  depends_on_steps          = ["CreateModel"]
  description               = "Score the batch"
  display_name              = "Scoring"
  environment               = { STAGE = "b" }
  instance_count            = "1"
  max_concurrent_transforms = "2"
  max_payload_in_mb         = "6"
  output_kms_key_id         = local.kms
  volume_kms_key_id         = local.kms
  tags                      = { stage = "b" }
  cache {
    enabled      = true
    expire_after = "P1D"
  }
  retry {
    exception_types = ["Step.SERVICE_FAULT"]
    max_attempts    = 2
  }
  input {
    s3_uri           = "s3://acme-ml/batch"
    compression_type = "None"
    content_type     = "text/csv"
    data_type        = "S3Prefix"
    split_type       = "Line"
  }
  data_processing {
    input_filter  = "$[1:]"
    output_filter = "$[0,-1]"
    join_source   = "Input"
  }
}

resource "sagemaker_register_model_step" "register" {
  name                      = "Register"
  image_uri                 = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
  model_package_group_name  = "ChurnModels"
  depends_on_steps          = ["Train"]
  approval_status           = "PendingManualApproval"
  content_types             = ["text/csv"]
  response_types            = ["text/csv"]
  customer_metadata         = { owner = "b" }
  description               = "Register the model"
  display_name              = "Registration"
  environment               = { STAGE = "b" }
  inference_instances       = ["ml.m5.large"]
  transform_instances       = ["ml.m5.large"]
  model_data_url            = "s3://acme-ml/models/model.tar.gz"
  model_package_description = "Churn model"
  domain                    = "MACHINE_LEARNING"
  task                      = "CLASSIFICATION"
  sample_payload_url        = "s3://acme-ml/payloads/b.tar.gz"
  skip_model_validation     = "None"
  tags                      = { stage = "b" }
  retry {
    exception_types = ["Step.SERVICE_FAULT"]
    max_attempts    = 2
  }
  model_metrics {
    model_quality {
      statistics {
        content_type   = "application/json"
        s3_uri         = "s3://acme-ml/metrics/model-statistics.json"
        content_digest = "sha256:aaaa"
      }
      constraints {
        content_type   = "application/json"
        s3_uri         = "s3://acme-ml/metrics/model-constraints.json"
        content_digest = "sha256:aaab"
      }
    }
    model_data_quality {
      statistics {
        content_type   = "application/json"
        s3_uri         = "s3://acme-ml/metrics/data-statistics.json"
        content_digest = "sha256:aaac"
      }
      constraints {
        content_type   = "application/json"
        s3_uri         = "s3://acme-ml/metrics/data-constraints.json"
        content_digest = "sha256:aaad"
      }
    }
    bias {
      report {
        content_type   = "application/json"
        s3_uri         = "s3://acme-ml/metrics/bias.json"
        content_digest = "sha256:aaae"
      }
      pre_training_report {
        content_type   = "application/json"
        s3_uri         = "s3://acme-ml/metrics/bias-pre.json"
        content_digest = "sha256:aaaf"
      }
      post_training_report {
        content_type   = "application/json"
        s3_uri         = "s3://acme-ml/metrics/bias-post.json"
        content_digest = "sha256:aaa0"
      }
    }
    explainability {
      report {
        content_type   = "application/json"
        s3_uri         = "s3://acme-ml/metrics/explainability.json"
        content_digest = "sha256:aaa1"
      }
    }
  }
  drift_check_baselines {
    model_quality {
      statistics {
        content_type   = "application/json"
        s3_uri         = "s3://acme-ml/drift/model-statistics.json"
        content_digest = "sha256:dda0"
      }
      constraints {
        content_type   = "application/json"
        s3_uri         = "s3://acme-ml/drift/model-constraints.json"
        content_digest = "sha256:dda1"
      }
    }
    model_data_quality {
      statistics {
        content_type   = "application/json"
        s3_uri         = "s3://acme-ml/drift/data-statistics.json"
        content_digest = "sha256:dda2"
      }
      constraints {
        content_type   = "application/json"
        s3_uri         = "s3://acme-ml/drift/data-constraints.json"
        content_digest = "sha256:dda3"
      }
    }
    bias {
      config_file {
        content_type   = "application/json"
        s3_uri         = "s3://acme-ml/drift/bias-config.json"
        content_digest = "sha256:dda4"
      }
      pre_training_constraints {
        content_type   = "application/json"
        s3_uri         = "s3://acme-ml/drift/bias-pre.json"
        content_digest = "sha256:dda5"
      }
      post_training_constraints {
        content_type   = "application/json"
        s3_uri         = "s3://acme-ml/drift/bias-post.json"
        content_digest = "sha256:dda6"
      }
    }
    explainability {
      constraints {
        content_type   = "application/json"
        s3_uri         = "s3://acme-ml/drift/explainability.json"
        content_digest = "sha256:dda7"
      }
      config_file {
        content_type   = "application/json"
        s3_uri         = "s3://acme-ml/drift/explainability-config.json"
        content_digest = "sha256:dda8"
      }
    }
  }
}

resource "sagemaker_fail_step" "stop" {
  name             = "Stop"
  depends_on_steps = ["Score"]
  description      = "Stop the run"
  display_name     = "Stopped"
  error_message    = "metric too low"
}

resource "sagemaker_condition_step" "check" {
  name             = "Check"
  conditions       = ["{{ Steps.Prep.PropertyFiles.Report.metrics.auc.value }} >= 0.5"]
  depends_on_steps = ["Score"]
  description      = "Good enough?"
  display_name     = "Quality gate"
  if_steps         = [sagemaker_register_model_step.register.json]
  else_steps       = [sagemaker_fail_step.stop.json]
}

resource "sagemaker_lambda_step" "notify" {
  name             = "Notify"
  function_arn     = "arn:aws:lambda:us-east-1:123456789012:function:notify"
  depends_on_steps = ["Check"]
  description      = "Tell the team"
  display_name     = "Notification"
  inputs           = { channel = "ml-b" }
  cache {
    enabled      = true
    expire_after = "PT1H"
  }
  output {
    name = "ticket"
    type = "String"
  }
}

resource "sagemaker_callback_step" "review" {
  name             = "Review"
  sqs_queue_url    = "https://sqs.us-east-1.amazonaws.com/123456789012/review-queue"
  depends_on_steps = ["Notify"]
  description      = "Human review"
  display_name     = "Review"
  inputs           = { ticket = "{{ Steps.Notify.OutputParameters['ticket'] }}" }
  cache {
    enabled      = true
    expire_after = "PT1H"
  }
  output {
    name = "approved"
    type = "Boolean"
  }
}

resource "sagemaker_emr_step" "spark" {
  name               = "Spark"
  cluster_id         = "j-1ABCDEFGHIJKL"
  execution_role_arn = "arn:aws:iam::123456789012:role/emr-runtime"
  depends_on_steps   = ["Prep"]
  description        = "Spark ETL"
  display_name       = "Spark"
  cache {
    enabled      = true
    expire_after = "PT1H"
  }
  retry {
    exception_types = ["Step.SERVICE_FAULT"]
    max_attempts    = 2
  }
  step_config {
    jar        = "command-runner.jar"
    args       = ["spark-submit", "s3://acme-ml/jobs/etl.py"]
    main_class = "com.example.Etl"
    properties = { "mapreduce.job.reduces" = "4" }
  }
}

resource "sagemaker_quality_check_step" "quality_model" {
  name                            = "QualityModel"
  check_type                      = "MODEL_QUALITY"
  problem_type                    = "BinaryClassification"
  baseline_dataset                = "s3://acme-ml/quality/predictions.csv"
  dataset_format                  = "csv"
  image_uri                       = "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer"
  output_s3_uri                   = "s3://acme-ml/quality/model"
  role_arn                        = local.role
  csv_header                      = true
  csv_output_columns_position     = "START"
  depends_on_steps                = ["Score"]
  description                     = "Model quality"
  display_name                    = "Model quality"
  fail_on_violation               = "true"
  ground_truth_attribute          = "label"
  inference_attribute             = "prediction"
  probability_attribute           = "0"
  probability_threshold_attribute = "0.5"
  instance_count                  = "1"
  instance_type                   = "ml.m5.xlarge"
  max_runtime_in_seconds          = "1800"
  model_package_group_name        = "ChurnModels"
  output_kms_key_id               = local.kms
  volume_kms_key_id               = local.kms
  volume_size_in_gb               = "30"
  post_analytics_processor_script = "s3://acme-ml/monitoring/postprocessor.py"
  register_new_baseline           = "false"
  skip_check                      = "false"
  supplied_baseline_constraints   = "s3://acme-ml/baseline/constraints.json"
  supplied_baseline_statistics    = "s3://acme-ml/baseline/statistics.json"
  cache {
    enabled      = true
    expire_after = "PT1H"
  }
  network {
    enable_network_isolation = true
    vpc_config {
      security_group_ids = ["sg-0123456789abcdef0"]
      subnets            = ["subnet-0123456789abcdef0"]
    }
  }
}

resource "sagemaker_quality_check_step" "quality_data" {
  name                       = "QualityData"
  check_type                 = "DATA_QUALITY"
  baseline_dataset           = "s3://acme-ml/quality/train.json"
  dataset_format             = "json"
  json_lines                 = true
  image_uri                  = "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer"
  output_s3_uri              = "s3://acme-ml/quality/data"
  role_arn                   = local.role
  record_preprocessor_script = "s3://acme-ml/monitoring/preprocessor.py"
}

resource "sagemaker_clarify_check_step" "bias" {
  name                                 = "Bias"
  check_type                           = "MODEL_BIAS"
  model_name                           = sagemaker_model_step.model.model_name
  analysis_config_s3_uri               = "s3://acme-ml/clarify/analysis_config.json"
  data_input_s3_uri                    = "s3://acme-ml/clarify/train.csv"
  data_input_s3_data_distribution_type = "FullyReplicated"
  image_uri                            = "205585389593.dkr.ecr.us-east-1.amazonaws.com/sagemaker-clarify-processing:1.0"
  output_s3_uri                        = "s3://acme-ml/clarify/out"
  role_arn                             = local.role
  depends_on_steps                     = ["CreateModel"]
  description                          = "Bias check"
  display_name                         = "Bias"
  fail_on_violation                    = "true"
  instance_count                       = "1"
  instance_type                        = "ml.m5.xlarge"
  max_runtime_in_seconds               = "1800"
  model_package_group_name             = "ChurnModels"
  output_kms_key_id                    = local.kms
  volume_kms_key_id                    = local.kms
  volume_size_in_gb                    = "30"
  register_new_baseline                = "false"
  skip_check                           = "false"
  supplied_baseline_constraints        = "s3://acme-ml/baseline/bias-constraints.json"
  cache {
    enabled      = true
    expire_after = "PT1H"
  }
  network {
    enable_network_isolation = true
    vpc_config {
      security_group_ids = ["sg-0123456789abcdef0"]
      subnets            = ["subnet-0123456789abcdef0"]
    }
  }
}

resource "sagemaker_step" "custom" {
  name             = "Custom"
  type             = "EMRServerless"
  arguments        = jsonencode({ ApplicationId = "00f1abcdexample", JobRole = "arn:aws:iam::123456789012:role/emr-serverless" })
  extra            = jsonencode({ Note = "b" })
  depends_on_steps = ["Spark"]
  description      = "Custom step"
  display_name     = "Custom"
  cache {
    enabled      = true
    expire_after = "PT1H"
  }
  retry {
    exception_types = ["Step.SERVICE_FAULT"]
    max_attempts    = 2
  }
}

resource "sagemaker_automl_step" "automl" {
  name                                      = "AutoML"
  role_arn                                  = local.role
  target_attribute_name                     = "churn"
  sample_weight_attribute_name              = "weight"
  output_path                               = "s3://acme-ml/automl"
  output_kms_key_id                         = "arn:aws:kms:us-east-1:123456789012:key/automl-out"
  volume_kms_key_id                         = "arn:aws:kms:us-east-1:123456789012:key/automl-vol"
  enable_inter_container_traffic_encryption = true
  problem_type                              = "BinaryClassification"
  objective_metric                          = "F1"
  max_candidates                            = "10"
  max_runtime_per_training_job_in_seconds   = "600"
  max_automl_job_runtime_in_seconds         = "3600"
  feature_specification_s3_uri              = "s3://acme-ml/automl/features.json"
  validation_fraction                       = "0.2"
  tags                                      = { team = "ml" }
  depends_on_steps                          = ["Prep"]
  description                               = "Autopilot"
  display_name                              = "AutoML"
  cache {
    enabled      = true
    expire_after = "P1D"
  }
  retry {
    exception_types = ["SageMaker.CAPACITY_ERROR"]
    max_attempts    = 2
  }
  input {
    s3_uri           = "s3://acme-ml/automl/train.csv"
    channel_type     = "training"
    content_type     = "text/csv;header=present"
    compression_type = "None"
    s3_data_type     = "S3Prefix"
  }
  vpc_config {
    subnets            = ["subnet-0a1b2c3d"]
    security_group_ids = ["sg-0a1b2c3d"]
  }
}

resource "sagemaker_emr_serverless_step" "serverless" {
  name               = "Serverless"
  application_id     = "00f1abcdefgh2345"
  execution_role_arn = "arn:aws:iam::123456789012:role/emr-serverless"
  configuration_overrides = jsonencode({
    monitoringConfiguration = { s3MonitoringConfiguration = { logUri = "s3://acme-ml/emr/logs" } }
  })
  execution_timeout_minutes = "60"
  job_run_name              = "etl"
  tags                      = { team = "ml" }
  depends_on_steps          = ["Prep"]
  description               = "Spark on EMR Serverless"
  display_name              = "Serverless"
  cache {
    enabled      = true
    expire_after = "PT1H"
  }
  retry {
    exception_types = ["Step.SERVICE_FAULT"]
    max_attempts    = 2
  }
  spark_submit {
    entry_point             = "s3://acme-ml/jobs/etl.py"
    entry_point_arguments   = ["--mode", "full"]
    spark_submit_parameters = "--conf spark.executor.cores=4"
  }
}

resource "sagemaker_ml_pipeline" "p" {
  name         = "edit-cycle"
  role_arn     = local.role
  description  = "Edit cycle, phase B"
  display_name = "edit-cycle-b"
  dependencies = ["Prep >> Spark"]
  tags         = { stage = "b" }
  parameter {
    name        = "InputData"
    type        = "String"
    default     = "s3://acme-ml/input"
    enum_values = ["s3://acme-ml/input", "s3://acme-ml/other"]
  }
  parameter {
    name    = "Epochs"
    type    = "Integer"
    default = "3"
  }
  steps = [
    sagemaker_processing_step.prep.json,
    sagemaker_processing_step.defaulted.json,
    sagemaker_training_step.train.json,
    sagemaker_tuning_step.tune.json,
    sagemaker_model_step.model.json,
    sagemaker_transform_step.score.json,
    sagemaker_condition_step.check.json,
    sagemaker_lambda_step.notify.json,
    sagemaker_callback_step.review.json,
    sagemaker_emr_step.spark.json,
    sagemaker_automl_step.automl.json,
    sagemaker_emr_serverless_step.serverless.json,
    sagemaker_quality_check_step.quality_model.json,
    sagemaker_quality_check_step.quality_data.json,
    sagemaker_clarify_check_step.bias.json,
    sagemaker_step.custom.json,
  ]
  step_defaults {
    role_arn          = local.role
    output_kms_key_id = local.kms
    volume_kms_key_id = local.kms
    tags              = { cost = "b" }
    network {
      enable_network_isolation = true
      vpc_config {
        security_group_ids = ["sg-0123456789abcdef0"]
        subnets            = ["subnet-0123456789abcdef0"]
      }
    }
  }
  experiment_config {
    experiment_name = "churn"
    trial_name      = "{{ Execution.PipelineExecutionId }}"
  }
  parallelism_config {
    max_parallel_execution_steps = 4
  }
}
