"""The staff console's routes, logged in as a beheerder (every role's pages), against the same
corpus of bad input, each form with a valid CSRF token so the handler itself reads it: never a
500 (issue 18, point 10)."""
from __future__ import annotations

from urllib.parse import quote

from tests.gateway.test_bad_input_corpus import BODIES, FORM, QUERIES, concrete


async def test_no_console_route_answers_bad_input_with_a_500(staff_client):
    client = await staff_client("beheerder")
    staff = next(iter(client.app._subapps))  # noqa: SLF001 - the mounted console
    routes = sorted({(r.method, "/staff" + concrete(r.resource.canonical)) for r in staff.router.routes()
                     if r.resource is not None and r.method in ("GET", "POST")
                     and "logout" not in r.resource.canonical})
    tried, errors = 0, []
    for method, path in routes:
        for query in QUERIES:
            if method == "GET":
                status = (await client.get(path + query, allow_redirects=False)).status
                tried += 1
                errors += [f"GET {path}{query[:40]}: {status}"] * (status == 500)
                continue
            for body, content_type in BODIES:
                if content_type == FORM and not body.startswith(b"x" * 100):
                    body = body + b"&csrf=" + quote(client.csrf).encode()
                status = (await client.post(path + query, data=body, headers={"Content-Type": content_type},
                                            allow_redirects=False)).status
                tried += 1
                errors += [f"POST {path}{query[:40]} {body[:24]!r}: {status}"] * (status == 500)
    print(f"\nconsole bad-input corpus: {tried} requests over {len(routes)} routes, {len(errors)} answered 500")
    assert tried > 300 and not errors, errors[:20]
