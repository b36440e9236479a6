"""Shared setup of the SDK scripts in tests/import/ (`sdk_pipeline.py` for SDK 2.x,
`sdk3_pipeline.py` for SDK 3.x). Import it before anything from `sagemaker` or `boto3`:

- stdout is sent to stderr (the SDK prints INFO lines and notices there); `REAL_STDOUT` is the
  real one, for the definition the script prints;
- nothing from the caller's AWS environment or SDK config files reaches the SDK: the AWS
  variables are removed, the config files are empty, credentials are the stub `test`/`test` in
  us-east-1, and the SDK checks no role with IAM;
- only the local endpoint can be reached: every other host name fails to resolve, so a build
  that would call AWS fails loudly.
"""

import os
import socket
import sys

REGION = "us-east-1"

REAL_STDOUT = sys.stdout
sys.stdout = sys.stderr

os.environ["SAGEMAKER_SUPPRESS_V2_WARNING"] = "1"
os.environ["SAGEMAKER_VALIDATE_ROLE"] = "false"
for _k in list(os.environ):
    if _k.startswith("AWS_"):
        del os.environ[_k]
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
os.environ["AWS_DEFAULT_REGION"] = REGION
os.environ["AWS_ACCESS_KEY_ID"] = "test"
os.environ["AWS_SECRET_ACCESS_KEY"] = "test"
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
os.environ["XDG_CONFIG_HOME"] = "/nonexistent/tests-import-config"
os.environ["XDG_CONFIG_DIRS"] = "/nonexistent/tests-import-config"

_real_getaddrinfo = socket.getaddrinfo


def _loopback_only(host, *args, **kwargs):
    if host not in ("127.0.0.1", "localhost"):
        raise OSError(f"tests/import: only the local endpoint may be reached, not {host}")
    return _real_getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = _loopback_only
