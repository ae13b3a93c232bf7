"""``qplan forecast``: each queue's weekly volume ahead, from its actuals."""

from __future__ import annotations

import click

from qplan.cli.common import (
    Context,
    day_value,
    echo_report,
    format_option,
    pass_context,
    write_refusal,
)


def _weeks(value: str) -> int:
    from qplan.app.forecast import MAX_HORIZON_WEEKS
    from qplan.core.errors import UsageError

    text = value.strip().lower().removesuffix("w")
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_HORIZON_WEEKS:
        raise UsageError(
            f"--horizon {value!r}: write a number of weeks from 1 to {MAX_HORIZON_WEEKS}, like 12w"
        )
    return int(text)


@click.command()
@click.argument("queues", nargs=-1, metavar="[QUEUE]...")
@click.option("--workflow", help="Only this workflow's queues (when no queue is named).")
@click.option("--horizon", default="12w", show_default=True, help="Weeks ahead, like 12w.")
@click.option(
    "--method",
    type=click.Choice(["auto", "ets", "theta", "seasonal-naive"]),
    default="auto",
    show_default=True,
    help="The model; auto keeps the one whose backtest MASE is lowest.",
)
@click.option(
    "--quantile",
    type=float,
    default=0.8,
    show_default=True,
    help="The upper quantile shown beside the median (P80 at 0.8).",
)
@click.option(
    "--as-of",
    "as_of",
    metavar="YYYY-MM-DD",
    help="Forecast from the actuals up to this day (default: their last day).",
)
@click.option(
    "--write",
    is_flag=True,
    help="Write each forecast that beats seasonal naive and the files' forecast by "
    "forecast_margin_percent into its queue's file (weekly_volume, aht_seconds).",
)
@format_option("text", "json", "markdown")
@pass_context
def forecast(
    obj: Context,
    queues: tuple[str, ...],
    workflow: str | None,
    horizon: str,
    method: str,
    quantile: float,
    as_of: str | None,
    write: bool,
    fmt: str,
) -> None:
    """Each queue's weekly volume (P50 and a quantile) and handle time for the weeks ahead,
    from its daily actuals; the method chosen by a rolling-origin backtest against seasonal
    naive and against the forecast in the files. With --write, each that beats both by the
    margin goes into its queue's file, for a pull request whose plan shows what it does.

    Example: qplan forecast ls-safety-en --horizon 8w
    """
    from qplan.app.forecast import forecast as forecast_of
    from qplan.app.forecast import write_forecasts
    from qplan.core.errors import UsageError
    from qplan.core.units import check_fraction
    from qplan.report.forecast import REPORTERS

    weeks = _weeks(horizon)
    check_fraction(quantile, "--quantile", "the quantile", below_one=True)
    if quantile <= 0.5:
        raise UsageError(f"--quantile {quantile:g}: the upper quantile is above 0.5 (the median)")
    day = day_value(as_of, "--as-of")
    validation = obj.workspace().validation
    if validation.report.has_errors:
        write_refusal(validation.report, "text", "No forecast was made")
    found = forecast_of(
        validation,
        list(queues),
        workflow=workflow,
        horizon_weeks=weeks,
        method=method,
        quantile=quantile,
        as_of=day,
    )
    if write:
        write_forecasts(validation, found, validation.settings.forecast_margin_percent)
    echo_report(REPORTERS.render(found, fmt), fmt)
