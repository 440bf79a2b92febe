"""RDS PostgreSQL and ElastiCache Redis, reachable only from the app's security group."""

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticache as elasticache
from aws_cdk import aws_rds as rds
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from cloudscendo_infra.network import Network

DB_NAME = "cloudscendo"
DB_USER = "cloudscendo"
REDIS_PORT = 6379
# Letters and digits only, so a password drops into a URL (DATABASE_URL, rediss://) without escaping.
URL_UNSAFE = "".join(chr(c) for c in range(33, 127) if not chr(c).isalnum())


class Database(Construct):
    """Multi-AZ, encrypted, backed up for a week, protected from deletion; credentials in Secrets Manager."""

    def __init__(self, scope: Construct, construct_id: str, *, network: Network,
                 clients: ec2.ISecurityGroup) -> None:
        super().__init__(scope, construct_id)
        self.security_group = ec2.SecurityGroup(self, "SecurityGroup", vpc=network.vpc, allow_all_outbound=False,
                                                description="PostgreSQL, from the app tasks only")
        self.security_group.add_ingress_rule(clients, ec2.Port.tcp(5432), "PostgreSQL from the app")
        self.instance = rds.DatabaseInstance(
            self, "Postgres",
            engine=rds.DatabaseInstanceEngine.postgres(version=rds.PostgresEngineVersion.VER_17_9),
            instance_type=ec2.InstanceType.of(ec2.InstanceClass.BURSTABLE4_GRAVITON, ec2.InstanceSize.MEDIUM),
            vpc=network.vpc, vpc_subnets=network.data_subnets, security_groups=[self.security_group],
            database_name=DB_NAME,
            credentials=rds.Credentials.from_generated_secret(DB_USER, exclude_characters=URL_UNSAFE),
            multi_az=True, storage_encrypted=True, storage_type=rds.StorageType.GP3,
            allocated_storage=20, max_allocated_storage=200,
            backup_retention=Duration.days(7), deletion_protection=True, removal_policy=RemovalPolicy.SNAPSHOT,
            auto_minor_version_upgrade=True, enable_performance_insights=True,
            cloudwatch_logs_exports=["postgresql", "upgrade"],
        )
        self.secret = self.instance.secret


class Cache(Construct):
    """Redis in non-cluster mode (Celery's Redis transport has no cluster support), TLS and an AUTH token."""

    def __init__(self, scope: Construct, construct_id: str, *, network: Network,
                 clients: ec2.ISecurityGroup) -> None:
        super().__init__(scope, construct_id)
        self.security_group = ec2.SecurityGroup(self, "SecurityGroup", vpc=network.vpc, allow_all_outbound=False,
                                                description="Redis, from the app tasks only")
        self.security_group.add_ingress_rule(clients, ec2.Port.tcp(REDIS_PORT), "Redis from the app")
        self.auth_token = secretsmanager.Secret(
            self, "AuthToken", description="AUTH token of Cloudscendo's Redis",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                password_length=64, exclude_characters=URL_UNSAFE))
        subnets = elasticache.CfnSubnetGroup(
            self, "Subnets", description="Cloudscendo Redis",
            subnet_ids=network.vpc.select_subnets(subnet_group_name="data").subnet_ids)
        self.group = elasticache.CfnReplicationGroup(
            self, "Redis",
            replication_group_description="Cloudscendo broker and cache",
            engine="redis", engine_version="7.1", cache_node_type="cache.t4g.small",
            num_cache_clusters=2,  # a primary and a replica in the other AZ; no node groups: cluster mode off
            automatic_failover_enabled=True, multi_az_enabled=True,
            transit_encryption_enabled=True, at_rest_encryption_enabled=True,
            auth_token=self.auth_token.secret_value.unsafe_unwrap(),  # a dynamic reference, resolved by CloudFormation
            port=REDIS_PORT, cache_subnet_group_name=subnets.ref,
            security_group_ids=[self.security_group.security_group_id],
            snapshot_retention_limit=1, auto_minor_version_upgrade=True,
        )
        self.host = self.group.attr_primary_end_point_address
