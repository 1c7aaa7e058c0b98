"""Try a person taking over, against a running `make run` (docs/handover.md), as people do it:
the citizen in the chat (`/chat`), by SMS and by keypad (`verwijzing twilio`, requests exactly as
Twilio sends them), and a consulent in the console (its forms, with a second factor).

    .venv/bin/python scripts/try_handover.py terugbellen   # outside office hours: call backs
    VERWIJZING_KANTOORUREN="ma-zo 00:00-24:00" make run     # then, in office hours:
    .venv/bin/python scripts/try_handover.py overnemen     # a consulent takes a chat and an SMS

Each step prints what was said; the run ends with the dashboard's "Hulp van een mens" figures.
It makes a new console account each time (`verwijzing staff add-user`), named try.<time>, with a
random password nobody gets to see."""
from __future__ import annotations

import asyncio
import json
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pyotp

ROOT = Path(__file__).resolve().parents[1]
GATEWAY = "http://127.0.0.1:8080"
# A fresh random password per run: the account is real, in make run's database.
PASSWORD = secrets.token_urlsafe(18)
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def verwijzing(*args: str, stdin: str | None = None) -> str:
    # Through scripts/verwijzing.sh: the settings make run uses (.env), the same database and token.
    done = subprocess.run([str(ROOT / "scripts" / "verwijzing.sh"), *args], input=stdin, capture_output=True, text=True,
                          cwd=ROOT, check=False)
    if done.returncode:
        sys.exit(f"verwijzing {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout.strip()


def show(who: str, text: str) -> None:
    print(f"  {who}: {text}")


async def chat(http: aiohttp.ClientSession, text: str) -> dict:
    async with http.post(f"{GATEWAY}/chat", json={"message": text}) as response:
        body = await response.json()
    show("persoon (web)", text)
    for message in body.get("messages", []):
        show("  antwoord", message["text"].replace("\n", " "))
    return body


def sms(phone: str, text: str) -> str:
    show(f"persoon (sms {phone[:6]}…)", text)
    said = verwijzing("twilio", "sms", "--van", phone, text)
    show("  antwoord", said.replace("\n", " "))
    return said


async def consulent() -> tuple[aiohttp.ClientSession, str]:
    """A new consulent, logged in with the second factor set up: the session and a CSRF token."""
    login = f"try.{int(time.time())}"
    verwijzing("staff", "add-user", login, "--role", "consulent", "--password-stdin", stdin=f"{PASSWORD}\n")
    http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    async with http.get(f"{GATEWAY}/staff/login") as page:
        csrf = _CSRF.search(await page.text()).group(1)
    async with http.post(f"{GATEWAY}/staff/login", data={"csrf": csrf, "login": login, "wachtwoord": PASSWORD,
                                                         "next": "/staff/wachtrij", "code": ""}) as page:
        text = await page.text()
    key = re.search(r"Sleutel: <code>([A-Z2-7 ]+)</code>", text).group(1).replace(" ", "")
    async with http.post(f"{GATEWAY}/staff/tweede-stap", data={"csrf": _CSRF.search(text).group(1),
                                                              "code": pyotp.TOTP(key).now(),
                                                              "next": "/staff/wachtrij"}) as page:
        if page.status != 200:
            sys.exit(f"de tweede stap lukte niet: {page.status}")
    async with http.get(f"{GATEWAY}/staff/wachtrij") as page:
        return http, _CSRF.search(await page.text()).group(1)


def person_session() -> aiohttp.ClientSession:
    """A browser: it keeps the conversation cookie (also from 127.0.0.1, an address)."""
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


async def post(http: aiohttp.ClientSession, csrf: str, path: str, **fields: str) -> str:
    async with http.post(f"{GATEWAY}{path}", data={**fields, "csrf": csrf}, allow_redirects=False) as response:
        return response.headers.get("Location", str(response.status))


async def call_backs() -> None:
    print("Buiten de kantooruren, of niemand beschikbaar: terugbellen")
    async with person_session() as person:
        for text in ("ik wil met een mens praten", "terugbellen", "0471 22 33 44", "liefst s morgens"):
            await chat(person, text)
    for text in ("ik wil met een mens praten", "TERUGBELLEN", "2"):
        sms("+32470111222", text)
    show("beller (toetsen 0, 3)", "")
    for line in verwijzing("twilio", "bel", "--van", "+32470333444", "0", "3").splitlines():
        show("  hoort", line)


async def take_overs() -> None:
    print("In de kantooruren: een consulent neemt een chat en een sms-gesprek over en geeft ze terug")
    http, csrf = await consulent()
    try:
        await post(http, csrf, "/staff/wachtrij/beschikbaar", beschikbaar="ja")
        async with person_session() as person:
            await chat(person, "hallo")
            code = (await chat(person, "ik wil met een mens praten"))["overdracht"]["code"]
            await chat(person, "ik snap het formulier niet")
            started = time.monotonic()
            show("consulent", f"neemt {code} over → {await post(http, csrf, f'/staff/wachtrij/{code}/overnemen')}")
            await post(http, csrf, f"/staff/overname/{code}/antwoord", antwoord="Dag, ik ben je consulent. Ik help je.")
            async with person.get(f"{GATEWAY}/chat") as response:
                last = (await response.json())["messages"][-1]
            show("persoon ziet", f"{last['from']}: {last['text']} (na {time.monotonic() - started:.2f} s)")
            show("consulent", f"geeft terug → {await post(http, csrf, f'/staff/overname/{code}/terug')}")
            await chat(person, "wat kost het?")
        phone = "+32470555666"
        code = re.search(r"code is ([A-Z0-9]{6})", sms(phone, "ik wil met een mens praten")).group(1)
        sms(phone, "ben je daar?")
        show("consulent", f"neemt {code} over → {await post(http, csrf, f'/staff/wachtrij/{code}/overnemen')}")
        await post(http, csrf, f"/staff/overname/{code}/antwoord", antwoord="Dag, ik bel je zo op.")
        show("consulent", f"geeft terug → {await post(http, csrf, f'/staff/overname/{code}/terug')}")
        sms(phone, "hallo")
        show("sms'en naar de persoon", "var/log/sms-outbox.log (de worker verstuurt ze lokaal)")
        # The dashboard's figures as JSON, with make run's settings (scripts/env.sh reads .env).
        figures = subprocess.run(["bash", "-c", ". scripts/env.sh && load_env_file .env && "
                                  "exec .venv/bin/python -m verwijzing.monitoring.queries"],
                                 cwd=ROOT, capture_output=True, text=True, check=True).stdout
        print("Dashboard, hulp van een mens:",
              json.dumps(json.loads(figures)["hulp_van_een_mens"], ensure_ascii=False))
    finally:
        await http.close()


def main() -> None:
    part = sys.argv[1] if len(sys.argv) > 1 else ""
    if part not in ("terugbellen", "overnemen"):
        sys.exit("gebruik: scripts/try_handover.py terugbellen|overnemen (zie de uitleg bovenaan)")
    asyncio.run(call_backs() if part == "terugbellen" else take_overs())


if __name__ == "__main__":
    main()
