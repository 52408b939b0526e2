"""The first page of the demo's invitation as each mission receives it, as small PNGs under docs/letters/ for the
README: English (Germany), French (France), Spanish (Mexico), and Arabic (Egypt) and Chinese (China) from versions added
in a throw-away database only (bench/letters.py's translations); and the first page of the procedural note in English.

    .venv/bin/python scripts/letter_previews.py [--resolution 60]

Builds a temporary portal (VAR_DIR in a temporary folder: SQLite, the demo's data, no accounts), renders each letter
through the portal's pipeline and converts its first page with pdftoppm (poppler-utils). The developer's var/ is never
touched.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "letters"
LETTERS = [("en", "DEU"), ("fr", "FRA"), ("es", "MEX"), ("ar", "EGY"), ("zh-hans", "CHN")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    # 60: at 50 the signatures' thin strokes fade when the page is shown scaled down.
    parser.add_argument("--resolution", type=int, default=60, help="pixels per inch of the PNGs (default 60)")
    args = parser.parse_args()
    var_dir = Path(tempfile.mkdtemp(prefix="letter-previews-"))
    os.environ.update(VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="compact_portal.settings")
    for name in ("DATABASE_URL", "MEDIA_ROOT", "PRIVATE_MEDIA_ROOT"):
        os.environ.pop(name, None)
    sys.path.insert(0, str(ROOT))
    try:
        import django

        django.setup()
        from django.core.management import call_command

        from bench.letters import LETTERS as TRANSLATED
        from invitations import rendering
        from invitations.demo import demo_letters_load
        from invitations.models import LetterVersion
        from invitations.procedural_note import procedural_note_pdf
        from registrations.demo import demo_missions_load
        from registrations.models import PermanentMission
        from registrations.reference import reference_data_load
        from sessions.demo import demo_sessions_load

        call_command("migrate", verbosity=0, interactive=False)
        reference_data_load()
        demo_missions_load()
        [letter] = demo_letters_load(session=demo_sessions_load())
        for language in ("ar", "zh-hans"):
            text = TRANSLATED[language]
            LetterVersion.objects.create(
                letter=letter,
                language=language,
                **{key: text[key] for key in ("place_date", "subject", "salutation", "body", "closing", "addressee")},
                signatory_titles="\n\n".join(title for _, title, _ in text["signatories"]),
            )
        OUTPUT.mkdir(parents=True, exist_ok=True)
        for language, iso3 in LETTERS:
            mission = PermanentMission.objects.select_related("state").get(state__iso3=iso3, duty_station="new_york")
            values = rendering.mission_values(mission, language=language)
            rendered = rendering.letter_rendered(letter, values=values, language=language)
            pdf = var_dir / f"{language}.pdf"
            pdf.write_bytes(rendered.pdf)
            target = OUTPUT / f"invitation-{language}"
            command = ["pdftoppm", "-png", "-r", str(args.resolution), "-f", "1", "-l", "1", "-singlefile"]
            subprocess.run([*command, pdf, target], check=True)  # noqa: S603 - fixed arguments, poppler-utils
            pages = f"{rendered.page_count} page(s), fit step {rendered.fit_step}"
            print(f"{target}.png: {values['recipient_name']}, {language}, {pages}")
        note = var_dir / "note.pdf"
        note.write_bytes(procedural_note_pdf(letter.session, language="en"))
        target = OUTPUT / "procedural-note-en"
        subprocess.run([*command, note, target], check=True)  # noqa: S603 - fixed arguments, poppler-utils
        print(f"{target}.png: the procedural note, en")
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
