"""Music: import speed, and one personalised song list from the database against a numpy list in memory.

SQLite: the 41k hit-predictor tracks, imported by the real command code.
PostgreSQL: a 1,000,000-track catalogue made from those real rows (each copied
with its (valence, energy) jittered by at most 0.02), in a scratch database
that is dropped afterwards. The baseline holds the same catalogue in numpy
arrays and builds the same personalised list (music.ranking's scoring, likes,
history, artist cap) per request; ours and it take turns, request by request,
in one process, and both are timed in CPU and wall time.
"""

import json
import os
import subprocess
import sys
import time

import numpy as np
import pandas as pd
from common import ROOT, SHARED_DATA, django_setup, emit, interleaved, p50_p95

HITS = sorted((SHARED_DATA / "spotify" / "hit_predictor").glob("dataset-of-*.csv"))
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
PG_DB = os.environ.get("BENCH_PG_DB", "cs_music_bench")  # a scratch database of this name is dropped
EMOTIONS = ("HAPPY", "SAD", "ANGRY", "CONFUSED", "DISGUSTED", "SURPRISED", "CALM", "FEAR")
RUNS = 400
LIST_GOAL_MS = 3.0  # issue 15: a list build <= 3 ms p50


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


class NumpyLists:
    """The fair in-memory alternative: every active track's ranking fields in numpy arrays; per request
    the score of music.ranking.candidate_scores over all of them, the best CANDIDATES re-scored with the
    likes, then the artist cap. The listener's history comes from the same one-query selector as ours."""

    CANDIDATES = 200

    def __init__(self):
        from music.models import Track
        from music.ranking import UNKNOWN_POPULARITY, artist_key

        rows = list(Track.objects.filter(active=True).values_list(
            "id", "pos_valence", "pos_energy", "popularity", "mood", "artist", "valence", "energy"))
        self.ids = np.array([r[0] for r in rows])
        self.points = np.array([(r[1], r[2]) for r in rows], dtype=np.float64)
        self.popularity = np.array([UNKNOWN_POPULARITY if r[3] is None else r[3] for r in rows], np.float64)
        self.moods = np.array([r[4] for r in rows])
        self.artists = [artist_key(r[5]) for r in rows]
        self.guessed = np.array([r[6] is None or r[7] is None for r in rows])
        self.position = {track_id: index for index, track_id in enumerate(self.ids.tolist())}

    def build(self, request) -> list[int]:
        from music import ranking
        from music.affect import EMOTION_TARGETS
        from music.selectors import LIST_SIZE, listener_history

        target = EMOTION_TARGETS[request.emotion]
        excluded, liked = listener_history(request)
        score = 1 - np.hypot(*(self.points - target.point).T) / np.sqrt(2)
        score += ranking.MOOD_BONUS * np.isin(self.moods, target.moods)
        score += ranking.POPULARITY_WEIGHT * self.popularity / 100 - ranking.GUESSED_POSITION_PENALTY * self.guessed
        score[[self.position[i] for i in excluded if i in self.position]] = -np.inf
        best = np.argpartition(-score, self.CANDIDATES)[:self.CANDIDATES]
        if liked:
            near = np.min(np.hypot(*(self.points[best, None, :] - np.array(liked)[None]).transpose(2, 0, 1)), axis=1)
            score[best] += ranking.LIKE_PULL * np.clip(1 - near / ranking.LIKE_RADIUS, 0, None)
        picks: list[int] = []
        for index in best[np.lexsort((self.ids[best], -score[best]))]:
            recent = [self.artists[i] for i in picks[-(ranking.ARTIST_WINDOW - 1):]]
            if recent.count(self.artists[index]) < ranking.ARTIST_CAP:
                picks.append(index)
            if len(picks) == LIST_SIZE:
                break
        return self.ids[picks].tolist()


def statements_per_list(user_id: int) -> int:
    """SQL statements one personalised match list runs (history and candidates)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from music.selectors import ListRequest, recommendations_compute

    with CaptureQueriesContext(connection) as queries:
        recommendations_compute(ListRequest(emotion="HAPPY", user_id=user_id))
    return len(queries.captured_queries)


def list_rows(label: str, user_id: int) -> tuple[list[list], dict]:
    """Ours (match and uplift) and the numpy baseline, request by request in turns; rows and the target."""
    from music.selectors import ListRequest, recommendations_compute

    statements, baseline = statements_per_list(user_id), NumpyLists()
    requests = {strategy: iter([ListRequest(emotion=EMOTIONS[i % 8], strategy=strategy, user_id=user_id)
                                for i in range(RUNS + 10)]) for strategy in ("match", "uplift")}
    numpy_requests = iter([ListRequest(emotion=EMOTIONS[i % 8], user_id=user_id) for i in range(RUNS + 10)])
    samples = interleaved({"match": lambda: recommendations_compute(next(requests["match"])),
                           "uplift": lambda: recommendations_compute(next(requests["uplift"])),
                           "numpy": lambda: baseline.build(next(numpy_requests))}, RUNS)
    figures = {name: {kind: p50_p95(values) for kind, values in times.items()} for name, times in samples.items()}
    names = {"match": "personalised list, match (ours)", "uplift": "personalised list, uplift path (ours)",
             "numpy": "personalised list, numpy in memory (baseline)"}
    rows = [[f"{label}: {names[name]}", *(f"{figures[name][kind][i]:.2f} ms" for kind in ("cpu", "wall")
                                          for i in (0, 1)), str(RUNS),
             f"{figures['numpy']['cpu'][0] / figures[name]['cpu'][0]:.2f}x"] for name in names]
    ours, theirs = figures["match"], figures["numpy"]
    server = "; PostgreSQL's own CPU not counted" if label.startswith("PostgreSQL") else ""
    target = {"measured": f"{ours['cpu'][0]:.2f} ms CPU ({ours['wall'][0]:.2f} ms wall{server}; "
                          f"{statements} SQL statements)",
              "baseline": f"{theirs['cpu'][0]:.2f} ms CPU ({theirs['wall'][0]:.2f} ms wall)",
              "met": ours["cpu"][0] <= LIST_GOAL_MS,
              "why": "tried: the history in one query, the nearest rows chosen on a covering index in a box that "
                     "grows (only those rows read), candidates as named tuples scored in one loop, SQLite reading "
                     "through mmap; left: reading ~130 rows into Python and scoring them (~2/3 of the CPU)"}
    return rows, target


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


def sqlite_rows() -> tuple[list[list], dict]:
    from music.models import Track
    from music.services.imports import tracks_import

    start = time.perf_counter()
    summary = tracks_import(paths=HITS)
    first = time.perf_counter() - start
    start = time.perf_counter()
    again = tracks_import(paths=HITS)
    second = time.perf_counter() - start
    assert again.unchanged == summary.created and again.created == again.updated == 0
    rows = [[f"import {Track.objects.count():,} hit-predictor tracks (6 files)", "", "", f"{first:.2f} s", "",
             "1", ""],
            ["re-import the same files (all unchanged)", "", "", f"{second:.2f} s", "", "1", ""]]
    lists, target = list_rows("SQLite, 41k", listener_with_history())
    return rows + lists, target


def main() -> None:
    if sys.argv[1:] == ["--postgres"]:
        from music_pg import postgres_rows

        print(json.dumps(postgres_rows()))
        return
    django_setup()
    rows, sqlite_target = sqlite_rows()
    targets = {"list-sqlite": sqlite_target}
    pg = subprocess.run([sys.executable, __file__, "--postgres"], cwd=ROOT, capture_output=True, text=True,
                        check=False)
    sys.stderr.write(pg.stderr[-3000:])
    if pg.returncode == 0:
        pg_rows, targets["list-pg"] = json.loads(pg.stdout.strip().splitlines()[-1])
        rows += pg_rows
    else:
        rows.append(["PostgreSQL 1M", f"failed (exit {pg.returncode})", "", "", "", "", ""])
    emit("Music: import and recommendations",
         ["what", "CPU p50", "CPU p95", "wall p50", "wall p95", "runs", "numpy CPU p50 / this"], rows, [
             "A personalised list: the listener's last 50 songs and dislikes excluded, likes pulling neighbours up, "
             "artist cap, 10 songs; emotions cycled over the 8. The listener has five built lists, two likes and a "
             "dislike.",
             "Ours: music.selectors.recommendations_compute on the database (SQLite: the nearest rows of a box "
             "around the point, chosen on the covering index track_active_cell_pos; PostgreSQL: the GiST index), "
             "the history and the candidates: two SQL statements a list where the first box holds enough tracks. "
             "Baseline: bench_music.NumpyLists, the same scoring over every active track held in numpy arrays, "
             "the best 200 re-scored with likes, then the artist cap; it reads the history with the same query. "
             "The three take turns request by request in one process; CPU = time.process_time() (SQLite runs in "
             "this process; PostgreSQL's own CPU is not in it).",
             "PostgreSQL: 1,000,000 tracks made from the 41k real rows, (valence, energy) jittered by ±0.02; scratch "
             f"database {PG_DB}, dropped afterwards."], targets)


if __name__ == "__main__":
    main()
