"""Credentials kept out of every message, record and file qplan writes: a database URL's
password and credential parameters, found by their places and by their text."""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["first_line", "redact", "redact_url", "url_secrets"]


def first_line(exc: BaseException) -> str:
    """The first line of an error from a store, without any credential it quotes."""
    text = str(exc).strip()
    return redact(text.splitlines()[0]) if text else type(exc).__name__


#: a password in a URL's user part (``user:secret@host``)
_USER_PASSWORD = re.compile(r"(://[^/@\s:]*:)[^@\s]*@")
#: a credential passed as a parameter (``?password=``, ``&sslpassword=``, ``token=`` …)
_CREDENTIAL_PARAMETER = re.compile(
    r"(?i)\b(password|passwd|pwd|sslpassword|sslkey|token|access_token|secret|api_?key)"
    r"=([^&\s'\"]*)"
)


def redact(text: str, secrets: Sequence[str] = ()) -> str:
    """``text`` (a URL, a connection string or a message that quotes one) without any
    credential in it: each of ``secrets`` (see :func:`url_secrets`) wherever it appears,
    the user part's password and every password, token or key parameter. The one place
    qplan hides credentials, for every message, record and file it writes."""
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "***")
    text = _USER_PASSWORD.sub(r"\1***@", text)
    return _CREDENTIAL_PARAMETER.sub(r"\1=***", text)


def _user_password(url: str) -> tuple[str, str, str] | None:
    """A URL cut around the password of its user part: (what comes before it, the
    password, what follows it), the password being everything between the first ``:``
    of the user part and the last ``@`` (whatever it holds); None without one."""
    scheme, separator, rest = url.partition("://")
    at = rest.rfind("@")
    user = rest[:at] if at >= 0 else ""
    name, colon, password = user.partition(":")
    if not colon:
        return None
    return f"{scheme}{separator}{name}:", password, rest[at:]


def url_secrets(url: str) -> list[str]:
    """The credentials a URL holds, to hide wherever a message quotes them, as written and
    percent-decoded: the password of its user part (:func:`_user_password`, and each piece
    of it between ``@ : / ? # = &``, which a parser or a driver may quote alone) and the
    value of each password, token or key parameter. Texts under four characters are left
    out: they would hide parts of ordinary words."""
    from urllib.parse import unquote

    found = []
    cut = _user_password(url)
    if cut is not None:
        password = cut[1]
        found += [password, *re.split(r"[@:/?#=&]", password)]
        # a parser that cuts the user part at its first "@" quotes the rest of the password
        # as the host's name: each tail of the password, alone and with the host after it
        host = re.split(r"[/?#]", cut[2][1:])[0]
        for at in (m.start() for m in re.finditer("@", password)):
            tail = password[at + 1 :]
            found += [tail, f"{tail}@{host}", f"{tail}@{host.rpartition(':')[0] or host}"]
    for parameter in url.partition("://")[2].partition("?")[2].split("&"):
        name, _, value = parameter.partition("=")
        if _CREDENTIAL_PARAMETER.match(f"{name}="):
            found.append(value)
    return sorted({s for secret in found for s in (secret, unquote(secret)) if len(s) >= 4})


def redact_url(url: str) -> str:
    """A URL as it may be shown: the password of its user part and the value of every
    credential parameter replaced by ``***``, found by their places, not their text."""
    cut = _user_password(url)
    if cut is not None and "/" not in cut[0].partition("://")[2]:  # a user name, not a path
        url = f"{cut[0]}***{cut[2]}"
    head, question, query = url.partition("?")
    parameters = []
    for parameter in query.split("&") if question else []:
        name, equals, _ = parameter.partition("=")
        secret = equals and _CREDENTIAL_PARAMETER.match(f"{name}=")
        parameters.append(f"{name}=***" if secret else parameter)
    return head + question + "&".join(parameters)
