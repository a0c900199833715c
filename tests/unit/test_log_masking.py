"""Access logs never hold a full resident id or phone, and still format (uvicorn unpacks args)."""

from __future__ import annotations

import logging

from uvicorn.logging import AccessFormatter

from postledger.api.guard import MaskPersonal


def test_an_access_log_line_is_masked_and_still_formats() -> None:
    # Given uvicorn's access record for a list filtered by a person
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/placements?person=34052419800101001X&phone=13800000001",
         "1.1", 200),
        None,
    )
    # when the masking filter sees it
    assert MaskPersonal().filter(record)
    line = AccessFormatter("%(client_addr)s - %(request_line)s %(status_code)s").format(record)
    # then the line formats, with the id and the phone masked
    assert "34052419800101001X" not in line
    assert "13800000001" not in line
    assert "/placements?person=" in line and "200" in line
