"""python manage.py recommend --emotion CALM [--strategy uplift] [--user NAME] [--json]"""

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Strategy
from music.affect import EMOTION_TARGETS
from music.models import Track
from music.selectors import ListRequest, recommendations_compute


class Command(BaseCommand):
    help = "Print the songs a listener would get now for an emotion and a strategy."

    def add_arguments(self, parser):
        parser.add_argument("--emotion", required=True, type=str.upper, choices=list(EMOTION_TARGETS))
        parser.add_argument("--strategy", choices=Strategy.values, default=Strategy.MATCH)
        parser.add_argument("--user", help="personalise for this username (history, likes, dislikes)")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, emotion, strategy, user, json, **options):
        user_id = None
        if user:
            user_id = get_user_model().objects.filter(username=user).values_list("id", flat=True).first()
            if user_id is None:
                raise CommandError(f"no user named {user!r}")
        picks = recommendations_compute(ListRequest(emotion=emotion, strategy=strategy, user_id=user_id))
        tracks = Track.objects.in_bulk([pick.candidate.id for pick in picks])
        rows = [{"rank": rank, "id": pick.candidate.id, "name": tracks[pick.candidate.id].name,
                 "artist": tracks[pick.candidate.id].artist, "mood": pick.candidate.mood,
                 "valence": pick.candidate.valence, "energy": pick.candidate.energy,
                 "score": pick.score, "reason": pick.reason} for rank, pick in enumerate(picks, start=1)]
        self.stdout.write(_json_dump(rows) if json else "\n".join(
            f"{r['rank']:>2}. {r['name']} — {r['artist']} [{r['mood']}] {r['score']:.3f}  {r['reason']}" for r in rows))


def _json_dump(rows: list[dict]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2)
