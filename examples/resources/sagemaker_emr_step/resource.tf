# Run a Spark job on a running EMR cluster through command-runner.jar.
resource "sagemaker_emr_step" "etl" {
  name       = "SparkEtl"
  cluster_id = "j-1ABCDEFGHIJKL"

  step_config {
    jar = "command-runner.jar"
    args = [
      "spark-submit",
      "s3://my-bucket/jobs/etl.py",
      "--input", "{{ Parameters.InputData }}",
      "--output", "s3://my-bucket/{{ Execution.PipelineExecutionId }}/features",
    ]
  }
}

resource "sagemaker_ml_pipeline" "example" {
  name     = "emr-step-example"
  role_arn = "arn:aws:iam::123456789012:role/sagemaker-pipeline"

  parameter {
    name    = "InputData"
    default = "s3://my-bucket/raw"
  }

  steps = [sagemaker_emr_step.etl.json]
}
