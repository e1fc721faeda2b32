"""The branch head's work: RM scorecards and their KPIs, whose scorecard a client counts on,
the branch review, the branch's open flags, and handing clients over between RMs."""
