"""村情简报: an A4 PDF in Chinese with the CJK font embedded, audited as an export; 503 without a font."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.urls import reverse

from xiangcun.accounts.choices import SecurityEventKind
from xiangcun.accounts.models import SecurityEvent
from xiangcun.core.testing import VILLAGE_A
from xiangcun.dashboard import brief
from xiangcun.dashboard.tests.profile_fixtures import furnished_village, overview_fixture, use_fixed_overview
from xiangcun.dashboard.views import profile

WQY = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
needs_font = pytest.mark.skipif(brief.find_cjk_font() is None, reason="no CJK font installed (fonts-wqy-microhei)")


@pytest.fixture(autouse=True)
def _overview(monkeypatch):
    use_fixed_overview(monkeypatch)


@pytest.fixture
def village(tree, personas):
    return furnished_village(tree, personas)


@needs_font
def test_the_brief_is_a_pdf_with_the_cjk_font_embedded(village, client_as):
    response = client_as("village_clerk_a").get(reverse("dashboard:brief", args=[VILLAGE_A]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = response.content
    assert body.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page\b", body)) >= 2
    assert b"WenQuanYi" in body or b"NotoSans" in body or b"NotoSerif" in body
    assert b"/FontFile2" in body  # the font's glyphs are in the file, not just named
    disposition = response["Content-Disposition"]
    assert "filename*=utf-8''" in disposition.lower()
    assert "杰迪村" in unquote(disposition.split("''", 1)[1])


@needs_font
def test_printing_the_brief_is_recorded_as_an_export(village, client_as, personas):
    client_as("village_clerk_a").get(reverse("dashboard:brief", args=[VILLAGE_A]))
    event = SecurityEvent.objects.get(kind=SecurityEventKind.DATA_EXPORTED)
    assert event.actor == personas["village_clerk_a"]
    assert event.target == f"dashboard.brief.{VILLAGE_A}" and event.detail["export"] == "village_brief"


def test_the_brief_renders_phones_out_and_officials_names_in(village, personas):
    """The text fed to the PDF: cadres by name and role, no phone."""
    facts = profile.village_facts(personas["county_admin"], village)
    written: list[str] = []

    class Recorder(brief.BriefPDF):
        def cell(self, *args, **kwargs):
            text = kwargs.get("text", args[2] if len(args) > 2 else "")
            written.append(str(text))
            return super().cell(*args, **kwargs)

        def multi_cell(self, *args, **kwargs):
            written.append(str(kwargs.get("text", args[2] if len(args) > 2 else "")))
            return super().multi_cell(*args, **kwargs)

    font = brief.find_cjk_font()
    if font is None:
        pytest.skip("no CJK font installed")
    original = brief.BriefPDF
    brief.BriefPDF = Recorder
    try:
        import datetime

        content = brief.render_brief(brief.BriefData(village=village, overview=overview_fixture(), facts=facts,
                                                     date=datetime.date(2026, 11, 20)), font)
    finally:
        brief.BriefPDF = original
    text = "\n".join(written)
    assert content.startswith(b"%PDF")
    assert "李建国" in text and "13812345678" not in text and "138****5678" not in text
    assert "<5" in text  # suppressed cells of the fixture (a pyramid band, households below the line)
    assert "杰迪村卫生室" in text and "杰迪村第1网格" in text


def test_a_missing_font_answers_503_naming_the_package(village, client_as, monkeypatch):
    monkeypatch.setattr(brief, "find_cjk_font", lambda: None)
    response = client_as("village_clerk_a").get(reverse("dashboard:brief", args=[VILLAGE_A]))
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert b"fonts-wqy-microhei" in response.content and b"XIANGCUN_CJK_FONT" in response.content
    assert not SecurityEvent.objects.filter(kind=SecurityEventKind.DATA_EXPORTED).exists()


def test_the_font_setting_comes_first_and_a_missing_file_is_skipped(settings, tmp_path):
    fake = tmp_path / "my-cjk.ttf"
    fake.write_bytes(b"not really a font")
    settings.XIANGCUN_CJK_FONT = str(fake)
    assert brief.find_cjk_font() == fake
    settings.XIANGCUN_CJK_FONT = str(tmp_path / "absent.ttf")
    assert brief.font_candidates()[0].endswith("absent.ttf")
    assert brief.find_cjk_font() != tmp_path / "absent.ttf"


@pytest.mark.parametrize(("persona", "status"), [("village_clerk_b", 404), ("villager_a", 404)])
def test_the_brief_is_scoped(village, client_as, persona, status):
    assert client_as(persona).get(reverse("dashboard:brief", args=[VILLAGE_A])).status_code == status
