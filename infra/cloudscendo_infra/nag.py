"""cdk-nag findings we accept, each with the reason it does not apply to Cloudscendo.

cdk-nag 3 reports through CDK's policy validation: a finding not acknowledged here fails `cdk synth`
(and so `make test`). Each acknowledgment names the construct it is for, never the whole stack.
"""

from aws_cdk import Acknowledgment, Stack, Validations
from constructs import IConstruct

from cloudscendo_infra.config import QUEUES
from cloudscendo_infra.network import INTERFACE_ENDPOINTS

NO_ROTATION = (
    "Tasks read this secret once, at start, into their environment (ECS secrets); a rotation would break every "
    "running task until the next deployment. Rotate by changing the secret and redeploying (README).")
DEFAULT_PORT = ("The port is no secret to anyone who can reach it: only the app's security group can, inside "
                "private subnets with no internet route. A non-default port would add nothing but confusion.")
TASK_ENVIRONMENT = ("Only non-secret settings are plain environment variables (host names, backends, the bucket "
                    "name); every secret (SECRET_KEY, database and Redis credentials, API keys) comes from "
                    "Secrets Manager through the task definition's secrets.")
EXECUTION_ROLE = ("The CDK's execution role needs ecr:GetAuthorizationToken, which has no resource-level "
                  "permissions (the service authorization reference lists Resource '*'); every other statement "
                  "in it names the repository, the log group or the secret.")
APP_ROLE_WILDCARD = ("rekognition:DetectFaces and cloudwatch:PutMetricData support no resource-level permissions; "
                     "PutMetricData is kept to the Cloudscendo namespace by a condition (README's policy).")
PHOTO_PREFIX_WILDCARD = ("Photos have random names (captures/photos/<uuid>.jpg): the app must read, write and "
                         "delete any object under its own prefix of its own bucket, and nothing else.")
LAMBDA_LOGS = ("AWSLambdaBasicExecutionRole only lets a function write its own logs; the release handlers and "
               "the CDK's provider framework (which waits for migrate) use it.")
LAMBDA_VERSIONS = ("The CDK's provider framework invokes the handlers' versions (<function ARN>:*), "
                   "nothing else.")
DESCRIBE_TASKS = ("The migrate task's ARN is only known once it runs; ecs:DescribeTasks is kept to the stack's "
                  "cluster by an ecs:cluster condition.")
WAITER = ("The CDK provider framework's waiter state machine only polls the migrate handler every 15 s during "
          "a deploy; its Lambda logs say what happened, X-Ray and execution logs would add nothing.")
ENDPOINT_INGRESS = "Interface endpoints accept HTTPS (443) from inside the VPC only (the VPC's CIDR block)."
PUBLIC_LOAD_BALANCER = ("The public website: the load balancer accepts 443 (and 80, which only redirects to 443) "
                        "from anyone, behind the WAF web ACL.")


def _at(stack: Stack, path: str) -> IConstruct:
    node: IConstruct = stack
    for part in path.split("/"):
        node = node.node.find_child(part)
    return node


def _acknowledge(construct: IConstruct, rule: str, reason: str) -> None:
    Validations.of(construct).acknowledge(Acknowledgment(id=f"AwsSolutions::AwsSolutions-{rule}", reason=reason))


def suppress_reviewed_findings(stack: Stack) -> None:
    """Acknowledge the findings reviewed above on the constructs they concern."""
    for path in ("Database/Postgres", "Cache/AuthToken", "App/DjangoSecretKey"):
        _acknowledge(_at(stack, path), "SMG4", NO_ROTATION)
    _acknowledge(_at(stack, "Database/Postgres"), "RDS11", DEFAULT_PORT)
    _acknowledge(_at(stack, "Cache/Redis"), "AEC5", DEFAULT_PORT)
    for task in ("Web", *(f"Worker{queue.capitalize()}" for queue in QUEUES), "Beat", "Migrate"):
        _acknowledge(_at(stack, f"App/{task}Task"), "ECS2", TASK_ENVIRONMENT)
        _acknowledge(_at(stack, f"App/{task}Task/ExecutionRole"), "IAM5[Resource::*]", EXECUTION_ROLE)
    policy = _at(stack, "AppTaskRolePolicy")
    _acknowledge(policy, "IAM5[Resource::*]", APP_ROLE_WILDCARD)
    photos = stack.get_logical_id(_at(stack, "Buckets/Photos/Resource"))
    _acknowledge(policy, f"IAM5[Resource::<{photos}.Arn>/captures/*]", PHOTO_PREFIX_WILDCARD)
    for name in (*INTERFACE_ENDPOINTS, "Kendra"):
        endpoint = _at(stack, "Network/Vpc").node.try_find_child(name)
        if endpoint is not None:
            _acknowledge(endpoint, "EC23", ENDPOINT_INGRESS)
    _acknowledge(_at(stack, "Edge/SecurityGroup"), "EC23", PUBLIC_LOAD_BALANCER)
    _acknowledge_release(stack)


def _acknowledge_release(stack: Stack) -> None:
    release = _at(stack, "Release")
    _acknowledge(release, "IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                          "AWSLambdaBasicExecutionRole]", LAMBDA_LOGS)
    for function in ("Start", "Wait", "Provider/framework-isComplete", "Provider/framework-onTimeout"):
        logical_id = stack.get_logical_id(_at(release, f"{function}/Resource"))
        _acknowledge(release, f"IAM5[Resource::<{logical_id}.Arn>:*]", LAMBDA_VERSIONS)
    _acknowledge(_at(release, "Wait"), "IAM5[Resource::*]", DESCRIBE_TASKS)
    for rule in ("SF1", "SF2"):
        _acknowledge(_at(release, "Provider/waiter-state-machine"), rule, WAITER)
