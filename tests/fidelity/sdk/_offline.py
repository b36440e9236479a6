"""Shared offline setup for the fidelity SDK scripts (research §9 "Reproducing / extending golden
files with the SDK").

Import this module BEFORE anything from `sagemaker`: it
  * sends everything written to stdout during the build to stderr (the SDK logs INFO lines and
    deprecation notices to stdout), so that stdout carries only the definition JSON;
  * disables the network for this process (every socket connect/resolve raises), so a build that
    would call AWS fails loudly instead of hanging or depending on the machine;
  * gives a `session()` with stub credentials, region us-east-1, a pre-set default bucket (no
    CreateBucket/HeadBucket) and telemetry opted out;
  * `emit(pipeline)` prints `pipeline.definition()` (pretty JSON, key order as the SDK wrote it)
    to the real stdout.
"""

import json
import os
import socket
import sys

# Constants shared by every case; the HCL side mirrors them exactly (see tests/fidelity/README.md).
REGION = "us-east-1"
ACCOUNT = "123456789012"
BUCKET = "sagemaker-us-east-1-123456789012"
ROLE = "arn:aws:iam::123456789012:role/sagemaker-pipeline"
SKLEARN_IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
XGBOOST_IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
INSTANCE_TYPE = "ml.m5.xlarge"

_REAL_STDOUT = sys.stdout
sys.stdout = sys.stderr

os.environ["SAGEMAKER_SUPPRESS_V2_WARNING"] = "1"
# SDK 3.x checks every role with an IAM call while a step is built unless this is off.
os.environ["SAGEMAKER_VALIDATE_ROLE"] = "false"
# Nothing from the caller's AWS environment may leak into the build.
for _k in list(os.environ):
    if _k.startswith("AWS_"):
        del os.environ[_k]
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
# SDK 3.x creates boto3 clients while it is imported (sagemaker.ai_registry), before any session.
os.environ["AWS_DEFAULT_REGION"] = REGION
os.environ["AWS_CONFIG_FILE"] = os.devnull
# No SDK defaults from admin/user config files (platformdirs reads the XDG variables).
os.environ["XDG_CONFIG_HOME"] = "/nonexistent/tests-fidelity-config"
os.environ["XDG_CONFIG_DIRS"] = "/nonexistent/tests-fidelity-config"
os.environ.pop("SAGEMAKER_ADMIN_CONFIG_OVERRIDE", None)
os.environ.pop("SAGEMAKER_USER_CONFIG_OVERRIDE", None)
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull


def _no_network(*_args, **_kwargs):
    raise OSError("tests/fidelity: network access is disabled while building with the SDK")


socket.socket.connect = _no_network
socket.socket.connect_ex = _no_network
socket.create_connection = _no_network
socket.getaddrinfo = _no_network

# Opt out of telemetry; the same dict also keeps user/admin config files out of the session.
SAGEMAKER_CONFIG = {"SchemaVersion": "1.0", "SageMaker": {"PythonSDK": {"Modules": {"TelemetryOptOut": True}}}}


def session():
    import boto3
    from sagemaker.workflow.pipeline_context import PipelineSession

    boto_session = boto3.Session(
        aws_access_key_id="AKIAFIDELITYSTUB0000",
        aws_secret_access_key="fidelity-stub-secret",
        region_name=REGION,
    )
    sess = PipelineSession(boto_session=boto_session, sagemaker_config=SAGEMAKER_CONFIG, default_bucket=BUCKET)
    # Pre-set: Session.default_bucket() would otherwise check/create the bucket through S3.
    sess._default_bucket = BUCKET
    return sess


def emit(pipeline):
    definition = json.loads(pipeline.definition())
    _REAL_STDOUT.write(json.dumps(definition, indent=1) + "\n")
    _REAL_STDOUT.flush()
