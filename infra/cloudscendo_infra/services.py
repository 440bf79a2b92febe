"""ECS Fargate: the web service behind the load balancer, a worker service per queue, beat, and migrate."""

from pathlib import Path

from aws_cdk import Duration
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from cloudscendo_infra.config import METRIC_NAMESPACE, QUEUES, DeployConfig, retention
from cloudscendo_infra.data import DB_NAME, REDIS_PORT, Cache, Database
from cloudscendo_infra.network import Network
from cloudscendo_infra.storage import PHOTO_PREFIX, Buckets

REPO_ROOT = Path(__file__).resolve().parents[2]
WEB_PORT = 8000
# /readyz answers 200 only when the database, the broker and storage answer (README, "Health").
HEALTH_CHECK_PATH = "/readyz"
WORKER_COMMAND = ["celery", "-A", "cloudscendo", "worker", "--loglevel", "INFO", "--concurrency", "2", "-Q"]
# The image's root file system is read-only; /tmp is a volume of the task's own (see _task_definition).
SCRATCH = "/tmp"  # noqa: S108 - private to each task, not a shared host directory
BEAT_COMMAND = ["celery", "-A", "cloudscendo", "beat", "--loglevel", "INFO",
                "--schedule", f"{SCRATCH}/celerybeat-schedule"]
MIGRATE_COMMAND = ["python", "manage.py", "migrate", "--no-input"]
# Worker scaling on the queue's length (the QueueLength metric the beat task publishes): add one task from
# 10 waiting messages, three from 50; remove one when the queue is empty.
BACKLOG_STEPS = (appscaling.ScalingInterval(upper=0, change=-1), appscaling.ScalingInterval(lower=10, change=1),
                 appscaling.ScalingInterval(lower=50, change=3))


def queue_metric(name: str, queue: str, statistic: str = "Maximum") -> cloudwatch.Metric:
    return cloudwatch.Metric(namespace=METRIC_NAMESPACE, metric_name=name, dimensions_map={"Queue": queue},
                             statistic=statistic, period=Duration.minutes(1))


class AppServices(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, config: DeployConfig, network: Network,
                 security_group: ec2.ISecurityGroup, database: Database, cache: Cache, buckets: Buckets,
                 task_role: iam.IRole) -> None:
        super().__init__(scope, construct_id)
        self._config, self._network, self._security_group = config, network, security_group
        self._task_role = task_role
        self.cluster = ecs.Cluster(self, "Cluster", vpc=network.vpc,
                                   container_insights_v2=ecs.ContainerInsights.ENHANCED)
        self.image = ecs.ContainerImage.from_asset(str(REPO_ROOT), file="Dockerfile")
        self._environment = self._app_environment(database=database, cache=cache, buckets=buckets)
        self._secrets = self._app_secrets(database=database, cache=cache)
        self.log_groups: dict[str, logs.LogGroup] = {}
        self.web = self._web_service()
        self.workers = {queue: self._worker_service(queue) for queue in QUEUES}
        self.beat = self._service("Beat", BEAT_COMMAND, cpu=256, memory=512, desired_count=1,
                                  max_healthy_percent=100, min_healthy_percent=0)  # never two schedulers at once
        self.migrate = self._task_definition("Migrate", MIGRATE_COMMAND, cpu=256, memory=512)

    def _app_environment(self, *, database: Database, cache: Cache, buckets: Buckets) -> dict[str, str]:
        config = self._config
        environment = {
            "DEBUG": "0", "ALLOWED_HOSTS": config.domain_name, "CSRF_TRUSTED_ORIGINS": f"https://{config.domain_name}",
            "BEHIND_TLS_PROXY": "1", "LOG_FORMAT": "json", "AWS_REGION": config.region,
            # The ALB's port 80 only redirects, so every request reaching a task came over HTTPS; Django's
            # own redirect would only turn the load balancer's plain-HTTP health checks into 301s.
            # HSTS and secure cookies stay on (DEBUG=0).
            "SECURE_SSL_REDIRECT": "0",
            "STORAGE_BACKEND": "s3", "AWS_STORAGE_BUCKET_NAME": buckets.photos.bucket_name,
            "AWS_S3_PREFIX": PHOTO_PREFIX.rstrip("/"), "EMOTION_BACKEND": config.emotion_backend,
            # The queue metrics the workers' autoscaling reads (published by a beat task on the celery queue).
            "METRICS_BACKEND": "cloudwatch",
            "SEARCH_BACKEND": "kendra" if config.kendra_index_id else "local", "VIDEO_BACKEND": config.video_backend,
            # The entrypoint (infra/container/entrypoint.py) builds DATABASE_URL, CELERY_BROKER_URL and
            # CACHE_URL from these and the secrets, so no password is ever written in plain text here.
            "DB_HOST": database.instance.db_instance_endpoint_address,
            "DB_PORT": database.instance.db_instance_endpoint_port, "DB_NAME": DB_NAME,
            "REDIS_HOST": cache.host, "REDIS_PORT": str(REDIS_PORT),
        }
        if config.kendra_index_id:
            environment["KENDRA_INDEX_ID"] = config.kendra_index_id
        return environment

    def _app_secrets(self, *, database: Database, cache: Cache) -> dict[str, ecs.Secret]:
        secret_key = secretsmanager.Secret(
            self, "DjangoSecretKey", description="Django SECRET_KEY of Cloudscendo",
            generate_secret_string=secretsmanager.SecretStringGenerator(password_length=64))
        secrets = {
            "SECRET_KEY": ecs.Secret.from_secrets_manager(secret_key),
            "DB_USER": ecs.Secret.from_secrets_manager(database.secret, "username"),
            "DB_PASSWORD": ecs.Secret.from_secrets_manager(database.secret, "password"),
            "REDIS_AUTH_TOKEN": ecs.Secret.from_secrets_manager(cache.auth_token),
        }
        if self._config.youtube_secret_arn:
            youtube = secretsmanager.Secret.from_secret_complete_arn(self, "YoutubeApiKey",
                                                                     self._config.youtube_secret_arn)
            secrets["YOUTUBE_API_KEY"] = ecs.Secret.from_secrets_manager(youtube)
        return secrets

    def _task_definition(self, name: str, command: list[str] | None, *, cpu: int, memory: int,
                         port: int | None = None) -> ecs.FargateTaskDefinition:
        task = ecs.FargateTaskDefinition(self, f"{name}Task", cpu=cpu, memory_limit_mib=memory,
                                         task_role=self._task_role,
                                         runtime_platform=ecs.RuntimePlatform(
                                             cpu_architecture=ecs.CpuArchitecture.X86_64,
                                             operating_system_family=ecs.OperatingSystemFamily.LINUX))
        group = logs.LogGroup(self, f"{name}Logs", retention=retention(self._config.log_retention_days))
        self.log_groups[name] = group
        task.add_container(
            "app", image=self.image, command=command, environment=self._environment, secrets=self._secrets,
            logging=ecs.LogDrivers.aws_logs(stream_prefix=name.lower(), log_group=group),
            port_mappings=[ecs.PortMapping(container_port=port)] if port else None,
            readonly_root_filesystem=True,  # the image writes only to /tmp, a task-local volume below
        ).add_mount_points(ecs.MountPoint(container_path=SCRATCH, source_volume="tmp", read_only=False))
        task.add_volume(name="tmp")
        return task

    def _service(self, name: str, command: list[str] | None, *, cpu: int, memory: int, desired_count: int,
                 port: int | None = None, **options) -> ecs.FargateService:
        task = self._task_definition(name, command, cpu=cpu, memory=memory, port=port)
        return ecs.FargateService(
            self, f"{name}Service", cluster=self.cluster, task_definition=task, desired_count=desired_count,
            security_groups=[self._security_group], vpc_subnets=self._network.app_subnets, assign_public_ip=False,
            circuit_breaker=ecs.DeploymentCircuitBreaker(rollback=True), **options)

    def _web_service(self) -> ecs.FargateService:
        # The image's own command (gunicorn) serves the web.
        return self._service("Web", None, cpu=512, memory=1024, desired_count=self._config.web_min_tasks,
                             port=WEB_PORT, health_check_grace_period=Duration.seconds(60),
                             min_healthy_percent=100)  # a deploy starts new tasks before stopping old ones

    def _worker_service(self, queue: str) -> ecs.FargateService:
        name = f"Worker{queue.capitalize()}"
        service = self._service(name, [*WORKER_COMMAND, queue], cpu=512, memory=1024, desired_count=1,
                                min_healthy_percent=100)  # a queue is never left without a worker
        scaling = service.auto_scale_task_count(min_capacity=1, max_capacity=self._config.worker_max_tasks)
        scaling.scale_on_metric(f"{name}Backlog", metric=queue_metric("QueueLength", queue),
                                scaling_steps=list(BACKLOG_STEPS),
                                adjustment_type=appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
                                cooldown=Duration.minutes(2))
        return service

    def all_services(self) -> list[ecs.FargateService]:
        return [self.web, *self.workers.values(), self.beat]

    def attach_web(self, listener: elbv2.ApplicationListener) -> elbv2.ApplicationTargetGroup:
        """Send the listener's traffic to the web service and scale it on CPU."""
        group = listener.add_targets(
            "Web", port=WEB_PORT, protocol=elbv2.ApplicationProtocol.HTTP, targets=[self.web],
            deregistration_delay=Duration.seconds(30),
            health_check=elbv2.HealthCheck(path=HEALTH_CHECK_PATH, healthy_http_codes="200",
                                           interval=Duration.seconds(15), timeout=Duration.seconds(5)))
        # The CDK makes the service depend on its target group, which the service's Ref already does;
        # cfn-lint's W3005 says so. Harmless, and not ours to change.
        self.web.node.default_child.add_metadata("cfn-lint", {"config": {"ignore_checks": ["W3005"]}})
        scaling = self.web.auto_scale_task_count(min_capacity=self._config.web_min_tasks,
                                                 max_capacity=self._config.web_max_tasks)
        scaling.scale_on_cpu_utilization("WebCpu", target_utilization_percent=60)
        return group
