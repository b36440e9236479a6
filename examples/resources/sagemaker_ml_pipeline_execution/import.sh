terraform import sagemaker_ml_pipeline_execution.nightly arn:aws:sagemaker:us-east-1:123456789012:pipeline/nightly-scoring/execution/abc123
