"""The private photo bucket (README, "Deploying on AWS") and the bucket that keeps access logs."""

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_s3 as s3
from constructs import Construct

from cloudscendo_infra.config import DeployConfig

# AWS_S3_PREFIX of the app: every photo is stored under it (cloudscendo/settings.py).
PHOTO_PREFIX = "captures/"
# Photos of users who keep none are deleted by the app right after analysis; this tag on an object
# lets S3 delete any the app could not, a day later. The app does not set it on uploads yet (README).
DISCARD_TAG = ("keep-photo", "false")
# Photos the browser posts straight to the bucket land here raw; the worker replaces each with its cleaned copy
# and the beat sweeper deletes abandoned ones. Anything both missed is gone a day later.
DIRECT_UPLOAD_PREFIX = f"{PHOTO_PREFIX}uploads/"


class Buckets(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, config: DeployConfig) -> None:
        super().__init__(scope, construct_id)
        # Server access logs and the load balancer's logs. SSE-S3: ELB log delivery cannot write with KMS keys.
        self.logs = s3.Bucket(
            self, "AccessLogs", block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,  # log delivery is granted by bucket policy
            encryption=s3.BucketEncryption.S3_MANAGED, enforce_ssl=True, removal_policy=RemovalPolicy.RETAIN,
            lifecycle_rules=[s3.LifecycleRule(id="expire-logs", expiration=Duration.days(365),
                                              abort_incomplete_multipart_upload_after=Duration.days(1))],
        )
        self.photos = s3.Bucket(
            self, "Photos",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,  # ACLs off
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,  # a bucket policy denying any request not over TLS
            # No versioning: a deleted photo must be gone, not kept as an older version.
            versioned=False,
            removal_policy=RemovalPolicy.RETAIN,
            server_access_logs_bucket=self.logs, server_access_logs_prefix="s3/photos/",
            lifecycle_rules=[
                s3.LifecycleRule(id="abort-incomplete-uploads",
                                 abort_incomplete_multipart_upload_after=Duration.days(1)),
                s3.LifecycleRule(id="discard-unkept-photos", prefix=PHOTO_PREFIX,
                                 tag_filters={DISCARD_TAG[0]: DISCARD_TAG[1]}, expiration=Duration.days(1)),
                s3.LifecycleRule(id="expire-raw-direct-uploads", prefix=DIRECT_UPLOAD_PREFIX,
                                 expiration=Duration.days(1)),
            ],
            # The browser's direct upload (a presigned POST) comes from the site's own origin only.
            cors=[s3.CorsRule(allowed_methods=[s3.HttpMethods.POST], allowed_origins=[f"https://{config.domain_name}"],
                              allowed_headers=["*"], max_age=3000)],
        )
