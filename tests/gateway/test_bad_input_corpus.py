"""Every route of the gateway against a corpus of bad input (issue 18, point 10): whatever a
caller sends — broken URL encoding, stray bytes, wrong JSON, repeated keys, odd queries, a large
body — the answer is never a 500. Real HTTP over init_app, Rasa down."""
from __future__ import annotations

import pytest

from tests.gateway.twilio_requests import BASE, TOKEN
from tests.support.gateway import offline_settings
from verwijzing.gateway import init_app

FORM = "application/x-www-form-urlencoded"
BODIES = [
    (b"%%%", FORM), (b"\xff\xfe\x00", FORM), (b"a=1&a=2&Body=x&Body=y", FORM), (b"=&&=", FORM),
    (b"From=%ZZ&Body=%E2%82", FORM), (b"x" * 200_000, FORM), (b"{", "application/json"),
    (b"[]", "application/json"), (b'{"message": {"a": 1}}', "application/json"), (b"\xff", "application/json"),
    (b"", "text/plain"), (b"<xml/>", "application/xml"),
]
QUERIES = ["", "?t=%ff", "?t=%C3%A9", "?next=%00", "?next=//evil.example", "?keer=%E2%82%AC", "?" + "a=1&" * 500,
           "?stap=stilte&keer=-1", "?page=999999999999999999999"]


@pytest.fixture
def config(db, monkeypatch):
    monkeypatch.setenv("VERWIJZING_CHANNEL_SECRET", "corpus-secret")
    monkeypatch.setenv("VERWIJZING_INSZ_PEPPER", "corpus-pepper")
    return offline_settings(db, twilio_auth_token=TOKEN, public_base_url=BASE, rate_limits=False)


def concrete(path: str) -> str:
    return (path.replace("{reference}", "LK-7K3P").replace("{name}", "chat.css").replace("{id}", "1")
            .replace("{referral_id}", "1").replace("{filename}", "x"))


async def test_no_route_answers_bad_input_with_a_500(aiohttp_client, config):
    app = init_app(config)
    client = await aiohttp_client(app)
    tried, errors = 0, []
    routes = {(r.method, concrete(r.resource.canonical)) for r in app.router.routes()
              if r.resource is not None and r.method in ("GET", "POST")}
    staff = {(r.method, "/staff" + concrete(r.resource.canonical)) for sub in app._subapps  # noqa: SLF001
             for r in sub.router.routes() if r.resource is not None and r.method in ("GET", "POST")}
    for method, path in sorted(routes | staff):
        for query in QUERIES:
            if method == "GET":
                response = await client.get(path + query, allow_redirects=False)
                tried += 1
                errors += [f"GET {path}{query[:40]}: {response.status}"] * (response.status == 500)
            else:
                for body, content_type in BODIES:
                    response = await client.post(path + query, data=body, headers={"Content-Type": content_type},
                                                 allow_redirects=False)
                    tried += 1
                    errors += [f"POST {path}{query[:40]} {body[:20]!r}: {response.status}"] * (response.status == 500)
    print(f"\nbad-input corpus: {tried} requests over {len(routes | staff)} routes, {len(errors)} answered 500")
    assert tried > 500 and not errors, errors[:20]
