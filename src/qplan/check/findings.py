"""What a rule finds: a diagnostic and the items it is about (any of which may suppress
its code), and the signature every rule has."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from qplan.core.diagnostics import Diagnostic
from qplan.model.organisation import Organisation

#: the diagnostic and the items it is about
Finding = tuple[Diagnostic, tuple[Any, ...]]
#: a rule: the organisation and the day it is checked on → what it finds
Check = Callable[[Organisation, date], Iterator[Finding]]
