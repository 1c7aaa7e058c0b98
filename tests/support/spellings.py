"""Spellings of a national number and of a phone number as people, phones and speech recognisers
type them (issue 18): one list for the end-to-end test through every door and for the staff
transcript's test."""
from __future__ import annotations

SPELLED = [
    lambda n: n, lambda n: f"{n[:2]}.{n[2:4]}.{n[4:6]}-{n[6:9]}.{n[9:]}", lambda n: f"{n[:6]} {n[6:9]} {n[9:]}",
    lambda n: ",".join([n[:2], n[2:4], n[4:6], n[6:9], n[9:]]), lambda n: f"{n[:6]}\n{n[6:]}",
    lambda n: ":".join([n[:2], n[2:4], n[4:6], n[6:9], n[9:]]), lambda n: "\u2212".join([n[:6], n[6:9], n[9:]]),
    lambda n: "".join(chr(ord(c) + 0xFEE0) for c in n), lambda n: f"({n[:6]}) {n[6:]}",
    lambda n: " / ".join([n[:6], n[6:]]), lambda n: "_".join(n), lambda n: f"{n[:3]}…{n[3:]}",
]
PHONES_SPELLED = ["(0470) 12 34 56", "+32(470)123456", "0470,12,34,56", "0470\n123456", "0470:12:34:56",
                  "+32 470 12 34 56", "0470/12.34.56", "0032470123456", "0470–12–34–56", "0470 12 34 56",
                  "\uff10\uff14\uff17\uff10\uff11\uff12\uff13\uff14\uff15\uff16", "04 70 12 34 56"]
