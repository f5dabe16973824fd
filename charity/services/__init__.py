"""Writes of the charity app, by sub-domain: the applicant's side (submission), the staff
workflow (workflow), the committee (committee), the hand-over of aid (disbursement) and
requests made from other channels (channels)."""
