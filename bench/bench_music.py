"""Music: import speed, and one personalised song list served from the database against the peers' pandas way.

SQLite: the 41k hit-predictor tracks, imported by the real command code.
PostgreSQL: a 1,000,000-track catalogue made from those real rows (each copied
with its (valence, energy) jittered by at most 0.02), in a scratch database
that is dropped afterwards. Peers hold the CSV in memory with pandas and
filter it by mood or take the nearest rows in (valence, energy); we time that
on the same rows in the same run and print the ratio.
"""

import json
import os
import subprocess
import sys
import time

import numpy as np
import pandas as pd
from common import ROOT, SHARED_DATA, django_setup, emit, p50_p95, timings_ms

HITS = sorted((SHARED_DATA / "spotify" / "hit_predictor").glob("dataset-of-*.csv"))
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
PG_DB = "cs_music_bench"
EMOTIONS = ("HAPPY", "SAD", "ANGRY", "CONFUSED", "DISGUSTED", "SURPRISED", "CALM", "FEAR")
RUNS = 400


def listener_with_history() -> int:
    """A user with five built lists (50 recent songs), two likes and a dislike: a realistic personalised request."""
    from accounts.models import User
    from moods.models import MoodCapture
    from music.models import Playlist, Recommendation
    from music.services.recommendations import playlist_build

    user = User.objects.create_user("bench-listener")
    for emotion in ("SAD", "CALM", "HAPPY", "FEAR", "ANGRY"):
        capture = MoodCapture.objects.create(user=user, source="manual", status="done", emotion=emotion)
        playlist = Playlist.objects.create(capture=capture, user=user, emotion=emotion, strategy="match")
        playlist_build(playlist_id=playlist.id)
    songs = list(Recommendation.objects.filter(user=user).order_by("id")[:3])
    for song, feedback in zip(songs, ("like", "like", "dislike"), strict=True):
        Recommendation.objects.filter(id=song.id).update(feedback=feedback, feedback_at=song.created_at)
    return user.id


def list_timing(user_id: int, strategy: str) -> tuple[float, float]:
    from music.selectors import ListRequest, recommendations_compute

    requests = iter([ListRequest(emotion=EMOTIONS[i % 8], strategy=strategy, user_id=user_id) for i in range(RUNS + 3)])
    return p50_p95(timings_ms(lambda: recommendations_compute(next(requests)), repeat=RUNS))


def pandas_timings(frame: pd.DataFrame, history: set[str]) -> dict[str, tuple[float, float]]:
    """The peers' way: the whole CSV in memory; per request, filter by mood or take the nearest rows."""
    from music.affect import EMOTION_TARGETS

    points = frame[["valence", "energy"]].to_numpy()
    emotions = iter(EMOTIONS[i % 8] for i in range(10 * RUNS))

    def by_mood():
        mood = EMOTION_TARGETS[next(emotions)].moods[0]
        rows = frame[(frame["mood"] == mood) & ~frame["uri"].isin(history)]
        return rows.sample(n=10, random_state=1)

    def nearest():
        target = np.array(EMOTION_TARGETS[next(emotions)].point)
        distance = np.hypot(*(points - target).T)
        fresh = frame.assign(distance=distance)[~frame["uri"].isin(history)]
        return fresh.nsmallest(10, "distance")

    return {"filter by mood": p50_p95(timings_ms(by_mood, repeat=RUNS)),
            "nearest in (valence, energy)": p50_p95(timings_ms(nearest, repeat=RUNS))}


def peers_frame(copies: int = 1) -> pd.DataFrame:
    from music.affect import mood_derive

    frame = pd.concat([pd.read_csv(path) for path in HITS], ignore_index=True)
    frame["mood"] = [mood_derive(valence=v, energy=e) for v, e in zip(frame["valence"], frame["energy"], strict=True)]
    if copies > 1:
        frame = jittered(frame, copies)
    return frame


def jittered(frame: pd.DataFrame, copies: int) -> pd.DataFrame:
    rng = np.random.default_rng(42)
    big = pd.concat([frame] * copies, ignore_index=True)
    for column in ("valence", "energy"):
        big[column] = np.clip(big[column] + rng.uniform(-0.02, 0.02, len(big)), 0, 1)
    big["uri"] = big["uri"] + "#" + (big.index // len(frame)).astype(str)
    return big


def sqlite_rows() -> list[list]:
    from music.models import Track
    from music.services.imports import tracks_import

    start = time.perf_counter()
    summary = tracks_import(paths=HITS)
    first = time.perf_counter() - start
    start = time.perf_counter()
    again = tracks_import(paths=HITS)
    second = time.perf_counter() - start
    assert again.unchanged == summary.created and again.created == again.updated == 0
    user_id = listener_with_history()
    history = set(Track.objects.filter(recommendations__user_id=user_id).values_list("spotify_id", flat=True))
    ours = list_timing(user_id, "match")
    uplift = list_timing(user_id, "uplift")
    peers = pandas_timings(peers_frame(), {f"spotify:track:{spotify_id}" for spotify_id in history})
    rows = [[f"import {Track.objects.count():,} hit-predictor tracks (6 files)", f"{first:.2f} s", "", "1", ""],
            ["re-import the same files (all unchanged)", f"{second:.2f} s", "", "1", ""]]
    rows += result_rows("SQLite, 41k", ours, uplift, peers)
    return rows


def result_rows(label: str, ours, uplift, peers) -> list[list]:
    rows = [[f"{label}: personalised list, match (grid / GiST index)", f"{ours[0]:.2f} ms", f"{ours[1]:.2f} ms",
             str(RUNS), "1.0x"],
            [f"{label}: personalised list, uplift path", f"{uplift[0]:.2f} ms", f"{uplift[1]:.2f} ms", str(RUNS), ""]]
    for name, (p50, p95) in peers.items():
        rows.append([f"{label}: peers' pandas in memory, {name}", f"{p50:.2f} ms", f"{p95:.2f} ms", str(RUNS),
                     f"{p95 / ours[1]:.1f}x our p95"])
    return rows


def main() -> None:
    if sys.argv[1:] == ["--postgres"]:
        from music_pg import postgres_rows

        print(json.dumps(postgres_rows()))
        return
    django_setup()
    rows = sqlite_rows()
    pg = subprocess.run([sys.executable, __file__, "--postgres"], cwd=ROOT, capture_output=True, text=True,
                        check=False)
    sys.stderr.write(pg.stderr[-3000:])
    rows += json.loads(pg.stdout.strip().splitlines()[-1]) if pg.returncode == 0 else [
        ["PostgreSQL 1M", f"failed (exit {pg.returncode})", "", "", ""]]
    emit("Music: import and recommendations", ["what", "p50 (or time)", "p95", "runs", "vs ours"], rows, [
        "A personalised list: the listener's last 50 songs and dislikes excluded, likes pulling neighbours up, "
        "artist cap, 10 songs; emotions cycled over the 8.",
        "Peers' way: the same rows held in memory by pandas; per request a mood filter (random 10) or a numpy "
        "nearest-neighbour over every row, minus the listener's history. Ratio = their p95 / our match p95.",
        "PostgreSQL: 1,000,000 tracks made from the 41k real rows, (valence, energy) jittered by ±0.02; scratch "
        f"database {PG_DB}, dropped afterwards."])


if __name__ == "__main__":
    main()
