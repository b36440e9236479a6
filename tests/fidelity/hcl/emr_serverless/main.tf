# Fidelity case emr_serverless (tests/fidelity/README.md): SparkEtl -> HiveReport, the same
# pipeline as tests/fidelity/sdk/emr_serverless.py builds with the SageMaker SDK 3.x.
terraform {
  required_providers {
    sagemaker = { source = "sagemaker-pipelines/sagemaker" }
  }
}

locals {
  role     = "arn:aws:iam::123456789012:role/sagemaker-pipeline"
  emr_role = "arn:aws:iam::123456789012:role/emr-serverless-runtime"
  bucket   = "sagemaker-us-east-1-123456789012"
}

resource "sagemaker_emr_serverless_step" "spark_etl" {
  name               = "SparkEtl"
  display_name       = "Spark ETL"
  description        = "Feature extraction on EMR Serverless"
  application_id     = "00f1abcdefgh2345"
  execution_role_arn = local.emr_role

  spark_submit {
    entry_point = "s3://${local.bucket}/emr/etl.py"
    entry_point_arguments = [
      "--input",
      "{{ Parameters.InputData }}",
      "--output",
      "s3://${local.bucket}/emr/output/{{ Execution.PipelineExecutionId }}",
    ]
    spark_submit_parameters = "--conf spark.executor.cores=4 --conf spark.executor.memory=16g"
  }

  configuration_overrides = jsonencode({
    monitoringConfiguration = { s3MonitoringConfiguration = { logUri = "s3://${local.bucket}/emr/logs" } }
  })
  execution_timeout_minutes = "60"
  job_run_name              = "nightly-etl"
  tags                      = { team = "ml" }

  cache {
    enabled      = true
    expire_after = "PT12H"
  }
  retry {
    exception_types  = ["Step.SERVICE_FAULT", "Step.THROTTLING"]
    interval_seconds = 10
    backoff_rate     = 2
    max_attempts     = 5
  }
}

resource "sagemaker_emr_serverless_step" "hive_report" {
  name               = "HiveReport"
  execution_role_arn = local.emr_role
  application_config = jsonencode({
    name            = "report"
    releaseLabel    = "emr-7.1.0"
    type            = "HIVE"
    maximumCapacity = { cpu = "16 vCPU", memory = "64 GB" }
  })

  hive {
    query           = "s3://${local.bucket}/emr/report.sql"
    init_query_file = "s3://${local.bucket}/emr/init.sql"
    parameters      = "--hiveconf hive.exec.scratchdir=s3://${local.bucket}/emr/scratch"
  }

  depends_on_steps = ["SparkEtl"]
}

resource "sagemaker_ml_pipeline" "this" {
  name     = "fidelity-emr-serverless"
  role_arn = local.role

  parameter {
    name    = "InputData"
    type    = "String"
    default = "s3://${local.bucket}/emr/input"
  }

  steps = [
    sagemaker_emr_serverless_step.spark_etl.json,
    sagemaker_emr_serverless_step.hive_report.json,
  ]
}

output "definition_sha256" {
  value = sagemaker_ml_pipeline.this.definition_sha256
}
