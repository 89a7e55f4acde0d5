"""Demo dispute runs that load their own world: none without after-sales cases."""

from io import StringIO

from django.core.management import call_command

from anxin.core import clock
from anxin.disputes.models import Dispute

from .test_demo import NOW


def test_no_disputes_without_cases(db):
    # given / when: a demo world loaded without after-sales cases
    out = StringIO()
    with clock.frozen(NOW):
        call_command(
            "demo_data",
            "--orders",
            "40",
            "--cases",
            "0",
            "--no-banner",
            "--no-reputation",
            stdout=out,
        )
    # then
    assert not Dispute.unscoped.exists()
    assert "Demo disputes not opened: no after-sales cases" in out.getvalue()
