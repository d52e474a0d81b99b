"""The storage backend for S3: django-storages' S3Storage, without `Expect: 100-continue`.

boto3 sends every upload's headers first and waits up to a second for "100 Continue" before
the body: against a frozen S3 that was one more second per attempt, on top of the read
timeout, so an upload answered 503 after 2 x (1 + AWS_S3_TIMEOUT_SECONDS). Our objects are a
few MB at most, sent whole: the handshake saves nothing here."""

from __future__ import annotations

from botocore.handlers import add_expect_header
from storages.backends import s3


class S3Storage(s3.S3Storage):
    def _create_session(self):
        session = super()._create_session()
        session._session.unregister("before-call.s3", add_expect_header)
        return session
