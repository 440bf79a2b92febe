"""The task roles carry the README's least-privilege policy and nothing more."""


def _policy_statements(synthesised, prefix: str) -> list[dict]:
    [policy] = [policy["Properties"] for name, policy in synthesised.resources("AWS::IAM::Policy").items()
                if name.startswith(prefix)]
    return policy["PolicyDocument"]["Statement"]


def _photos_bucket(synthesised) -> str:
    [name] = [name for name in synthesised.resources("AWS::S3::Bucket") if name.startswith("BucketsPhotos")]
    return name


def _photos_arn(synthesised) -> dict:
    return {"Fn::Join": ["", [{"Fn::GetAtt": [_photos_bucket(synthesised), "Arn"]}, "/captures/*"]]}


REKOGNITION = {"Action": "rekognition:DetectFaces", "Effect": "Allow", "Resource": "*"}
METRICS = {"Action": "cloudwatch:PutMetricData", "Effect": "Allow", "Resource": "*",
           "Condition": {"StringEquals": {"cloudwatch:namespace": "Cloudscendo"}}}


def test_app_role_has_exactly_rekognition_the_photo_prefix_and_queue_metrics(synthesised):
    photos = {"Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], "Effect": "Allow",
              "Resource": _photos_arn(synthesised)}
    list_bucket = {"Action": "s3:ListBucket", "Effect": "Allow",
                   "Resource": {"Fn::GetAtt": [_photos_bucket(synthesised), "Arn"]}}  # for /readyz's HeadBucket
    assert _policy_statements(synthesised, "AppTaskRolePolicy") == [REKOGNITION, photos, list_bucket, METRICS]


def test_app_role_gets_kendra_on_its_index_only_when_kendra_is_used(synthesised_full):
    kendra = {"Action": ["kendra:Query", "kendra:BatchPutDocument", "kendra:BatchDeleteDocument",
                         "kendra:UpdateIndex"], "Effect": "Allow",
              "Resource": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":kendra:eu-west-1:",
                                             {"Ref": "AWS::AccountId"},
                                             ":index/0123abcd-4567-89ef-0123-456789abcdef"]]}}
    statements = _policy_statements(synthesised_full, "AppTaskRolePolicy")
    assert statements[:2] == [REKOGNITION, kendra] and statements[4] == METRICS and len(statements) == 5


def test_every_task_definition_uses_the_app_role_and_no_other_policy_names_it(synthesised):
    [role] = [name for name in synthesised.resources("AWS::IAM::Role") if name.startswith("AppTaskRole")]
    task_roles = {definition["Properties"]["TaskRoleArn"]["Fn::GetAtt"][0]
                  for definition in synthesised.resources("AWS::ECS::TaskDefinition").values()}
    assert task_roles == {role}
    attached = [name for name, policy in synthesised.resources("AWS::IAM::Policy").items()
                if {"Ref": role} in policy["Properties"].get("Roles", [])]
    assert [name[:len("AppTaskRolePolicy")] for name in attached] == ["AppTaskRolePolicy"]
    assert "ManagedPolicyArns" not in synthesised.resources("AWS::IAM::Role")[role]["Properties"]


def test_secrets_reach_the_tasks_from_secrets_manager_never_as_plain_values(synthesised):
    for definition in synthesised.resources("AWS::ECS::TaskDefinition").values():
        [container] = definition["Properties"]["ContainerDefinitions"]
        assert sorted(secret["Name"] for secret in container["Secrets"]) == [
            "DB_PASSWORD", "DB_USER", "REDIS_AUTH_TOKEN", "SECRET_KEY"]
        names = {variable["Name"] for variable in container["Environment"]}
        assert not names & {"SECRET_KEY", "DB_PASSWORD", "REDIS_AUTH_TOKEN", "DATABASE_URL", "YOUTUBE_API_KEY"}
        assert container["ReadonlyRootFilesystem"] is True
