"""One Rekognition rate limit for all workers: a token bucket in real Redis, shared by several processes."""

import itertools
import multiprocessing
import os
import time

import boto3
import pytest
import redis
from botocore.stub import Stubber

from cloudscendo import aws, ratelimit
from moods.emotion import BackendUnavailable
from moods.emotion.rekognition import RekognitionDetector
from moods.tests.images import astronaut_jpeg

MAX_TPS = 5
PROCESSES, CALLS = 4, 5


def _stubbed_client(calls: int) -> tuple:
    client = boto3.client("rekognition", region_name="eu-west-1", aws_access_key_id="testing",
                          aws_secret_access_key="testing")
    stub = Stubber(client)
    for _ in range(calls):
        stub.add_response("detect_faces", {"FaceDetails": []})
    return client, stub


def _worker(calls: int, results) -> None:
    """One worker process: `calls` analyses against a stubbed Rekognition; report its slots and call times."""
    client, stub = _stubbed_client(calls)
    called, slots = [], []
    # the Stubber answers at before-call, so the call is timed when its parameters are built
    client.meta.events.register("before-parameter-build.rekognition.DetectFaces",
                                lambda **kwargs: called.append(time.time()))
    take = ratelimit.slot_take
    ratelimit.slot_take = lambda *args, **kwargs: slots.append(take(*args, **kwargs))
    aws.client = lambda service: client
    image = astronaut_jpeg()
    with stub:
        for _ in range(calls):
            RekognitionDetector().detect(image)
    results.put((os.getpid(), slots, called))


@pytest.fixture
def shared_bucket(settings, redis_broker_url):
    """The limit's bucket in this test's (flushed) Redis database."""
    settings.CACHE_URL = redis_broker_url
    settings.REKOGNITION_MAX_TPS = MAX_TPS
    return redis.Redis.from_url(redis_broker_url)


@pytest.mark.redis
def test_several_worker_processes_together_stay_under_the_limit(shared_bucket, settings):
    # given four worker processes, each with five photos to read at once (a burst of 20 calls)
    settings.REKOGNITION_MAX_WAIT_SECONDS = 30  # this burst waits, it is not sent back to the queue
    results = multiprocessing.get_context("fork").SimpleQueue()
    workers = [multiprocessing.get_context("fork").Process(target=_worker, args=(CALLS, results))
               for _ in range(PROCESSES)]

    # when they all run
    for worker in workers:
        worker.start()
    reports = [results.get() for _ in workers]
    for worker in workers:
        worker.join(30)

    # then every call was made, each after the slot the shared bucket gave it ...
    assert [worker.exitcode for worker in workers] == [0] * PROCESSES
    assert sorted(len(called) for _, _, called in reports) == [CALLS] * PROCESSES
    for _, slots, called in reports:
        assert all(call >= slot - 0.001 for slot, call in zip(slots, called, strict=True))  # 0.1 ms: Lua's digits
    # ... and no one-second window holds more than MAX_TPS of those slots, across all processes (the
    # window's end is pulled in by 1 ms: slots come back from Lua with 0.1 ms digits)
    slots = sorted((slot, pid) for pid, own, _ in reports for slot in own)
    times = [slot for slot, _ in slots]
    assert max(sum(1 for other in times if start <= other < start + 0.999) for start in times) == MAX_TPS
    assert min(b - a for a, b in itertools.pairwise(times)) >= 1 / MAX_TPS - 0.001
    # the processes really competed: their turns interleave instead of running one after another
    owners = [pid for _, pid in slots]
    assert sum(1 for a, b in itertools.pairwise(owners) if a != b) >= PROCESSES


@pytest.mark.redis
def test_a_turn_too_far_away_reserves_nothing_and_is_retried_later(shared_bucket, settings, monkeypatch):
    # given a bucket just used, at one call every ten seconds
    settings.REKOGNITION_MAX_TPS, settings.REKOGNITION_MAX_WAIT_SECONDS = 0.1, 1
    client, stub = _stubbed_client(1)
    monkeypatch.setattr("cloudscendo.aws.client", lambda service: client)
    with stub:
        RekognitionDetector().detect(astronaut_jpeg())
    due = shared_bucket.get("ratelimit:rekognition")

    # when two more analyses come at once
    for _ in range(2):
        with pytest.raises(BackendUnavailable, match=r"Rekognition is busy \(next slot in \d+\.\d s\)"):
            RekognitionDetector().detect(astronaut_jpeg())

    # then neither reached Rekognition (the stub has no answer left) nor moved the next slot
    assert shared_bucket.get("ratelimit:rekognition") == due


def test_an_unreachable_bucket_is_a_transient_error(settings):
    settings.CACHE_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

    with pytest.raises(BackendUnavailable, match="the rate limit's Redis did not answer"):
        RekognitionDetector().detect(astronaut_jpeg())


def test_without_redis_one_process_keeps_the_same_pace(settings):
    settings.CACHE_URL = None

    slots = [ratelimit.slot_take("local-test", rate=20, max_wait=5) for _ in range(5)]

    assert min(b - a for a, b in itertools.pairwise(slots)) >= 0.05 - 1e-6  # 1e-6: float digits at epoch scale
