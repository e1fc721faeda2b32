"""The branch head's screens: scorecards and their charts, the branch's flags, handover."""
