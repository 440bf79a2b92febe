"""Lambda handlers that run the migrate task during `cdk deploy`, before the services change.

CloudFormation calls on_event when the custom resource is created or its properties change (a new
migrate task definition, i.e. a new image); the CDK's provider then polls is_complete until the task
has stopped. A migrate that fails fails the deployment, which CloudFormation rolls back: the services
never run code whose schema is not there. Deleting the resource runs nothing.
"""

import functools

import boto3


@functools.cache
def ecs():
    """One ECS client per Lambda container (the region comes from the Lambda's own environment)."""
    return boto3.client("ecs")


def on_event(event: dict, context=None) -> dict:
    """Start the migrate task; its ARN becomes the resource's physical id."""
    if event["RequestType"] == "Delete":
        return {"PhysicalResourceId": event["PhysicalResourceId"]}
    properties = event["ResourceProperties"]
    answer = ecs().run_task(
        cluster=properties["Cluster"], taskDefinition=properties["TaskDefinition"], launchType="FARGATE",
        count=1, startedBy="cdk-deploy",
        networkConfiguration={"awsvpcConfiguration": {
            "subnets": properties["Subnets"], "securityGroups": properties["SecurityGroups"],
            "assignPublicIp": "DISABLED"}})
    if answer["failures"] or not answer["tasks"]:
        raise RuntimeError(f"The migrate task did not start: {answer['failures']}")
    return {"PhysicalResourceId": answer["tasks"][0]["taskArn"]}


def is_complete(event: dict, context=None) -> dict:
    """Done when the task has stopped with exit code 0; raises when it stopped otherwise."""
    if event["RequestType"] == "Delete":
        return {"IsComplete": True}
    cluster = event["ResourceProperties"]["Cluster"]
    [task] = ecs().describe_tasks(cluster=cluster, tasks=[event["PhysicalResourceId"]])["tasks"]
    if task["lastStatus"] != "STOPPED":
        return {"IsComplete": False}
    [container] = task["containers"]
    if container.get("exitCode") != 0:
        raise RuntimeError(f"migrate stopped with exit code {container.get('exitCode')}: "
                           f"{container.get('reason') or task.get('stoppedReason')}")
    return {"IsComplete": True}
