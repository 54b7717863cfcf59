"""The menu offers only pages the role may open, and each role lands on its work (issue 20,
items 4 and 5): every demo account, every link of its menu, answers 200."""

from __future__ import annotations

import re

from django.core.management import call_command
from django.test import Client

import pytest

from ketenzicht.accounts.models import User
from ketenzicht.demo.world import DEMO_USERS

pytestmark = pytest.mark.django_db

MENU_LINK = re.compile(r'<nav class="kz-nav".*?</nav>', re.S)
HREF = re.compile(r'href="([^"]+)"')

LANDING = {
    "coa.terapel": "/signalen/",
    "nidos.voogd": "/signalen/",
    "gemeente.westerwolde": "/monitor/GM1950",
    "gemeente.amsterdam": "/monitor/GM0363",
    "rapporteur": "/monitor/NL",
    "auditor": "/audit/",
    "beheerder": "/delen/groepen",
    "coa.privacy": "/privacy/inzageverzoeken",
}


def test_every_demo_role_lands_on_its_work_and_opens_every_menu_link() -> None:
    call_command("demo", signals=20, quiet=True)
    for demo in DEMO_USERS:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(username=demo.username))
        landing = client.get("/")
        assert landing.status_code == 302, demo.username
        page = client.get(landing["Location"], follow=True)
        assert page.status_code == 200, (demo.username, landing["Location"])
        if demo.username in LANDING:
            final = page.redirect_chain[-1][0] if page.redirect_chain else landing["Location"]
            assert final == LANDING[demo.username]
        nav = MENU_LINK.search(page.content.decode())
        assert nav is not None, demo.username
        links = HREF.findall(nav.group(0))
        assert links, demo.username
        for href in links:
            assert client.get(href, follow=True).status_code == 200, (demo.username, href)


def test_a_guardian_without_a_location_has_no_attention_list() -> None:
    call_command("demo", signals=0, quiet=True)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="nidos.voogd"))
    page = client.get("/signalen/").content.decode()
    assert "/aandacht" not in page
    client.force_login(User.objects.get(username="coa.terapel"))
    assert "/aandacht" in client.get("/signalen/").content.decode()
