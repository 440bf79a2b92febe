"""CDK assertions on the synthesised stack: every part of the production topology, with exact values."""

import pytest
from aws_cdk.assertions import Match, Template
from cloudscendo_infra.config import QUEUES

QUEUE_SERVICES = {queue: f"Worker{queue.capitalize()}" for queue in QUEUES}


@pytest.fixture(scope="module")
def template(synthesised) -> Template:
    return Template.from_json(synthesised.template)


def _containers(synthesised, task: str) -> list[dict]:
    [definition] = [resource for name, resource in synthesised.resources("AWS::ECS::TaskDefinition").items()
                    if name.startswith(f"App{task}Task")]
    return definition["Properties"]["ContainerDefinitions"]


def test_every_resource_of_the_topology_is_there_in_its_number(template):
    counts = {
        "AWS::EC2::VPC": 1, "AWS::EC2::NatGateway": 0, "AWS::EC2::VPCEndpoint": 7, "AWS::EC2::FlowLog": 1,
        "AWS::ElasticLoadBalancingV2::LoadBalancer": 1, "AWS::ElasticLoadBalancingV2::Listener": 2,
        "AWS::WAFv2::WebACL": 1, "AWS::WAFv2::WebACLAssociation": 1,
        "AWS::ECS::Cluster": 1, "AWS::ECS::Service": 6, "AWS::ECS::TaskDefinition": 7,
        "AWS::RDS::DBInstance": 1, "AWS::ElastiCache::ReplicationGroup": 1, "AWS::SecretsManager::Secret": 3,
        "AWS::S3::Bucket": 2, "AWS::Logs::LogGroup": 11, "Custom::CloudscendoMigrate": 1,
        "AWS::Lambda::Function": 5, "AWS::StepFunctions::StateMachine": 1,
        "AWS::CloudWatch::Alarm": 14, "AWS::SNS::Topic": 1,
        "AWS::ApplicationAutoScaling::ScalableTarget": 5, "AWS::ApplicationAutoScaling::ScalingPolicy": 9,
    }
    for kind, count in counts.items():
        template.resource_count_is(kind, count)


def test_private_subnets_reach_aws_through_endpoints_without_a_nat(synthesised):
    names = sorted(endpoint["Properties"]["ServiceName"]["Fn::Join"][1][-1] if isinstance(
        endpoint["Properties"]["ServiceName"], dict) else endpoint["Properties"]["ServiceName"]
        for endpoint in synthesised.resources("AWS::EC2::VPCEndpoint").values())
    assert names == [".s3", "com.amazonaws.eu-west-1.ecr.api", "com.amazonaws.eu-west-1.ecr.dkr",
                     "com.amazonaws.eu-west-1.logs", "com.amazonaws.eu-west-1.monitoring",
                     "com.amazonaws.eu-west-1.rekognition", "com.amazonaws.eu-west-1.secretsmanager"]
    routes = synthesised.resources("AWS::EC2::Route").values()
    assert [route["Properties"].get("GatewayId", {}).get("Ref", "")[:len("NetworkVpcIGW")] for route in routes] \
        == ["NetworkVpcIGW", "NetworkVpcIGW"]  # only the public subnets route out, to the internet gateway


def test_youtube_adds_one_nat_gateway_and_kendra_its_endpoint(synthesised_full):
    full = Template.from_json(synthesised_full.template)
    full.resource_count_is("AWS::EC2::NatGateway", 1)
    full.resource_count_is("AWS::EC2::VPCEndpoint", 8)
    full.has_resource_properties("AWS::EC2::VPCEndpoint", {"ServiceName": "com.amazonaws.eu-west-1.kendra"})


def test_https_listener_uses_the_certificate_and_http_only_redirects(template):
    template.has_resource_properties("AWS::ElasticLoadBalancingV2::Listener", {
        "Port": 443, "Protocol": "HTTPS", "SslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
        "Certificates": [{"CertificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/"
                                            "0a1b2c3d-0000-1111-2222-333344445555"}]})
    template.has_resource_properties("AWS::ElasticLoadBalancingV2::Listener", {
        "Port": 80, "Protocol": "HTTP",
        "DefaultActions": [{"Type": "redirect", "RedirectConfig": {"Port": "443", "Protocol": "HTTPS",
                                                                   "StatusCode": "HTTP_301"}}]})
    template.has_resource_properties("AWS::ElasticLoadBalancingV2::LoadBalancer", {
        "Scheme": "internet-facing", "LoadBalancerAttributes": Match.array_with([
            {"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "true"},
            {"Key": "access_logs.s3.enabled", "Value": "true"}])})


def test_load_balancer_checks_readiness_of_the_web_tasks(template):
    template.has_resource_properties("AWS::ElasticLoadBalancingV2::TargetGroup", {
        "HealthCheckPath": "/readyz", "Matcher": {"HttpCode": "200"}, "Port": 8000, "Protocol": "HTTP",
        "TargetType": "ip"})


def test_waf_has_managed_rules_and_rate_limits_on_login_and_api(synthesised):
    [acl] = synthesised.resources("AWS::WAFv2::WebACL").values()
    rules = {rule["Name"]: rule for rule in acl["Properties"]["Rules"]}
    assert sorted(rules) == ["AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesCommonRuleSet",
                             "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesSQLiRuleSet",
                             "rate-accounts-login", "rate-api"]
    limits = {name: (rule["Statement"]["RateBasedStatement"]["Limit"], rule["Action"],
                     rule["Statement"]["RateBasedStatement"]["ScopeDownStatement"]["ByteMatchStatement"])
              for name, rule in rules.items() if name.startswith("rate-")}
    match = {"FieldToMatch": {"UriPath": {}}, "PositionalConstraint": "STARTS_WITH",
             "TextTransformations": [{"Priority": 0, "Type": "NONE"}]}
    assert limits == {"rate-accounts-login": (100, {"Block": {}}, {**match, "SearchString": "/accounts/login/"}),
                      "rate-api": (1000, {"Block": {}}, {**match, "SearchString": "/api/"})}
    common = rules["AWSManagedRulesCommonRuleSet"]["Statement"]["ManagedRuleGroupStatement"]
    assert common["RuleActionOverrides"] == [{"Name": "SizeRestrictions_BODY", "ActionToUse": {"Count": {}}}]
    assert acl["Properties"]["Scope"] == "REGIONAL" and acl["Properties"]["DefaultAction"] == {"Allow": {}}
    [association] = synthesised.resources("AWS::WAFv2::WebACLAssociation").values()
    [alb] = synthesised.resources("AWS::ElasticLoadBalancingV2::LoadBalancer")
    assert association["Properties"]["ResourceArn"] == {"Ref": alb}


def test_one_worker_service_per_queue_each_consuming_only_its_queue(synthesised):
    services = synthesised.resources("AWS::ECS::Service")
    for queue, task in QUEUE_SERVICES.items():
        [service] = [service for name, service in services.items() if name.startswith(f"App{task}Service")]
        assert service["Properties"]["DeploymentConfiguration"]["MinimumHealthyPercent"] == 100
        [container] = _containers(synthesised, task)
        assert container["Command"] == ["celery", "-A", "cloudscendo", "worker", "--loglevel", "INFO",
                                        "--concurrency", "2", "-Q", queue]


def test_beat_runs_as_exactly_one_task_and_web_from_the_image_command(synthesised):
    services = synthesised.resources("AWS::ECS::Service")
    [beat] = [service for name, service in services.items() if name.startswith("AppBeatService")]
    assert beat["Properties"]["DesiredCount"] == 1
    assert beat["Properties"]["DeploymentConfiguration"]["MaximumPercent"] == 100
    assert beat["Properties"]["DeploymentConfiguration"]["MinimumHealthyPercent"] == 0
    [container] = _containers(synthesised, "Beat")
    assert container["Command"][:4] == ["celery", "-A", "cloudscendo", "beat"]
    [web] = _containers(synthesised, "Web")
    assert "Command" not in web and web["PortMappings"] == [{"ContainerPort": 8000, "Protocol": "tcp"}]


def test_migrate_is_a_task_definition_without_a_service(synthesised):
    [container] = _containers(synthesised, "Migrate")
    assert container["Command"] == ["python", "manage.py", "migrate", "--no-input"]
    task_definitions = [service["Properties"]["TaskDefinition"]["Ref"]
                        for service in synthesised.resources("AWS::ECS::Service").values()]
    assert not any(name.startswith("AppMigrateTask") for name in task_definitions)
    assert synthesised.template["Outputs"]["MigrateTaskDefinition"]["Value"]["Ref"].startswith("AppMigrateTask")


def test_each_worker_scales_on_its_own_queue_backlog(synthesised):
    alarms = synthesised.resources("AWS::CloudWatch::Alarm")
    policies = synthesised.resources("AWS::ApplicationAutoScaling::ScalingPolicy")
    for queue, task in QUEUE_SERVICES.items():
        scaling = {name: alarm["Properties"] for name, alarm in alarms.items()
                   if name.startswith(f"App{task}ServiceTaskCountTarget{task}Backlog")}
        assert len(scaling) == 2, queue  # the upper and the lower step alarm
        for properties in scaling.values():
            assert (properties["Namespace"], properties["MetricName"], properties["Dimensions"],
                    properties["Statistic"], properties["Period"]) == (
                "Cloudscendo", "QueueLength", [{"Name": "Queue", "Value": queue}], "Maximum", 60)
            [action] = properties["AlarmActions"]
            policy = policies[action["Ref"]]["Properties"]
            assert policy["PolicyType"] == "StepScaling"
            assert policy["ScalingTargetId"]["Ref"].startswith(f"App{task}ServiceTaskCountTarget")
    targets = {name: target["Properties"] for name, target
               in synthesised.resources("AWS::ApplicationAutoScaling::ScalableTarget").items()}
    assert sorted((target["MinCapacity"], target["MaxCapacity"]) for target in targets.values()) == \
        [(1, 10)] * 4 + [(2, 10)]


def test_database_is_multi_az_encrypted_backed_up_and_protected(template):
    template.has_resource_properties("AWS::RDS::DBInstance", {
        "Engine": "postgres", "EngineVersion": "17.9", "MultiAZ": True, "StorageEncrypted": True,
        "BackupRetentionPeriod": 7, "DeletionProtection": True, "PubliclyAccessible": False, "StorageType": "gp3",
        "MasterUsername": "cloudscendo",
        "MasterUserPassword": {"Fn::Join": ["", ["{{resolve:secretsmanager:", Match.any_value(),
                                                 ":SecretString:password::}}"]]}})
    template.has_resource("AWS::RDS::DBInstance", {"DeletionPolicy": "Snapshot"})
    template.has_resource_properties("AWS::SecretsManager::SecretTargetAttachment",
                                     {"TargetType": "AWS::RDS::DBInstance"})


def test_redis_is_a_non_cluster_group_with_tls_and_an_auth_token(synthesised):
    [group] = synthesised.resources("AWS::ElastiCache::ReplicationGroup").values()
    properties = group["Properties"]
    assert "NumNodeGroups" not in properties and "ReplicasPerNodeGroup" not in properties
    assert (properties["Engine"], properties["NumCacheClusters"], properties["TransitEncryptionEnabled"],
            properties["AtRestEncryptionEnabled"], properties["AutomaticFailoverEnabled"],
            properties["MultiAZEnabled"]) == ("redis", 2, True, True, True, True)
    assert "{{resolve:secretsmanager:" in str(properties["AuthToken"])


def test_photo_bucket_is_private_encrypted_tls_only_and_expires_what_it_should(synthesised):
    [photos] = [bucket["Properties"] for name, bucket in synthesised.resources("AWS::S3::Bucket").items()
                if name.startswith("BucketsPhotos")]
    assert photos["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": True}
    assert photos["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    assert photos["BucketEncryption"] == {
        "ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}
    assert "VersioningConfiguration" not in photos
    assert photos["LifecycleConfiguration"] == {"Rules": [
        {"Id": "abort-incomplete-uploads", "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
         "Status": "Enabled"},
        {"Id": "discard-unkept-photos", "ExpirationInDays": 1, "Prefix": "captures/",
         "TagFilters": [{"Key": "keep-photo", "Value": "false"}], "Status": "Enabled"},
        {"Id": "expire-raw-direct-uploads", "ExpirationInDays": 1, "Prefix": "captures/uploads/",
         "Status": "Enabled"}]}
    assert photos["CorsConfiguration"] == {"CorsRules": [{
        "AllowedHeaders": ["*"], "AllowedMethods": ["POST"], "AllowedOrigins": ["https://cloudscendo.example.com"],
        "MaxAge": 3000}]}
    [policy] = [policy["Properties"]["PolicyDocument"]["Statement"] for policy
                in synthesised.resources("AWS::S3::BucketPolicy").values()
                if policy["Properties"]["Bucket"]["Ref"].startswith("BucketsPhotos")]
    assert [(statement["Effect"], statement["Action"], statement["Condition"]) for statement in policy] == [
        ("Deny", "s3:*", {"Bool": {"aws:SecureTransport": "false"}})]


def test_tasks_get_the_production_settings(synthesised):
    [container] = _containers(synthesised, "Web")
    environment = {variable["Name"]: variable["Value"] for variable in container["Environment"]}
    tokens = {name: environment.pop(name) for name in ("AWS_STORAGE_BUCKET_NAME", "DB_HOST", "DB_PORT", "REDIS_HOST")}
    assert environment == {
        "DEBUG": "0", "ALLOWED_HOSTS": "cloudscendo.example.com",
        "CSRF_TRUSTED_ORIGINS": "https://cloudscendo.example.com", "BEHIND_TLS_PROXY": "1",
        "SECURE_SSL_REDIRECT": "0", "LOG_FORMAT": "json", "AWS_REGION": "eu-west-1", "STORAGE_BACKEND": "s3",
        "AWS_S3_PREFIX": "captures", "EMOTION_BACKEND": "rekognition", "METRICS_BACKEND": "cloudwatch",
        "SEARCH_BACKEND": "local",
        "VIDEO_BACKEND": "offline", "DB_NAME": "cloudscendo", "REDIS_PORT": "6379"}
    [bucket] = [name for name in synthesised.resources("AWS::S3::Bucket") if name.startswith("BucketsPhotos")]
    assert tokens["AWS_STORAGE_BUCKET_NAME"] == {"Ref": bucket}
    assert tokens["REDIS_HOST"]["Fn::GetAtt"][1] == "PrimaryEndPoint.Address"
    assert tokens["DB_HOST"]["Fn::GetAtt"][1] == "Endpoint.Address"
