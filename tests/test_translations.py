"""Every string marked for translation (templates, Python) is translated, not fuzzy, in every catalogue.

How: the sources are copied to a temporary folder with the committed catalogues, and Django's own `makemessages`
runs there (the same extraction a developer runs, `make catalogues`), merging the strings it finds into the copied
.po files with msgmerge. A string added to a template but not to the catalogues comes out untranslated (or fuzzy,
when msgmerge guesses from a similar one): the test names it. `msgfmt --check` then checks each catalogue, e.g.
that a translation keeps the placeholders (%(name)s) of its source.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

BASE_DIR = Path(settings.BASE_DIR)
LANGUAGES = ["ar", "zh_Hans", "fr", "ru", "es"]
# What `make catalogues` extracts from (the admin stays English: its templates are left out).
SOURCES = ["manage.py", "audit", "compact_portal", "sessions", "registrations", "outbox", "invitations", "templates"]
IGNORE = ["templates/admin/*", "*/migrations/*"]


@pytest.fixture(scope="module")
def extracted_catalogues(tmp_path_factory):
    root = tmp_path_factory.mktemp("catalogues")
    for name in SOURCES:
        source = BASE_DIR / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, root / name)
    shutil.copytree(BASE_DIR / "locale", root / "locale", ignore=shutil.ignore_patterns("*.mo"))
    command = [sys.executable, "manage.py", "makemessages", "--add-location=file", "-v0"]
    command += [f"--locale={language}" for language in LANGUAGES]
    command += [f"--ignore={pattern}" for pattern in IGNORE]
    subprocess.run(command, cwd=root, check=True, capture_output=True, text=True)
    return {language: root / "locale" / language / "LC_MESSAGES" / "django.po" for language in LANGUAGES}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_marked_string_is_in_the_catalogue_and_translated(extracted_catalogues, language):
    catalogue = polib.pofile(str(extracted_catalogues[language]))
    entries = [entry for entry in catalogue if not entry.obsolete]
    untranslated = [entry.msgid for entry in entries if not entry.translated() and "fuzzy" not in entry.flags]
    fuzzy = [entry.msgid for entry in entries if "fuzzy" in entry.flags]
    assert (untranslated, fuzzy) == ([], [])
    assert len(entries) > 100  # the extraction did run over the sources


@pytest.mark.parametrize("language", LANGUAGES)
def test_committed_catalogue_is_well_formed_and_keeps_placeholders(language):
    path = BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "--output-file=/dev/null", str(path)], capture_output=True, text=True, check=False
    )
    assert (result.returncode, result.stderr) == (0, "")
    catalogue = polib.pofile(str(path))
    assert not catalogue.metadata_is_fuzzy
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ar", "انتقل إلى المحتوى الرئيسي"),
        ("zh-hans", "跳至主要内容"),
        ("fr", "Aller au contenu principal"),
        ("ru", "Перейти к основному содержанию"),
        ("es", "Ir al contenido principal"),
        ("en", "Skip to main content"),
    ],
)
def test_compiled_catalogues_are_in_use(language, expected):
    """Fails when the setup did not compile the catalogues (`make messages`, part of `make run` and `make test`)."""
    with translation.override(language):
        assert translation.gettext("Skip to main content") == expected
