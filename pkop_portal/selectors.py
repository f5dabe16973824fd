"""Reads for the site-wide pages."""

from pkop_portal import refdata


def hotline_line_list_public():
    """Active hotline lines in display order (a tuple kept in the process by
    pkop_portal.refdata; an edit in the admin shows within REFDATA_CHECK_SECONDS)."""
    return refdata.hotline_lines()
