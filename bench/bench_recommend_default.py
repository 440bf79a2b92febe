"""One personalised song list on the default catalogue that `make setup` loads (SQLite, as `make run` serves it).

The kinds of list are timed interleaved, round by round (match, uplift, "more
like this", a disliked song's replacement), so a noisy neighbour slows them
alike. Wall and CPU time (time.process_time: SQLite runs in this process) of
each call; p50 and p95 of the rounds.
"""

import random
import time

from bench_music import EMOTIONS, listener_with_history
from common import django_setup, emit, p50_p95

RUNS = 400
WARMUP = 5


def requests(user_id: int, seeds: list) -> dict:
    from music.selectors import ListRequest, recommendations_compute, song_replacement

    def match(i):
        return recommendations_compute(ListRequest(emotion=EMOTIONS[i % 8], user_id=user_id))

    def uplift(i):
        return recommendations_compute(ListRequest(emotion=EMOTIONS[i % 8], strategy="uplift", user_id=user_id))

    def similar(i):
        return recommendations_compute(ListRequest(emotion="HAPPY", seed=seeds[i % len(seeds)], user_id=user_id))

    def replacement(i):
        request = ListRequest(emotion=EMOTIONS[i % 8], strategy="uplift", user_id=user_id)
        return song_replacement(request, replaced=seeds[i % len(seeds)], step=3, steps=10)

    return {"match": match, "uplift (iso principle, 10 steps)": uplift, "more like this (every feature)": similar,
            "a disliked song's replacement (uplift)": replacement}


def interleaved(kinds: dict) -> dict[str, tuple[list[float], list[float]]]:
    samples = {name: ([], []) for name in kinds}
    for i in range(WARMUP + RUNS):
        for name, call in kinds.items():
            wall, cpu = time.perf_counter(), time.process_time()
            picks = call(i)
            wall, cpu = (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000
            if not picks:
                raise SystemExit(f"{name}: no songs in round {i}")
            if i >= WARMUP:
                samples[name][0].append(wall)
                samples[name][1].append(cpu)
    return samples


def main() -> None:
    django_setup()
    from music.models import Track
    from music.services.catalogue import catalogue_load

    catalogue_load()
    user_id = listener_with_history()
    playable = list(Track.objects.filter(active=True, spotify_id__isnull=False, valence__isnull=False))
    seeds = random.Random(7).sample(playable, 50)
    rows = []
    for name, (wall, cpu) in interleaved(requests(user_id, seeds)).items():
        wall_p50, wall_p95 = p50_p95(wall)
        cpu_p50, cpu_p95 = p50_p95(cpu)
        rows.append([name, f"{wall_p50:.2f} ms", f"{wall_p95:.2f} ms", f"{cpu_p50:.2f} ms", f"{cpu_p95:.2f} ms",
                     str(len(wall))])
    emit("Recommendations on the default catalogue", ["list", "wall p50", "wall p95", "CPU p50", "CPU p95", "runs"],
         rows, [f"{Track.objects.filter(active=True).count():,} active tracks, {len(playable):,} with a Spotify id "
                "and features: what `make setup` loads. SQLite, as `make run` serves it.",
                "A listener with five built lists (50 recent songs left out), two likes and a dislike; emotions "
                "cycled over the 8; 50 random seed songs for \"more like this\" and for the disliked song.",
                "The four kinds run interleaved, one call each per round, after 5 warm-up rounds."])


if __name__ == "__main__":
    main()
