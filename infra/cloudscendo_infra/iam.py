"""The app's task role: the README's least-privilege policy, and the queue metrics the workers publish."""

from aws_cdk import Aws
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct

from cloudscendo_infra.config import METRIC_NAMESPACE, DeployConfig
from cloudscendo_infra.storage import PHOTO_PREFIX

KENDRA_ACTIONS = ["kendra:Query", "kendra:BatchPutDocument", "kendra:BatchDeleteDocument", "kendra:UpdateIndex"]
PHOTO_ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]


def app_statements(*, config: DeployConfig, photos: s3.IBucket) -> list[iam.PolicyStatement]:
    """What web and workers may do in AWS: exactly the README's statements (Kendra only when it is used)."""
    statements = [
        # DetectFaces has no resource-level permissions, hence "*"
        # (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonrekognition.html).
        iam.PolicyStatement(actions=["rekognition:DetectFaces"], resources=["*"]),
        iam.PolicyStatement(actions=PHOTO_ACTIONS, resources=[photos.arn_for_objects(f"{PHOTO_PREFIX}*")]),
        # /readyz asks HeadBucket, which S3 allows only with ListBucket on the bucket itself: without it
        # every web task fails its load balancer health check.
        iam.PolicyStatement(actions=["s3:ListBucket"], resources=[photos.bucket_arn]),
        # PutMetricData has no resource-level permissions either; the condition keeps it to our namespace.
        iam.PolicyStatement(actions=["cloudwatch:PutMetricData"], resources=["*"],
                            conditions={"StringEquals": {"cloudwatch:namespace": METRIC_NAMESPACE}}),
    ]
    if config.kendra_index_id:
        index = f"arn:{Aws.PARTITION}:kendra:{config.region}:{Aws.ACCOUNT_ID}:index/{config.kendra_index_id}"
        statements.insert(1, iam.PolicyStatement(actions=KENDRA_ACTIONS, resources=[index]))
    return statements


def app_task_role(scope: Construct, construct_id: str, *, config: DeployConfig, photos: s3.IBucket) -> iam.Role:
    role = iam.Role(scope, construct_id, assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
                    description="Cloudscendo web and workers: Rekognition, the photo prefix, queue metrics")
    policy = iam.Policy(scope, f"{construct_id}Policy", statements=app_statements(config=config, photos=photos))
    policy.attach_to_role(role)
    return role
