# Phase C of tests/acceptance_edit_cycle.rs: every value of b_full.tf changed, repeatable blocks
# added, and the either/or attributes switched (EMR cluster_id -> cluster_config, retry
# max_attempts -> expire_after_minutes), and some nested blocks and attributes removed inside
# blocks that stay (marked where they are).
terraform {
  required_providers {
    sagemaker = { source = "sagemaker-pipelines/sagemaker" }
  }
}

locals {
  role  = "arn:aws:iam::123456789012:role/sagemaker-pipeline"
  role2 = "arn:aws:iam::123456789012:role/sagemaker-jobs"
  kms2  = "arn:aws:kms:us-east-1:123456789012:key/5678efgh-56ef-78ab-90cd-567890abcdef"
}

resource "sagemaker_processing_step" "prep" {
  name                   = "Prep"
  image_uri              = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
  instance_type          = "ml.m5.xlarge"
  role_arn               = local.role2
  depends_on_steps       = []
  code                   = "s3://acme-ml/code/prepare.py"
  container_entrypoint   = ["python3", "-u"]
  container_arguments    = ["--split", "0.3", "--seed", "7"]
  description            = "Prepare the data (changed)"
  display_name           = "Prepare-c"
  environment            = { STAGE = "c", EXTRA = "1" }
  instance_count         = "2"
  max_runtime_in_seconds = "7200"
  output_kms_key_id      = local.kms2
  volume_kms_key_id      = local.kms2
  volume_size_in_gb      = "60"
  tags                   = { stage = "c", team = "ml" }
  cache {
    enabled      = false
    expire_after = "P2D"
  }
  retry {
    exception_types      = ["Step.SERVICE_FAULT", "Step.THROTTLING"]
    expire_after_minutes = 60
    interval_seconds     = 3
    backoff_rate         = 1.5
  }
  retry {
    exception_types = ["SageMaker.RESOURCE_LIMIT"]
    max_attempts    = 5
  }
  input {
    name                      = "raw-c"
    source                    = "s3://acme-ml/raw-c"
    destination               = "/opt/ml/processing/input/raw"
    s3_data_distribution_type = "ShardedByS3Key"
    s3_data_type              = "ManifestFile"
    s3_input_mode             = "Pipe"
  }
  input {
    source      = "s3://acme-ml/lookup"
    destination = "/opt/ml/processing/input/lookup"
  }
  output {
    name           = "training"
    source         = "/opt/ml/processing/training"
    destination    = "s3://acme-ml/training"
    s3_upload_mode = "Continuous"
  }
  output {
    name        = "report"
    source      = "/opt/ml/processing/report"
    destination = "s3://acme-ml/report"
  }
  property_file {
    name        = "Metrics"
    output_name = "report"
    path        = "metrics.json"
  }
  network {
    enable_network_isolation = false
    vpc_config {
      security_group_ids = ["sg-0fedcba9876543210", "sg-0123456789abcdef0"]
      subnets            = ["subnet-0fedcba9876543210"]
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
  name                   = "Train"
  image_uri              = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
  instance_type          = "ml.m5.xlarge"
  output_path            = "s3://acme-ml/models"
  role_arn               = local.role2
  checkpoint_local_path  = "/opt/ml/ckpt"
  checkpoint_s3_uri      = "s3://acme-ml/checkpoints-c"
  depends_on_steps       = ["Prep", "QualityData"]
  description            = "Train the model (changed)"
  display_name           = "Training-c"
  environment            = { STAGE = "c", EXTRA = "1" }
  hyperparameters        = { num_round = "80", eta = "0.2" }
  input_mode             = "FastFile"
  instance_count         = "2"
  max_runtime_in_seconds = "7200"
  output_kms_key_id      = local.kms2
  volume_kms_key_id      = local.kms2
  volume_size_in_gb      = "60"
  use_spot_instances     = false
  tags                   = { stage = "c", team = "ml" }
  cache {
    enabled      = false
    expire_after = "P3D"
  }
  retry {
    exception_types      = ["Step.SERVICE_FAULT", "Step.THROTTLING"]
    expire_after_minutes = 60
    interval_seconds     = 3
    backoff_rate         = 1.5
  }
  retry {
    exception_types = ["SageMaker.RESOURCE_LIMIT"]
    max_attempts    = 5
  }
  input {
    channel                   = "training"
    s3_uri                    = "s3://acme-ml/training"
    compression_type          = "Gzip"
    content_type              = "application/x-parquet"
    input_mode                = "Pipe"
    s3_data_distribution_type = "ShardedByS3Key"
    s3_data_type              = "ManifestFile"
  }
  input {
    channel = "validation"
    s3_uri  = "s3://acme-ml/validation"
  }
  metric_definition {
    name  = "validation:mae"
    regex = "mae=([0-9.]+)"
  }
  metric_definition {
    name  = "train:loss"
    regex = "loss=([0-9.]+)"
  }
  # The nested vpc_config removed, its network block kept.
  network {
    enable_network_isolation = false
  }
  # Empty debug_hook_config: the SDK's default (to output_path, no collections); the profiler off.
  debug_hook_config {
  }
  profiler_config {
    disable_profiler = true
  }
}

resource "sagemaker_tuning_step" "tune" {
  name                        = "Tune"
  image_uri                   = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
  instance_type               = "ml.m5.xlarge"
  output_path                 = "s3://acme-ml/tuning"
  role_arn                    = local.role2
  depends_on_steps            = ["Prep", "QualityData"]
  description                 = "Tune the model (changed)"
  display_name                = "Tuning-c"
  early_stopping_type         = "Auto"
  input_mode                  = "Pipe"
  instance_count              = "2"
  max_number_of_training_jobs = "20"
  max_parallel_training_jobs  = "4"
  max_runtime_in_seconds      = "7200"
  output_kms_key_id           = local.kms2
  volume_kms_key_id           = local.kms2
  volume_size_in_gb           = "60"
  static_hyperparameters      = { objective = "reg:squarederror", verbosity = "1" }
  strategy                    = "Random"
  tags                        = { stage = "c", team = "ml" }
  cache {
    enabled      = false
    expire_after = "P4D"
  }
  retry {
    exception_types      = ["Step.SERVICE_FAULT", "Step.THROTTLING"]
    expire_after_minutes = 60
    interval_seconds     = 3
    backoff_rate         = 1.5
  }
  retry {
    exception_types = ["SageMaker.RESOURCE_LIMIT"]
    max_attempts    = 5
  }
  input {
    channel                   = "training"
    s3_uri                    = "s3://acme-ml/training"
    compression_type          = "Gzip"
    content_type              = "application/x-parquet"
    input_mode                = "Pipe"
    s3_data_distribution_type = "ShardedByS3Key"
    s3_data_type              = "ManifestFile"
  }
  input {
    channel = "validation"
    s3_uri  = "s3://acme-ml/validation"
  }
  metric_definition {
    name  = "validation:rmse"
    regex = "rmse=([0-9.]+)"
  }
  metric_definition {
    name  = "train:rmse"
    regex = "train-rmse=([0-9.]+)"
  }
  objective {
    type        = "Minimize"
    metric_name = "validation:rmse"
  }
  continuous_parameter_range {
    name         = "alpha"
    min_value    = "0.01"
    max_value    = "0.9"
    scaling_type = "Logarithmic"
  }
  continuous_parameter_range {
    name      = "lambda"
    min_value = "0.1"
    max_value = "0.8"
  }
  integer_parameter_range {
    name         = "num_round"
    min_value    = "10"
    max_value    = "90"
    scaling_type = "Auto"
  }
  categorical_parameter_range {
    name   = "tree_method"
    values = ["auto", "hist", "approx"]
  }
  network {
    enable_network_isolation = false
    vpc_config {
      security_group_ids = ["sg-0fedcba9876543210", "sg-0123456789abcdef0"]
      subnets            = ["subnet-0fedcba9876543210"]
    }
  }
}

resource "sagemaker_model_step" "model" {
  name             = "CreateModel"
  image_uri        = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
  role_arn         = local.role2
  depends_on_steps = ["Train", "Prep"]
  description      = "Create the model (changed)"
  display_name     = "Model-c"
  environment      = { STAGE = "c", EXTRA = "1" }
  model_data_url   = "s3://acme-ml/models/fixed/model.tar.gz"
  tags             = { stage = "c", team = "ml" }
  retry {
    exception_types      = ["Step.SERVICE_FAULT", "Step.THROTTLING"]
    expire_after_minutes = 60
    interval_seconds     = 3
    backoff_rate         = 1.5
  }
  retry {
    exception_types = ["Step.THROTTLING"]
    max_attempts    = 5
  }
  network {
    enable_network_isolation = false
    vpc_config {
      security_group_ids = ["sg-0fedcba9876543210", "sg-0123456789abcdef0"]
      subnets            = ["subnet-0fedcba9876543210"]
    }
  }
}

resource "sagemaker_transform_step" "score" {
  name                      = "Score"
  model_name                = sagemaker_model_step.model.model_name
  instance_type             = "ml.m5.large"
  output_path               = "s3://acme-ml/scores"
  accept                    = "application/jsonlines"
  assemble_with             = "None"
  batch_strategy            = "SingleRecord"
  depends_on_steps          = ["CreateModel", "Prep"]
  description               = "Score the batch (changed)"
  display_name              = "Scoring-c"
  environment               = { STAGE = "c", EXTRA = "1" }
  instance_count            = "2"
  max_concurrent_transforms = "4"
  max_payload_in_mb         = "10"
  output_kms_key_id         = local.kms2
  volume_kms_key_id         = local.kms2
  tags                      = { stage = "c" }
  cache {
    enabled      = false
    expire_after = "P5D"
  }
  retry {
    exception_types      = ["Step.SERVICE_FAULT", "Step.THROTTLING"]
    expire_after_minutes = 60
    interval_seconds     = 3
    backoff_rate         = 1.5
  }
  retry {
    exception_types = ["SageMaker.RESOURCE_LIMIT"]
    max_attempts    = 5
  }
  input {
    s3_uri           = "s3://acme-ml/batch-c"
    compression_type = "Gzip"
    content_type     = "application/jsonlines"
    data_type        = "ManifestFile"
    split_type       = "RecordIO"
  }
  # output_filter removed.
  data_processing {
    input_filter = "$[2:]"
    join_source  = "None"
  }
}

resource "sagemaker_register_model_step" "register" {
  name                      = "Register"
  image_uri                 = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
  model_package_group_name  = "ChurnModels"
  depends_on_steps          = ["Train", "Bias"]
  approval_status           = "Approved"
  content_types             = ["text/csv", "application/json"]
  response_types            = ["application/json"]
  customer_metadata         = { owner = "c", reviewed = "yes" }
  description               = "Register the model (changed)"
  display_name              = "Registration-c"
  environment               = { STAGE = "c", EXTRA = "1" }
  inference_instances       = ["ml.m5.xlarge", "ml.c5.large"]
  transform_instances       = ["ml.c5.xlarge"]
  model_data_url            = "s3://acme-ml/models/v2/model.tar.gz"
  model_package_description = "Churn model (changed)"
  domain                    = "COMPUTER_VISION"
  task                      = "REGRESSION"
  sample_payload_url        = "s3://acme-ml/payloads/{{ Execution.PipelineExecutionId }}/c.tar.gz"
  skip_model_validation     = "All"
  tags                      = { stage = "c" }
  retry {
    exception_types      = ["Step.SERVICE_FAULT", "Step.THROTTLING"]
    expire_after_minutes = 60
    interval_seconds     = 3
    backoff_rate         = 1.5
  }
  retry {
    exception_types = ["Step.THROTTLING"]
    max_attempts    = 5
  }
  # Only model_quality.statistics and model_data_quality kept: bias, explainability and
  # model_quality.constraints removed.
  model_metrics {
    model_quality {
      statistics {
        content_type   = "text/json"
        s3_uri         = "s3://acme-ml/metrics-c/model-statistics.json"
        content_digest = "sha256:bbba"
      }
    }
    model_data_quality {
      statistics {
        content_type   = "text/json"
        s3_uri         = "s3://acme-ml/metrics-c/data-statistics.json"
        content_digest = "sha256:bbbc"
      }
      constraints {
        content_type   = "text/json"
        s3_uri         = "s3://acme-ml/metrics-c/data-constraints.json"
        content_digest = "sha256:bbbd"
      }
    }
  }
  # Only model_data_quality kept, from the quality check step's exports.
  drift_check_baselines {
    model_data_quality {
      statistics {
        content_type = "text/json"
        s3_uri       = sagemaker_quality_check_step.quality_data.baseline_used_for_drift_check_statistics
      }
      constraints {
        content_type = "text/json"
        s3_uri       = sagemaker_quality_check_step.quality_data.calculated_baseline_constraints
      }
    }
  }
}

resource "sagemaker_fail_step" "stop" {
  name             = "Stop"
  depends_on_steps = ["Score", "Tune"]
  description      = "Stop the run (changed)"
  display_name     = "Stopped-c"
  error_message    = "metric {{ Steps.Prep.PropertyFiles.Metrics.auc }} too low"
}

resource "sagemaker_condition_step" "check" {
  name             = "Check"
  conditions       = ["{{ Steps.Prep.PropertyFiles.Metrics.auc }} >= 0.7", "{{ Parameters.Approve }} == true"]
  depends_on_steps = ["Score", "Prep"]
  description      = "Good enough? (changed)"
  display_name     = "Quality gate-c"
  if_steps         = [sagemaker_fail_step.stop.json]
  else_steps       = [sagemaker_register_model_step.register.json]
}

resource "sagemaker_lambda_step" "notify" {
  name             = "Notify"
  function_arn     = "arn:aws:lambda:us-east-1:123456789012:function:notify"
  depends_on_steps = ["Check", "Prep"]
  description      = "Tell the team (changed)"
  display_name     = "Notification-c"
  inputs           = { channel = "ml-c", model = "{{ Steps.CreateModel.ModelName }}" }
  cache {
    enabled      = false
    expire_after = "PT2H"
  }
  output {
    name = "ticket_id"
    type = "Integer"
  }
  output {
    name = "url"
  }
}

resource "sagemaker_callback_step" "review" {
  name             = "Review"
  sqs_queue_url    = "https://sqs.us-east-1.amazonaws.com/123456789012/review-queue"
  depends_on_steps = ["Notify", "Prep"]
  description      = "Human review (changed)"
  display_name     = "Review-c"
  inputs           = { ticket = "{{ Steps.Notify.OutputParameters['ticket_id'] }}", url = "{{ Steps.Notify.OutputParameters['url'] }}" }
  cache {
    enabled      = false
    expire_after = "PT3H"
  }
  output {
    name = "score"
    type = "Float"
  }
  output {
    name = "comment"
  }
}

resource "sagemaker_emr_step" "spark" {
  name = "Spark"
  cluster_config = jsonencode({
    ReleaseLabel = "emr-6.15.0"
    Instances = {
      InstanceGroups = [{ InstanceRole = "MASTER", InstanceType = "m5.xlarge", InstanceCount = 1 }]
    }
    JobFlowRole = "EMR_EC2_DefaultRole"
    ServiceRole = "EMR_DefaultRole"
  })
  depends_on_steps = ["Prep", "QualityData"]
  description      = "Spark ETL (changed)"
  display_name     = "Spark-c"
  cache {
    enabled      = false
    expire_after = "PT4H"
  }
  retry {
    exception_types      = ["Step.SERVICE_FAULT", "Step.THROTTLING"]
    expire_after_minutes = 60
    interval_seconds     = 3
    backoff_rate         = 1.5
  }
  retry {
    exception_types = ["Step.THROTTLING"]
    max_attempts    = 5
  }
  step_config {
    jar        = "s3://acme-ml/jobs/etl.jar"
    args       = ["--date", "{{ Execution.StartDateTime }}"]
    main_class = "com.example.EtlV2"
    properties = { "mapreduce.job.reduces" = "8", "mapreduce.job.maps" = "2" }
  }
}

resource "sagemaker_quality_check_step" "quality_model" {
  name                            = "QualityModel"
  check_type                      = "MODEL_QUALITY"
  problem_type                    = "MulticlassClassification"
  baseline_dataset                = "s3://acme-ml/quality/predictions.csv"
  dataset_format                  = "csv"
  image_uri                       = "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer"
  output_s3_uri                   = "s3://acme-ml/quality/model"
  role_arn                        = local.role2
  csv_header                      = false
  csv_output_columns_position     = "END"
  depends_on_steps                = ["Score", "Prep"]
  description                     = "Model quality (changed)"
  display_name                    = "Model quality-c"
  fail_on_violation               = "false"
  ground_truth_attribute          = "actual"
  inference_attribute             = "predicted"
  probability_attribute           = "1"
  probability_threshold_attribute = "0.6"
  instance_count                  = "2"
  instance_type                   = "ml.m5.2xlarge"
  max_runtime_in_seconds          = "3600"
  model_package_group_name        = "ChurnModelsV2"
  output_kms_key_id               = local.kms2
  volume_kms_key_id               = local.kms2
  volume_size_in_gb               = "60"
  post_analytics_processor_script = "s3://acme-ml/monitoring/post-v2.py"
  register_new_baseline           = "true"
  skip_check                      = "true"
  supplied_baseline_constraints   = "s3://acme-ml/baseline-v2/constraints.json"
  supplied_baseline_statistics    = "s3://acme-ml/baseline-v2/statistics.json"
  # cache.expire_after removed, the cache block kept.
  cache {
    enabled = false
  }
  network {
    enable_network_isolation = false
    vpc_config {
      security_group_ids = ["sg-0fedcba9876543210", "sg-0123456789abcdef0"]
      subnets            = ["subnet-0fedcba9876543210"]
    }
  }
}

resource "sagemaker_quality_check_step" "quality_data" {
  name                       = "QualityData"
  check_type                 = "DATA_QUALITY"
  baseline_dataset           = "s3://acme-ml/quality/train.json"
  dataset_format             = "json"
  json_lines                 = false
  image_uri                  = "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer"
  output_s3_uri              = "s3://acme-ml/quality/data"
  role_arn                   = local.role2
  record_preprocessor_script = "s3://acme-ml/monitoring/pre-v2.py"
}

resource "sagemaker_clarify_check_step" "bias" {
  name                                 = "Bias"
  check_type                           = "MODEL_BIAS"
  model_name                           = "churn-model-fixed"
  analysis_config_s3_uri               = "s3://acme-ml/clarify/analysis_config.json"
  data_input_s3_uri                    = "s3://acme-ml/clarify/train.csv"
  data_input_s3_data_distribution_type = "ShardedByS3Key"
  image_uri                            = "205585389593.dkr.ecr.us-east-1.amazonaws.com/sagemaker-clarify-processing:1.0"
  output_s3_uri                        = "s3://acme-ml/clarify/out"
  role_arn                             = local.role2
  depends_on_steps                     = ["CreateModel", "Prep"]
  description                          = "Bias check (changed)"
  display_name                         = "Bias-c"
  fail_on_violation                    = "false"
  instance_count                       = "2"
  instance_type                        = "ml.c5.xlarge"
  max_runtime_in_seconds               = "3600"
  model_package_group_name             = "ChurnModelsV2"
  output_kms_key_id                    = local.kms2
  volume_kms_key_id                    = local.kms2
  volume_size_in_gb                    = "60"
  register_new_baseline                = "true"
  skip_check                           = "true"
  supplied_baseline_constraints        = "s3://acme-ml/baseline-v2/bias-constraints.json"
  cache {
    enabled      = false
    expire_after = "PT6H"
  }
  network {
    enable_network_isolation = false
    vpc_config {
      security_group_ids = ["sg-0fedcba9876543210", "sg-0123456789abcdef0"]
      subnets            = ["subnet-0fedcba9876543210"]
    }
  }
}

resource "sagemaker_step" "custom" {
  name             = "Custom"
  type             = "EMRServerless"
  arguments        = jsonencode({ ApplicationId = "00f1abcdexample2", JobRole = "arn:aws:iam::123456789012:role/emr-serverless-v2" })
  extra            = jsonencode({ Note = "c" })
  depends_on_steps = ["Spark", "Prep"]
  description      = "Custom step (changed)"
  display_name     = "Custom-c"
  cache {
    enabled      = false
    expire_after = "PT7H"
  }
  retry {
    exception_types      = ["Step.SERVICE_FAULT", "Step.THROTTLING"]
    expire_after_minutes = 60
    interval_seconds     = 3
    backoff_rate         = 1.5
  }
  retry {
    exception_types = ["SageMaker.RESOURCE_LIMIT"]
    max_attempts    = 5
  }
}

resource "sagemaker_automl_step" "automl" {
  name                                      = "AutoML"
  role_arn                                  = "arn:aws:iam::123456789012:role/automl-c"
  target_attribute_name                     = "price"
  sample_weight_attribute_name              = "w"
  output_path                               = "s3://acme-ml/automl-c"
  output_kms_key_id                         = "arn:aws:kms:us-east-1:123456789012:key/automl-out-c"
  volume_kms_key_id                         = "arn:aws:kms:us-east-1:123456789012:key/automl-vol-c"
  enable_inter_container_traffic_encryption = false
  problem_type                              = "Regression"
  objective_metric                          = "MSE"
  max_candidates                            = "20"
  max_runtime_per_training_job_in_seconds   = "900"
  max_automl_job_runtime_in_seconds         = "7200"
  feature_specification_s3_uri              = "s3://acme-ml/automl/features-c.json"
  tags                                      = { team = "ml-c" }
  depends_on_steps                          = ["Prep", "Train"]
  description                               = "Autopilot (changed)"
  display_name                              = "AutoML-c"
  cache {
    enabled      = false
    expire_after = "P2D"
  }
  retry {
    exception_types      = ["SageMaker.RESOURCE_LIMIT"]
    expire_after_minutes = 30
    interval_seconds     = 5
    backoff_rate         = 1.5
  }
  input {
    s3_uri           = "s3://acme-ml/automl/train-c.parquet"
    channel_type     = "training"
    content_type     = "x-application/vnd.amazon+parquet"
    compression_type = "Gzip"
    s3_data_type     = "ManifestFile"
  }
  input {
    s3_uri       = "s3://acme-ml/automl/validation-c.parquet"
    channel_type = "validation"
    content_type = "x-application/vnd.amazon+parquet"
  }
  vpc_config {
    subnets            = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
    security_group_ids = ["sg-4e5f6a7b"]
  }
}

resource "sagemaker_emr_serverless_step" "serverless" {
  name               = "Serverless"
  execution_role_arn = "arn:aws:iam::123456789012:role/emr-serverless-c"
  application_config = jsonencode({
    name         = "report"
    releaseLabel = "emr-7.1.0"
    type         = "HIVE"
  })
  configuration_overrides = jsonencode({
    monitoringConfiguration = { s3MonitoringConfiguration = { logUri = "s3://acme-ml/emr/logs-c" } }
  })
  execution_timeout_minutes = "120"
  job_run_name              = "report"
  tags                      = { team = "ml-c" }
  depends_on_steps          = ["Prep", "Train"]
  description               = "Hive on EMR Serverless (changed)"
  display_name              = "Serverless-c"
  cache {
    enabled      = false
    expire_after = "PT2H"
  }
  retry {
    exception_types      = ["Step.THROTTLING"]
    expire_after_minutes = 20
    interval_seconds     = 3
    backoff_rate         = 1.5
  }
  hive {
    query           = "s3://acme-ml/emr/report.sql"
    init_query_file = "s3://acme-ml/emr/init.sql"
    parameters      = "--hiveconf hive.exec.scratchdir=s3://acme-ml/scratch"
  }
}

resource "sagemaker_ml_pipeline" "p" {
  name         = "edit-cycle"
  role_arn     = local.role2
  description  = "Edit cycle, phase B (changed)"
  display_name = "edit-cycle-b-c"
  dependencies = ["Prep >> [Train, Tune]", "Train >> Spark"]
  tags         = { stage = "c", team = "ml" }
  parameter {
    name        = "InputDataC"
    type        = "String"
    default     = "s3://acme-ml/other"
    enum_values = ["s3://acme-ml/other", "s3://acme-ml/third"]
  }
  parameter {
    # type removed (optional and computed): back to the default, String.
    name    = "Epochs"
    default = "3.5"
  }
  parameter {
    name    = "Approve"
    type    = "Boolean"
    default = "true"
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
    sagemaker_quality_check_step.quality_data.json,
    sagemaker_quality_check_step.quality_model.json,
    sagemaker_clarify_check_step.bias.json,
    sagemaker_step.custom.json,
  ]
  step_defaults {
    role_arn          = "arn:aws:iam::123456789012:role/sagemaker-defaults"
    output_kms_key_id = local.kms2
    volume_kms_key_id = local.kms2
    tags              = { cost = "c", owner = "ml" }
    # step_defaults.network.vpc_config removed, network kept.
    network {
      enable_network_isolation = false
    }
  }
  # experiment_name removed, trial_name kept.
  experiment_config {
    trial_name = "trial-{{ Execution.PipelineExecutionId }}"
  }
  parallelism_config {
    max_parallel_execution_steps = 8
  }
}
