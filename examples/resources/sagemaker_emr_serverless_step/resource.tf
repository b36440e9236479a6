# Run a PySpark job on an existing EMR Serverless application.
resource "sagemaker_emr_serverless_step" "etl" {
  name               = "ServerlessEtl"
  application_id     = "00f1abcdefgh2345"
  execution_role_arn = "arn:aws:iam::123456789012:role/emr-serverless-jobs"
  job_run_name       = "nightly-etl"

  spark_submit {
    entry_point             = "s3://my-bucket/jobs/etl.py"
    entry_point_arguments   = ["--input", "{{ Parameters.InputData }}"]
    spark_submit_parameters = "--conf spark.executor.cores=4 --conf spark.executor.memory=16g"
  }

  configuration_overrides = jsonencode({
    monitoringConfiguration = {
      s3MonitoringConfiguration = { logUri = "s3://my-bucket/emr-logs" }
    }
  })
}

resource "sagemaker_ml_pipeline" "example" {
  name     = "emr-serverless-step-example"
  role_arn = "arn:aws:iam::123456789012:role/sagemaker-pipeline"

  parameter {
    name    = "InputData"
    default = "s3://my-bucket/raw"
  }

  steps = [sagemaker_emr_serverless_step.etl.json]
}
